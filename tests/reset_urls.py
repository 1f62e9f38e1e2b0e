"""The project's URLs as an installation with a mail server serves them (the password-reset
pages included): chishui/urls.py decides once, at import, from PASSWORD_RESET_ENABLED."""

from chishui.urls import project_urls

urlpatterns = project_urls(reset_enabled=True)
