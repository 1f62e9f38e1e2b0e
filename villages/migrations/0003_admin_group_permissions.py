"""Give the role groups their admin permissions.

- ``admin``: every permission of the villages and accountability apps (their historical
  models from django-simple-history included) and of auth's users and groups.
- ``county_supervisor``: view permissions on the accountability app's models.

Permissions are normally created by a post_migrate signal, i.e. after all migrations have
run, so they are created here first for the apps involved. Models added by later
migrations need their own grant.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_APPS = ["villages", "accountability"]
ADMIN_AUTH_MODELS = ["user", "group"]
SUPERVISOR_VIEW_APPS = ["accountability"]
# Page actions only the county supervisor takes (accountability's Meta.permissions, added by
# accountability/migrations/0007, send_reminder by 0010): the admin group manages the data in the admin but does
# not take them on the pages.
SUPERVISOR_ACTIONS = [
    "record_inspection",
    "record_accountabilityaction",
    "lock_week",
    "compute_yearendscore",
    "publish_yearendscore",
    "record_halfyearreview",
    "record_annualreport",
    "send_reminder",  # accountability/migrations/0017_reminders
]
# The supervisors' recording pages of contracts (A2), TV exposures (A7) and commendations
# (C4), added by accountability/migrations/0010_supervisor_record_pages.
SUPERVISOR_ACTIONS += ["record_contract", "record_exposure", "record_commendation"]
# The oversight pages township secretaries read (they have no admin access: not staff).
TOWNSHIP_SECRETARY_VIEWS = ["view_inspection", "view_accountabilityaction", "view_yearendscore"]
# his township's contracts and TV exposures (accountability/migrations/0010_supervisor_record_pages)
TOWNSHIP_SECRETARY_VIEWS += ["view_contract", "view_exposure"]


def ensure_permissions(apps):
    for label in ["auth", *ADMIN_APPS]:
        app_config = apps.get_app_config(label)
        had_module = getattr(app_config, "models_module", None)
        # create_permissions skips an app config without a models module, which is what the
        # migration state's app configs look like.
        app_config.models_module = had_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = had_module


def grant_permissions(apps, schema_editor=None):
    """Also used by tests/e2e/conftest.py to restore the grants after a database flush."""
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(
        *Permission.objects.filter(content_type__app_label__in=ADMIN_APPS).exclude(
            codename__in=SUPERVISOR_ACTIONS
        ),
        *Permission.objects.filter(content_type__app_label="auth", content_type__model__in=ADMIN_AUTH_MODELS),
    )

    supervisor, _ = Group.objects.get_or_create(name="county_supervisor")
    supervisor.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=SUPERVISOR_VIEW_APPS, codename__startswith="view_"
        ),
        *Permission.objects.filter(content_type__app_label="accountability", codename__in=SUPERVISOR_ACTIONS),
    )

    secretary, _ = Group.objects.get_or_create(name="township_secretary")
    secretary.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accountability", codename__in=TOWNSHIP_SECRETARY_VIEWS
        )
    )


def revoke_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["admin", "county_supervisor", "township_secretary"]):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0002_roles"),
        ("accountability", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_permissions, revoke_permissions)]
