"""The survey worker role (测评员, C2): a group of its own, and the admin group's grants on
the audit-history models that 0004 and 0005 added (0003 only granted what existed then)."""

from django.db import migrations

SURVEY_WORKER = "survey_worker"
NEW_MODELS = [
    "historicalsurveyanswer",
    "historicalsurveyround",
    "historicaloutreachevent",
    "historicallivelihoodoutcome",
]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Group.objects.get_or_create(name=SURVEY_WORKER)
    app_config = apps.get_app_config("villages")
    had_module = getattr(app_config, "models_module", None)
    app_config.models_module = had_module or True  # see 0003: migration-state app configs
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = had_module
    admin = Group.objects.filter(name="admin").first()
    if admin is not None:
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label="villages", content_type__model__in=NEW_MODELS)
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SURVEY_WORKER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0006_outreach_and_outcome_codes_and_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
