"""Every year-end score belongs to a version; the county supervisors' group gets the
permissions to publish a version and to record half-year reviews and annual reports
(villages/migrations/0003's grant, idempotent)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

grants = importlib.import_module("villages.migrations.0003_admin_group_permissions")


class Migration(migrations.Migration):
    dependencies = [("accountability", "0013_yearend_scores_into_version_1")]

    operations = [
        migrations.AlterField(
            model_name="yearendscore",
            name="run",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="scores",
                to="accountability.yearendrun",
                verbose_name="考评版本",
            ),
        ),
        migrations.RunPython(grants.grant_permissions, migrations.RunPython.noop),
    ]
