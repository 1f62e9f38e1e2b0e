"""django-tables2 tables of reminders: the record page, and the 催报 button the weekly
dashboard's tables carry per row for those allowed to send one."""

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from accountability.models import Reminder
from accountability.periods import Week
from chishui.tables import escaped

SEND_PERMISSION = "accountability.send_reminder"
# A dashboard's tables are rendered once for everyone who sees the same period and place and
# kept in the cache (accountability/dashboards/cache.py): a 催报 form rendered there carries
# these slots instead of the viewer's CSRF token and page address, and ``fill_slots`` puts
# the viewer's in when the cached piece is served.
CSRF_SLOT = "__remind_csrf_token__"
NEXT_SLOT = "__remind_next_path__"


class RemindColumn(tables.Column):
    """A small POST form per row (``target`` = ``task`` or ``township``, the row's code) to
    ``reminder_send``; never exported. Shown by :class:`RemindMixin` tables only to users with
    the ``send_reminder`` permission."""

    def __init__(self, target, **kwargs):
        kwargs.setdefault("verbose_name", _("催报"))
        super().__init__(
            accessor="code", orderable=False, exclude_from_export=True, empty_values=(), **kwargs
        )
        self.target = target

    def render(self, value, table):
        request = getattr(table, "remind_request", None)
        if request is None or not value:
            return ""
        # the form but for the row's code, worked out once a table (a reverse(), a
        # translation and five escapes a row before)
        form = getattr(table, "_remind_form", None)
        if form is None:
            deferred = getattr(table, "remind_deferred", False)
            form = table._remind_form = (
                format_html(
                    '<form method="post" action="{}" class="inline remind-form">'
                    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<input type="hidden" name="{}" value="',
                    reverse("accountability:reminder_send"),
                    CSRF_SLOT if deferred else get_token(request),
                    self.target,
                ),
                format_html(
                    '"><input type="hidden" name="next" value="{}">'
                    '<button type="submit" class="secondary small">{}</button></form>',
                    NEXT_SLOT if deferred else request.get_full_path(),
                    _("催报"),
                ),
            )
        before, after = form
        return SafeString(f"{before}{escaped(value)}{after}")


def fill_slots(html, request):
    """``html`` (a cached piece of a dashboard) with the viewer's CSRF token and page address
    in the 催报 forms' slots."""
    if CSRF_SLOT not in html:
        return html
    return html.replace(CSRF_SLOT, get_token(request)).replace(NEXT_SLOT, escape(request.get_full_path()))


def may_remind(user):
    """Whether the 催报 buttons are shown to ``user``: part of the dashboard cache's key."""
    return user.has_perm(SEND_PERMISSION)


class RemindMixin:
    """A table with a ``remind`` column: hidden unless the user may send reminders and
    ``remind_here(request)``."""

    def remind_here(self, request):
        return True

    def before_render(self, request):
        super().before_render(request)
        if may_remind(request.user) and self.remind_here(request):
            self.remind_request = request
        else:
            self.columns.hide("remind")


class ReminderTable(tables.Table):
    """The record of reminders; its export adds the message text."""

    tried_at = tables.DateTimeColumn(verbose_name=_("最近尝试时间"), format="Y-m-d H:i")
    week = tables.Column(verbose_name=_("周"))
    kind = tables.Column(verbose_name=_("提醒类型"))
    channel = tables.Column(verbose_name=_("渠道"))
    recipient = tables.Column(verbose_name=_("接收人"), accessor="pk", orderable=False)
    township = tables.Column(verbose_name=_("乡镇"), accessor="township__name", default="—")
    task = tables.Column(verbose_name=_("任务"), accessor="task__code", default="—")
    address = tables.Column(verbose_name=_("发送地址"), default="—")
    status = tables.Column(verbose_name=_("状态"))
    attempts = tables.Column(verbose_name=_("尝试次数"), attrs={"td": {"class": "num"}})
    last_error = tables.Column(verbose_name=_("最近错误"), default="")
    requested_by = tables.Column(verbose_name=_("催报人"), accessor="requested_by__username", default="—")
    sent_at = tables.DateTimeColumn(verbose_name=_("发送时间"), format="Y-m-d H:i", default="—")
    content = tables.Column(verbose_name=_("内容"), visible=False)

    class Meta:
        orderable = True
        attrs = {"class": "table reminder-table"}
        empty_text = _("没有符合条件的提醒记录。")
        row_attrs = {"class": lambda record: "failed" if record.status == Reminder.Status.FAILED else ""}

    def value_tried_at(self, value):
        return _local(value)

    def value_sent_at(self, value):
        return _local(value) if value else ""

    def render_week(self, value):
        return str(Week.of(value))

    def value_week(self, value):
        return str(Week.of(value))

    def render_kind(self, record):
        return record.get_kind_display()

    def render_channel(self, record):
        return record.get_channel_display()

    def render_status(self, record):
        return record.get_status_display()

    def render_recipient(self, record):
        if record.user_id:
            return record.user.get_full_name() or record.user.get_username()
        return record.township.name if record.township_id else "—"


def _local(moment):
    """A time as the county reads it (Asia/Shanghai), to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
