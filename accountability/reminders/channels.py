"""The channels a reminder goes through, each configured by environment (chishui/settings.py)
and each optional:

- email: Django's mail settings (``EMAIL_HOST`` …), to the recipients' ``User.email``;
- webhook: a work group's robot (``REMINDER_WEBHOOK_URL``), a JSON POST of
  ``{"msgtype": "text", "text": {"content": "..."}}`` (企业微信 group robot; 钉钉's has the
  same shape), with urllib and a timeout.

A failed send raises :class:`ChannelError` with a short reason; the caller records it.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import EmailMessage

from accountability.models import Reminder

# 企业微信's robot takes at most 2048 bytes of text content (UTF-8); 钉钉's allows more.
WEBHOOK_MAX_BYTES = 2048
ERROR_MAX_CHARS = 500


class ChannelError(Exception):
    """A message that could not be delivered; ``str()`` says why."""


def configured():
    """The channels configured for this installation, in the order they are tried."""
    channels = []
    if settings.EMAIL_ENABLED:
        channels.append(Reminder.Channel.EMAIL)
    if settings.REMINDER_WEBHOOK_URL:
        channels.append(Reminder.Channel.WEBHOOK)
    return channels


def clip_utf8(text, limit=WEBHOOK_MAX_BYTES):
    """``text`` cut to at most ``limit`` UTF-8 bytes, on a character boundary, ending in …
    when cut."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    ellipsis = "…"
    return data[: limit - len(ellipsis.encode("utf-8"))].decode("utf-8", errors="ignore") + ellipsis


def send_email(addresses, subject, body):
    try:
        sent = EmailMessage(subject, body, to=list(addresses)).send()
    except Exception as exc:  # smtplib, socket and SSL errors alike: recorded, never raised
        raise ChannelError(_reason(exc)) from exc
    if not sent:
        raise ChannelError("the mail backend sent nothing")


def post_webhook(content, url=None, timeout=None):
    """POST ``content`` to the work group's robot. The robots answer HTTP 200 with
    ``{"errcode": 0, "errmsg": "ok"}``; another status, another errcode or no answer is a
    failure."""
    url = url or settings.REMINDER_WEBHOOK_URL
    payload = {"msgtype": "text", "text": {"content": clip_utf8(content)}}
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(
            request, timeout=timeout or settings.REMINDER_WEBHOOK_TIMEOUT
        ) as response:
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ChannelError(_reason(exc)) from exc
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:ERROR_MAX_CHARS])


def _reason(exc):
    reason = getattr(exc, "reason", None) or exc
    return f"{type(exc).__name__}: {reason}"[:ERROR_MAX_CHARS]
