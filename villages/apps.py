from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villages"
    verbose_name = _("县域登记信息")

    def ready(self):
        # the outreach, outcomes and surveys sheets of the registry (FORMATS.md)
        from villages.satisfaction.sheets import register_sheets

        register_sheets()
