"""The quarterly league's progress per quarter and township (ProgressSummary), built by
``rebuild_summaries``; until then the quarterly page reads it live. Its permissions are
granted to the role groups as every model's are (villages/migrations/0003)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

grants = importlib.import_module("villages.migrations.0003_admin_group_permissions")


class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0021_reported_task_not_deleted'),
        ('villages', '0013_cadre_rank_and_spot_check_roles'),
        ('villages', '0003_admin_group_permissions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='summaryperiod',
            name='kind',
            field=models.CharField(choices=[('week', '周'), ('month', '月'), ('round', '测评轮次'), ('quarter', '季度')], max_length=8, verbose_name='类型'),
        ),
        migrations.CreateModel(
            name='ProgressSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('quarter', models.DateField(verbose_name='季度（首日）')),
                ('tasks', models.PositiveIntegerField(verbose_name='已开始任务')),
                ('percent_sum', models.DecimalField(decimal_places=2, max_digits=14, verbose_name='季末进度合计')),
                ('township', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='villages.township', verbose_name='乡镇')),
            ],
            options={
                'verbose_name': '季度进度汇总',
                'verbose_name_plural': '季度进度汇总',
                'constraints': [models.UniqueConstraint(fields=('quarter', 'township'), name='progresssummary_unique')],
            },
        ),
        migrations.RunPython(grants.grant_permissions, migrations.RunPython.noop),
    ]
