from django.urls import path

from . import views

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/import/", views.registry_import, name="registry_import"),
    path("registry/import/confirm/", views.registry_import_confirm, name="registry_import_confirm"),
    path("registry/template.xlsx", views.registry_template, name="registry_template"),
    path("registry/imports/", views.import_log, name="import_log"),
]
