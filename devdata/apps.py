from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """Demo and benchmark data: the ``demo`` and ``benchmark`` commands. Not product code:
    it builds its rows through the product's own services."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "devdata"
    verbose_name = _("演示与基准数据")
