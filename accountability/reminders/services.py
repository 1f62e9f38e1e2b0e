"""Sending reminders (催报) and recording them: the weekly run of ``send_reminders`` and a
supervisor's reminder for one task or township from the weekly dashboard.

The weekly run builds one message per recipient × kind × channel from
``selectors.weekly_dues``: by email, each task owner his unreported and his overdue tasks,
each township's secretaries its findings past the rectification deadline, each survey worker
his households left; by the work group's robot, each township's digest of all four. A message
already sent for the week is not sent again; one that failed is tried again. A failure is
logged and recorded (status, attempts, last error) and never stops the other messages or
channels.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability import periods
from accountability.models import Finding, Reminder
from accountability.reminders import channels, selectors
from villages.models import Cadre, Township

logger = logging.getLogger("accountability.reminders")

# A supervisor's reminder for one task or one township: at most one sent per this interval.
MANUAL_INTERVAL = dt.timedelta(hours=1)
# An email or digest names at most this many tasks or findings per list, then says how many more.
MESSAGE_LIST_LIMIT = 20


class ReminderRefused(Exception):
    """A supervisor's reminder that is not sent; ``str()`` is the message for him."""


@dataclass
class Message:
    kind: str
    channel: str
    subject: str
    body: str
    addresses: tuple = ()
    user_id: int | None = None
    township_id: int | None = None
    task_id: int | None = None
    recipient: str = ""  # who, for the dry run's listing

    @property
    def key(self):
        """What the unique constraints hold once per week: a login, or a township without one."""
        if self.user_id is not None:
            return (self.user_id, None, self.kind, self.channel)
        return (None, self.township_id, self.kind, self.channel)


@dataclass
class RunResult:
    week: periods.Week
    channels: list
    sent: int = 0
    failed: int = 0
    already: int = 0
    unreachable: int = 0  # recipients without an email address (they are in the digest)
    planned: list = None  # the dry run's messages


# ---- what the messages say ------------------------------------------------------------


def _lines(rows, line, limit=MESSAGE_LIST_LIMIT):
    shown = [line(row) for row in rows[:limit]]
    if len(rows) > limit:
        shown.append(_("……另有 %(count)s 项") % {"count": len(rows) - limit})
    return shown


def _task_line(row):
    place = " ".join(p for p in (row["township__name"], row["village__name"]) if p)
    return _("· %(code)s %(title)s（%(place)s，责任人 %(owner)s，完成时限 %(due)s）") % {
        "code": row["code"],
        "title": row["title"],
        "place": place,
        "owner": row["owner__name"],
        "due": row["due_on"].isoformat(),
    }


def _finding_line(row):
    return _("· %(held)s督查发现“%(category)s”，整改时限 %(due)s") % {
        "held": row["inspection__held_on"].isoformat(),
        "category": Finding.Category(row["category"]).label,
        "due": row["rectify_by"].isoformat(),
    }


def _survey_line(survey_round, left):
    return _("· %(round)s：还有 %(count)s 户未测评") % {"round": survey_round, "count": left}


def _subject(kind, week):
    return _("【催报】%(week)s %(kind)s") % {"week": week.label, "kind": Reminder.Kind(kind).label}


def _sign_off():
    return _("请登录赤水市“三定”责任管理平台处理。本提醒由平台自动发送。")


def email_messages(dues):
    """The week's emails: task owners, township secretaries, survey workers."""
    week = dues.week
    found = []
    unreachable = 0
    for user in dues.users.values():
        texts = []
        if user.unreported:
            texts.append(
                (
                    Reminder.Kind.UNREPORTED,
                    _("您负责的以下 %(count)s 项任务%(week)s尚未填报进度：")
                    % {"count": len(user.unreported), "week": week.label},
                    _lines(user.unreported, _task_line),
                )
            )
        if user.overdue:
            texts.append(
                (
                    Reminder.Kind.OVERDUE,
                    _("您负责的以下 %(count)s 项任务截至%(week)s末已逾期且未完成：")
                    % {"count": len(user.overdue), "week": week.label},
                    _lines(user.overdue, _task_line),
                )
            )
        if user.surveys:
            texts.append(
                (
                    Reminder.Kind.SURVEY,
                    _("您的测评范围内还有贫困户未完成满意度测评："),
                    [_survey_line(r, n) for r, n in user.surveys],
                )
            )
        for kind, intro, lines in texts:
            if not user.email:
                unreachable += 1
                continue
            found.append(
                Message(
                    kind=kind,
                    channel=Reminder.Channel.EMAIL,
                    subject=_subject(kind, week),
                    body="\n".join(
                        [_("%(name)s同志：") % {"name": user.name}, intro, *lines, "", _sign_off()]
                    ),
                    addresses=(user.email,),
                    user_id=user.id,
                    township_id=user.township_id,
                    recipient=f"{user.name} <{user.email}>",
                )
            )
    for township in dues.townships.values():
        if not township.findings:
            continue
        if not township.secretaries:
            unreachable += 1
            continue
        found.append(
            Message(
                kind=Reminder.Kind.RECTIFICATION,
                channel=Reminder.Channel.EMAIL,
                subject=_subject(Reminder.Kind.RECTIFICATION, week),
                body="\n".join(
                    [
                        _("%(township)s党委：") % {"township": township.name},
                        _("以下 %(count)s 项督查发现已过整改时限，尚未整改完成：")
                        % {"count": len(township.findings)},
                        *_lines(township.findings, _finding_line),
                        "",
                        _sign_off(),
                    ]
                ),
                addresses=tuple(township.secretaries),
                township_id=township.id,
                recipient=f"{township.name} <{', '.join(township.secretaries)}>",
            )
        )
    return found, unreachable


def digest_text(township, week):
    """A township's weekly digest for the work group: everything it owes, one message."""
    parts = [_("【催报】%(township)s %(week)s") % {"township": township.name, "week": week.label}]
    if township.unreported:
        parts.append(_("本周未填报任务 %(count)s 项：") % {"count": len(township.unreported)})
        parts += _lines(township.unreported, _task_line)
    if township.overdue:
        parts.append(_("逾期任务 %(count)s 项：") % {"count": len(township.overdue)})
        parts += _lines(township.overdue, _task_line)
    if township.findings:
        parts.append(_("逾期未整改的督查发现 %(count)s 项：") % {"count": len(township.findings)})
        parts += _lines(township.findings, _finding_line)
    for name, left in township.surveys:
        parts.append(_("测评员 %(name)s：") % {"name": name})
        parts += [_survey_line(r, n) for r, n in left]
    return "\n".join(parts)


def webhook_messages(dues):
    return [
        Message(
            kind=Reminder.Kind.DIGEST,
            channel=Reminder.Channel.WEBHOOK,
            subject="",
            body=digest_text(township, dues.week),
            addresses=("webhook",),
            township_id=township.id,
            recipient=township.name,
        )
        for township in dues.townships.values()
        if township.owes
    ]


# ---- sending and recording -------------------------------------------------------------


def deliver(message, week, record=None, requested_by=None):
    """Send ``message`` and record the attempt (a new record, or ``record`` tried again).
    Returns the record; a failure is logged and recorded, never raised."""
    error = ""
    try:
        if message.channel == Reminder.Channel.EMAIL:
            channels.send_email(message.addresses, message.subject, message.body)
        else:
            channels.post_webhook(message.body)
    except channels.ChannelError as exc:
        error = str(exc)
        logger.warning(
            "reminder %s/%s to %s for %s failed: %s",
            message.kind,
            message.channel,
            message.recipient,
            week,
            error,
        )
    now = timezone.now()
    content = f"{message.subject}\n\n{message.body}" if message.subject else message.body
    fields = {
        "status": Reminder.Status.FAILED if error else Reminder.Status.SENT,
        "last_error": error,
        "sent_at": None if error else now,
        "tried_at": now,
        "content": content,
        "address": ", ".join(message.addresses),
    }
    if record is None:
        record = Reminder(
            kind=message.kind,
            channel=message.channel,
            week=week.start,
            user_id=message.user_id,
            township_id=message.township_id,
            task_id=message.task_id,
            requested_by=requested_by,
            attempts=1,
            **fields,
        )
        record.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:  # another run recorded it meanwhile
            logger.info(
                "reminder %s/%s to %s was recorded by another run",
                message.kind,
                message.channel,
                message.recipient,
            )
        return record
    for name, value in fields.items():
        setattr(record, name, value)
    record.attempts += 1
    record.save(update_fields=[*fields, "attempts"])
    return record


def send_weekly(week, dry_run=False):
    """The weekly run for ``week``. Without a configured channel nothing is built or recorded
    (``RunResult.channels`` is empty)."""
    configured = channels.configured()
    result = RunResult(week, configured, planned=[])
    if not configured:
        return result
    dues = selectors.weekly_dues(week)
    planned = []
    if Reminder.Channel.EMAIL in configured:
        emails, result.unreachable = email_messages(dues)
        planned += emails
    if Reminder.Channel.WEBHOOK in configured:
        planned += webhook_messages(dues)
    records = {
        _record_key(r): r for r in Reminder.objects.filter(week=week.start).exclude(kind=Reminder.Kind.MANUAL)
    }
    for message in planned:
        record = records.get(message.key)
        if record is not None and record.status == Reminder.Status.SENT:
            result.already += 1
            continue
        if dry_run:
            result.planned.append((message, record))
            continue
        record = deliver(message, week, record)
        if record.status == Reminder.Status.SENT:
            result.sent += 1
        else:
            result.failed += 1
    return result


def _record_key(record):
    if record.user_id is not None:
        return (record.user_id, None, record.kind, record.channel)
    return (None, record.township_id, record.kind, record.channel)


# ---- a supervisor's reminder from the weekly dashboard ----------------------------------


def send_manual(user, *, task=None, township=None):
    """A county supervisor reminds the owner of ``task`` (his email, and the task's township
    in the work group), or ``township`` (its secretaries' email and the work group), now.
    Refused (:class:`ReminderRefused`) without a channel, without anybody to reach, or when
    the same task or township was reminded less than ``MANUAL_INTERVAL`` ago. Returns the
    records written (sent or failed)."""
    if (task is None) == (township is None):
        raise ValueError("a manual reminder names a task or a township")
    configured = channels.configured()
    if not configured:
        raise ReminderRefused(_("未配置提醒渠道（邮件或工作群机器人），无法发送催报。"))
    week = periods.Week.of(periods.today())
    with transaction.atomic():
        # one reminder at a time per township: two clicks at once cannot both pass the limit
        place = Township.objects.select_for_update().get(pk=task.township_id if task else township.pk)
        target = task.code if task else place.name
        earlier = Reminder.objects.filter(
            kind=Reminder.Kind.MANUAL,
            status=Reminder.Status.SENT,
            sent_at__gt=timezone.now() - MANUAL_INTERVAL,
        )
        earlier = earlier.filter(task=task) if task else earlier.filter(township=place, task__isnull=True)
        last = earlier.order_by("-sent_at").first()
        if last is not None:
            retry = timezone.localtime(last.sent_at + MANUAL_INTERVAL)
            raise ReminderRefused(
                _("%(target)s在%(time)s已催报过，每小时最多催报一次，请在%(retry)s之后再试。")
                % {
                    "target": target,
                    "time": timezone.localtime(last.sent_at).strftime("%H:%M"),
                    "retry": retry.strftime("%H:%M"),
                }
            )
        messages = _manual_messages(user, configured, week, place, task)
        if not messages:
            raise ReminderRefused(
                _("%(target)s的责任人没有登记邮箱，且未配置工作群机器人，无法催报。") % {"target": target}
            )
        return [deliver(message, week, requested_by=user) for message in messages]


def _manual_messages(user, configured, week, township, task):
    who = user.get_full_name() or user.get_username()
    if task is not None:
        owner = task.owner
        intro = _(
            "市督查人员 %(who)s 催报：任务 %(code)s %(title)s（%(township)s，责任人 %(owner)s，完成时限 %(due)s）请尽快填报%(week)s进度。"
        ) % {
            "who": who,
            "code": task.code,
            "title": task.title,
            "township": township.name,
            "owner": owner.name,
            "due": task.due_on.isoformat(),
            "week": week.label,
        }
        owner_user = owner.user if owner.user_id and owner.user.is_active else None
        emails = (owner_user.email,) if owner_user and owner_user.email else ()
        recipient_user_id = owner_user.pk if emails else None
    else:
        intro = _("市督查人员 %(who)s 催报：%(township)s请尽快完成%(week)s的任务进度填报和逾期整改。") % {
            "who": who,
            "township": township.name,
            "week": week.label,
        }
        emails = tuple(
            Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY, township=township, user__is_active=True)
            .exclude(user__email="")
            .order_by("code")
            .values_list("user__email", flat=True)
        )
        recipient_user_id = None
    subject = _subject(Reminder.Kind.MANUAL, week)
    messages = []
    if Reminder.Channel.EMAIL in configured and emails:
        messages.append(
            Message(
                kind=Reminder.Kind.MANUAL,
                channel=Reminder.Channel.EMAIL,
                subject=subject,
                body="\n".join([intro, "", _sign_off()]),
                addresses=emails,
                user_id=recipient_user_id,
                township_id=township.pk,
                task_id=task.pk if task else None,
                recipient=", ".join(emails),
            )
        )
    if Reminder.Channel.WEBHOOK in configured:
        messages.append(
            Message(
                kind=Reminder.Kind.MANUAL,
                channel=Reminder.Channel.WEBHOOK,
                subject="",
                body=intro,
                addresses=("webhook",),
                township_id=township.pk,
                task_id=task.pk if task else None,
                recipient=township.name,
            )
        )
    return messages


def validate_week(text):
    """``--week``: an ISO week (2016-W23), or a ValidationError in Chinese."""
    try:
        return periods.Week.parse(text)
    except periods.PeriodError as exc:
        raise ValidationError(str(exc.args[0])) from None
