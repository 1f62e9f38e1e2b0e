from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villages"
    verbose_name = _("县域登记信息")

    def ready(self):
        # The registry sheets of organization positioning and household satisfaction
        # (FORMATS.md) join the engine after the core sheets, in load order.
        from villages.organization.sheets import register_sheets as register_organization
        from villages.satisfaction.sheets import register_sheets as register_satisfaction

        register_organization()
        register_satisfaction()
