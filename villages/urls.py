from django.urls import path

from . import views
from .organization import views as organization
from .registry import views as registry

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/import/", registry.registry_import, name="registry_import"),
    path("registry/import/confirm/", registry.registry_import_confirm, name="registry_import_confirm"),
    path("registry/template.xlsx", registry.registry_template, name="registry_template"),
    path("registry/imports/", registry.import_log, name="import_log"),
    path("organization/", organization.overview, name="organization"),
    path(
        "organization/work-teams/<int:team_pk>/members/add/",
        organization.member_edit,
        name="organization_member_add",
    ),
    path(
        "organization/work-teams/<int:team_pk>/members/<int:pk>/",
        organization.member_edit,
        name="organization_member_edit",
    ),
    path("organization/<slug:slug>/", organization.record_list, name="organization_records"),
    path("organization/<slug:slug>/add/", organization.record_add, name="organization_add"),
    path("organization/<slug:slug>/<int:pk>/", organization.record_edit, name="organization_edit"),
]
