"""Page actions as permissions: recording inspections (and their 整改完成) and
accountability actions, locking a week, computing the year-end scores. The grant
(villages/migrations/0003, idempotent) gives them to the county supervisors' group only,
and the oversight pages' view permissions to the township secretaries' group."""

import importlib

from django.db import migrations

grants = importlib.import_module("villages.migrations.0003_admin_group_permissions")


def revoke_actions(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    actions = Permission.objects.filter(codename__in=grants.SUPERVISOR_ACTIONS)
    views = Permission.objects.filter(
        content_type__app_label="accountability", codename__in=grants.TOWNSHIP_SECRETARY_VIEWS
    )
    for group in Group.objects.filter(name="county_supervisor"):
        group.permissions.remove(*actions)
    for group in Group.objects.filter(name="township_secretary"):
        group.permissions.remove(*views)


class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0006_finding_evaluation_history_permissions'),
        ('villages', '0003_admin_group_permissions'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='accountabilityaction',
            options={'ordering': ['-decided_on', '-id'], 'permissions': [('record_accountabilityaction', '可以在问责页面录入问责')], 'verbose_name': '问责', 'verbose_name_plural': '问责'},
        ),
        migrations.AlterModelOptions(
            name='inspection',
            options={'ordering': ['-held_on', '-id'], 'permissions': [('record_inspection', '可以在督查页面录入督查和整改完成')], 'verbose_name': '督查', 'verbose_name_plural': '督查'},
        ),
        migrations.AlterModelOptions(
            name='weeklock',
            options={'ordering': ['-week'], 'permissions': [('lock_week', '可以锁定周报')], 'verbose_name': '周锁定', 'verbose_name_plural': '周锁定'},
        ),
        migrations.AlterModelOptions(
            name='yearendscore',
            options={'ordering': ['-year', '-total'], 'permissions': [('compute_yearendscore', '可以计算年终考评')], 'verbose_name': '年终考评', 'verbose_name_plural': '年终考评'},
        ),
        migrations.RunPython(grants.grant_permissions, revoke_actions),
    ]
