"""The historical findings and ratings are new models: grant the role groups their
permissions again (villages/migrations/0003 grants every permission of the project's apps;
it is idempotent)."""

import importlib

from django.db import migrations

grants = importlib.import_module("villages.migrations.0003_admin_group_permissions")


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0005_finding_evaluation_history"),
        ("villages", "0003_admin_group_permissions"),
    ]

    operations = [migrations.RunPython(grants.grant_permissions, migrations.RunPython.noop)]
