# The tallies' village is filled by 0015 (in its own transaction: PostgreSQL does not alter a
# table with the fill's deferred foreign-key checks pending).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("villages", "0015_household_tallies"),
    ]

    operations = [
        migrations.AlterField(
            model_name="householdsurveytally",
            name="village",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="villages.village",
                verbose_name="村",
            ),
        ),
    ]
