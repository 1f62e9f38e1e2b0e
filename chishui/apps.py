from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _


class ChishuiConfig(AppConfig):
    """The project itself as an app: its security hooks (chishui/security.py) and the
    site-wide commands (backup, restore)."""

    name = "chishui"
    verbose_name = _("平台")

    def ready(self):
        from chishui import security

        user_login_failed.connect(security.log_failed_login, dispatch_uid="chishui.log_failed_login")
