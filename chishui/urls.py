from django.contrib import admin
from django.urls import include, path

# Uploaded files (MEDIA_ROOT) have no public URL, not even with DEBUG on: evidence is served by
# accountability's permission-checked view, registry uploads never leave the server.
urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("villages.urls")),
    path("", include("accountability.urls")),
]
