"""Reminder pages: the record of what was sent (county supervisors and admins), and a
county supervisor's 催报 for one task or township from the weekly dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountability import exports
from accountability.models import Reminder, Task
from accountability.pagination import paginate
from accountability.reminders import channels, selectors, services
from accountability.reminders.forms import ManualReminderForm, ReminderFilter
from accountability.reminders.tables import SEND_PERMISSION, ReminderTable
from chishui import errors
from villages import roles
from villages.models import Township

PER_PAGE = 50
LOG_READERS = (roles.ADMIN, roles.COUNTY_SUPERVISOR)


@require_GET
@roles.role_required(*LOG_READERS)
def reminder_list(request):
    filterset = ReminderFilter(request.GET or None, queryset=selectors.reminder_rows(), request=request)
    rows = filterset.rows
    export = exports.requested_format(request)
    if export:
        return exports.export_response(ReminderTable(rows), export, "reminders")
    table = ReminderTable(rows)
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    export_query.pop("page", None)
    return render(
        request,
        "accountability/reminder_list.html",
        {
            "filter": filterset,
            "table": table,
            "channels": [Reminder.Channel(c).label for c in channels.configured()],
            "export_query": export_query.urlencode(),
        },
    )


@require_POST
@roles.role_required()
def reminder_send(request):
    if not request.user.has_perm(SEND_PERMISSION):
        raise PermissionDenied(_("只有市督查人员可以发送催报。"))
    form = ManualReminderForm(request.POST)
    if not form.is_valid():
        return errors.bad_request(
            request, " ".join(form.non_field_errors() or [_("催报的参数有误。")]), _("返回周看板")
        )
    data = form.cleaned_data
    if data["task"]:
        task = (
            Task.objects.for_user(request.user)
            .select_related("owner__user")
            .filter(code=data["task"])
            .first()
        )
        if task is None:
            raise Http404(_("没有找到该任务。"))
        target, kwargs = task.code, {"task": task}
    else:
        township = Township.objects.filter(code=data["township"]).first()
        if township is None:
            raise Http404(_("没有编码为 %(code)s 的乡镇。") % {"code": data["township"]})
        target, kwargs = township.name, {"township": township}
    try:
        records = services.send_manual(request.user, **kwargs)
    except services.ReminderRefused as refused:
        messages.error(request, str(refused))
    else:
        failed = [r for r in records if r.status == Reminder.Status.FAILED]
        sent = [r.get_channel_display() for r in records if r.status == Reminder.Status.SENT]
        if sent:
            messages.success(
                request,
                _("已向%(target)s发送催报（%(channels)s）。")
                % {"target": target, "channels": "、".join(sent)},
            )
        if failed:
            messages.warning(
                request,
                _("%(channels)s发送失败，详见提醒记录：%(error)s")
                % {
                    "channels": "、".join(r.get_channel_display() for r in failed),
                    "error": failed[0].last_error,
                },
            )
    return HttpResponseRedirect(_back(request, data.get("next") or ""))


def _back(request, url):
    """Where the form came from (a path of this site), else the weekly dashboard."""
    safe = url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("accountability:dashboard_weekly")
