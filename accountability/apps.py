from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"
    verbose_name = _("三定责任管理")

    def ready(self):
        # The registry engine (villages) cannot import this app; the tasks sheet joins it here.
        from accountability.dashboards import summaries
        from accountability.tasks.registry_sheets import register_sheets
        from villages.organization.services import on_record_saved
        from villages.satisfaction.services import on_answers_written

        register_sheets()
        # Survey answers written by villages' pages and sheets keep the survey summary exact
        # and the cached dashboards fresh.
        on_answers_written(summaries.answers_written)
        # Organization records (the monthly page's "1+X" and collective funds): the cache.
        on_record_saved(summaries.changed)
