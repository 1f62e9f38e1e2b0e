"""催报: the record of every reminder sent (or tried) to whoever owes a weekly report, an
overdue task, a rectification or survey answers (A6, A9, C2). ``manage.py send_reminders``
and the weekly dashboard's 催报 buttons write it through accountability/reminders/services.py."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability.models.tasks import Task
from accountability.periods import week_start
from villages.dates import validate_year
from villages.models import Township


class Reminder(models.Model):
    """One message on one channel to one recipient (a login, or a township: its secretaries'
    mailboxes or its digest in the work group) for one week. The weekly kinds are unique per
    recipient × kind × week × channel, so a second run sends nothing new; a failed one is
    tried again by the next run. Manual reminders (督查催报) are rate-limited instead
    (services.MANUAL_INTERVAL)."""

    class Kind(models.TextChoices):
        UNREPORTED = "unreported", _("本周未填报")
        OVERDUE = "overdue", _("任务逾期")
        RECTIFICATION = "rectification", _("整改逾期")
        SURVEY = "survey", _("测评未完成")
        DIGEST = "digest", _("乡镇每周催报汇总")
        MANUAL = "manual", _("督查催报")

    class Channel(models.TextChoices):
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("工作群机器人")

    class Status(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("提醒类型"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    week = models.DateField(_("周（周一）"), validators=[validate_year])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("接收人"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("乡镇"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        verbose_name=_("任务"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders_requested",
        verbose_name=_("催报人"),
    )
    address = models.TextField(_("发送地址"), blank=True, default="")
    content = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=1)
    last_error = models.TextField(_("最近错误"), blank=True, default="")
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    tried_at = models.DateTimeField(_("最近尝试时间"))

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒记录")
        ordering = ["-tried_at", "-id"]
        # the weekly dashboard's 催报 buttons, granted to the county supervisors' group
        # (villages/migrations/0003, accountability/migrations/0017_reminders)
        permissions = [("send_reminder", _("可以从周看板发送催报"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(township__isnull=False), name="reminder_has_recipient"
            ),
            models.CheckConstraint(
                condition=Q(status="sent", sent_at__isnull=False) | Q(status="failed", sent_at__isnull=True),
                name="reminder_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=Q(kind="manual") | Q(requested_by__isnull=True),
                name="reminder_requested_only_manual",
            ),
            models.CheckConstraint(condition=Q(attempts__gte=1), name="reminder_attempts_positive"),
            # one weekly message per recipient × kind × week × channel: a second run sends nothing new
            models.UniqueConstraint(
                fields=["user", "kind", "week", "channel"],
                condition=Q(user__isnull=False) & ~Q(kind="manual"),
                name="reminder_once_per_user_kind_week_channel",
            ),
            models.UniqueConstraint(
                fields=["township", "kind", "week", "channel"],
                condition=Q(user__isnull=True) & ~Q(kind="manual"),
                name="reminder_once_per_township_kind_week_channel",
            ),
        ]
        indexes = [
            # the manual reminders' rate limit: the latest one of a task or township
            models.Index(fields=["kind", "task", "tried_at"], name="reminder_manual_task_idx"),
            models.Index(fields=["kind", "township", "tried_at"], name="reminder_manual_township_idx"),
        ]

    def __str__(self):
        recipient = self.user or self.township
        return f"{self.week:%Y-%m-%d} {self.get_kind_display()} {recipient} ({self.get_channel_display()})"

    def clean(self):
        if self.week and self.week != week_start(self.week):
            raise ValidationError({"week": _("周必须以周一的日期表示。")})
