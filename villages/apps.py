from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "villages"
    verbose_name = _("县域登记信息")

    def ready(self):
        # The organization sheets (FORMATS.md) join the registry engine after the core sheets.
        from villages.organization.sheets import register_sheets

        register_sheets()
