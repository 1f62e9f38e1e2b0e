from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accountability"

    def ready(self):
        # The registry engine (villages) cannot import this app; the tasks sheet joins it here.
        from .registry_sheets import register_sheets

        register_sheets()
