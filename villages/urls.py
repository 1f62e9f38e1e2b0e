from django.urls import path

from . import views
from .registry import views as registry

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/import/", registry.registry_import, name="registry_import"),
    path("registry/import/confirm/", registry.registry_import_confirm, name="registry_import_confirm"),
    path("registry/template.xlsx", registry.registry_template, name="registry_template"),
    path("registry/imports/", registry.import_log, name="import_log"),
]
