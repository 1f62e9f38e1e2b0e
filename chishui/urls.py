from django.conf import settings
from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path

# Password reset sends a mail: without an SMTP server (EMAIL_HOST) its pages are not served,
# so nobody is offered a reset that never arrives (the login page links to it only when served).
RESET_URLS = {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


def project_urls(reset_enabled):
    """The project's URLs, with or without the password-reset pages."""
    account_urls = [url for url in auth_urls.urlpatterns if reset_enabled or url.name not in RESET_URLS]
    # Uploaded files (MEDIA_ROOT) have no public URL, not even with DEBUG on: evidence is served
    # by accountability's permission-checked view, registry uploads never leave the server.
    return [
        path("accounts/", include(account_urls)),
        path("i18n/", include("django.conf.urls.i18n")),
        path("admin/", admin.site.urls),
        path("", include("villages.urls")),
        path("", include("accountability.urls")),
    ]


urlpatterns = project_urls(settings.PASSWORD_RESET_ENABLED)
