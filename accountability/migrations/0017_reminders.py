"""The record of reminders sent (催报, accountability/reminders/), and the permission to send
one from the weekly dashboard, granted to the county supervisors' group only (the grant of
villages/migrations/0003 lists it among the supervisors' page actions; it is idempotent and
also gives the supervisors and admins their view permission on the new model)."""

import importlib

import django.db.models.deletion
import villages.dates
from django.conf import settings
from django.db import migrations, models


grants = importlib.import_module("villages.migrations.0003_admin_group_permissions")


def revoke_send_reminder(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="county_supervisor"):
        group.permissions.remove(*Permission.objects.filter(codename="send_reminder"))


class Migration(migrations.Migration):

    dependencies = [
        ('accountability', '0016_finding_not_checked_with_reason'),
        ('villages', '0012_organization_code_message'),
        ('villages', '0003_admin_group_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Reminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('unreported', '本周未填报'), ('overdue', '任务逾期'), ('rectification', '整改逾期'), ('survey', '测评未完成'), ('digest', '乡镇每周催报汇总'), ('manual', '督查催报')], max_length=16, verbose_name='提醒类型')),
                ('channel', models.CharField(choices=[('email', '邮件'), ('webhook', '工作群机器人')], max_length=16, verbose_name='渠道')),
                ('week', models.DateField(validators=[villages.dates.validate_year], verbose_name='周（周一）')),
                ('address', models.TextField(blank=True, default='', verbose_name='发送地址')),
                ('content', models.TextField(verbose_name='内容')),
                ('status', models.CharField(choices=[('sent', '已发送'), ('failed', '发送失败')], max_length=8, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=1, verbose_name='尝试次数')),
                ('last_error', models.TextField(blank=True, default='', verbose_name='最近错误')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('tried_at', models.DateTimeField(verbose_name='最近尝试时间')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reminders_requested', to=settings.AUTH_USER_MODEL, verbose_name='催报人')),
                ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='accountability.task', verbose_name='任务')),
                ('township', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='villages.township', verbose_name='乡镇')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to=settings.AUTH_USER_MODEL, verbose_name='接收人')),
            ],
            options={
                'verbose_name': '提醒',
                'verbose_name_plural': '提醒记录',
                'ordering': ['-tried_at', '-id'],
                'permissions': [('send_reminder', '可以从周看板发送催报')],
                'indexes': [models.Index(fields=['kind', 'task', 'tried_at'], name='reminder_manual_task_idx'), models.Index(fields=['kind', 'township', 'tried_at'], name='reminder_manual_township_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('user__isnull', False), ('township__isnull', False), _connector='OR'), name='reminder_has_recipient'), models.CheckConstraint(condition=models.Q(models.Q(('sent_at__isnull', False), ('status', 'sent')), models.Q(('sent_at__isnull', True), ('status', 'failed')), _connector='OR'), name='reminder_sent_at_iff_sent'), models.CheckConstraint(condition=models.Q(('kind', 'manual'), ('requested_by__isnull', True), _connector='OR'), name='reminder_requested_only_manual'), models.CheckConstraint(condition=models.Q(('attempts__gte', 1)), name='reminder_attempts_positive'), models.UniqueConstraint(condition=models.Q(('user__isnull', False), models.Q(('kind', 'manual'), _negated=True)), fields=('user', 'kind', 'week', 'channel'), name='reminder_once_per_user_kind_week_channel'), models.UniqueConstraint(condition=models.Q(('user__isnull', True), models.Q(('kind', 'manual'), _negated=True)), fields=('township', 'kind', 'week', 'channel'), name='reminder_once_per_township_kind_week_channel')],
            },
        ),
        migrations.RunPython(grants.grant_permissions, revoke_send_reminder),
    ]
