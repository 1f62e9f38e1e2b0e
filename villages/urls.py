from django.urls import path

from . import views
from .registry import views as registry
from .satisfaction import views as satisfaction

app_name = "villages"

urlpatterns = [
    path("", views.home, name="home"),
    path("registry/import/", registry.registry_import, name="registry_import"),
    path("registry/import/confirm/", registry.registry_import_confirm, name="registry_import_confirm"),
    path("registry/template.xlsx", registry.registry_template, name="registry_template"),
    path("registry/imports/", registry.import_log, name="import_log"),
    path("satisfaction/", satisfaction.results, name="satisfaction"),
    path("satisfaction/units/", satisfaction.unit_results, name="satisfaction_units"),
    path("satisfaction/rounds/", satisfaction.rounds, name="survey_rounds"),
    path("satisfaction/rounds/<int:pk>/close/", satisfaction.round_close, name="survey_round_close"),
    path("satisfaction/survey/", satisfaction.survey, name="survey"),
    path("satisfaction/survey/<int:round_id>/pending/", satisfaction.pending, name="survey_pending"),
    path("satisfaction/survey/<int:round_id>/<str:code>/", satisfaction.survey_entry, name="survey_entry"),
    path("satisfaction/outreach/new/", satisfaction.outreach_new, name="outreach_new"),
    path("satisfaction/outcomes/new/", satisfaction.outcome_new, name="outcome_new"),
]
