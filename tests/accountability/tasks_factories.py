"""Builders for the task, report and problem tests (issue 3)."""

import datetime as dt
import io
from decimal import Decimal

from PIL import Image

from accountability import periods
from accountability.models import Factor, ProgressReport, Task

# conftest's ``today`` (2016-06-08) is a Wednesday in ISO week 2016-W23
THIS_WEEK = dt.date(2016, 6, 6)
LAST_WEEK = dt.date(2016, 5, 30)
NEXT_WEEK = dt.date(2016, 6, 13)


def image_bytes(kind, size=(8, 6), color=(180, 40, 30), **save):
    """A real picture (Pillow) of ``size`` pixels: evidence photos are decoded on upload."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind, **save)
    return out.getvalue()


JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def freeze_today(monkeypatch, day):
    """Freeze "today" (Asia/Shanghai) for the services and views; test files wrap this in
    their own ``fixed_today`` fixture."""
    monkeypatch.setattr(periods, "today", lambda: day)
    return day


def make_task(
    owner_user,
    code,
    township=None,
    village=None,
    due_on=dt.date(2016, 9, 30),
    target=100,
    factor=Factor.INDUSTRY,
    title=None,
    unit="户",
):
    cadre = owner_user.cadre
    return Task.objects.create(
        code=code,
        title=title or f"任务{code}",
        factor=factor,
        township=township or cadre.township,
        village=village,
        owner=cadre,
        due_on=due_on,
        target=Decimal(target),
        unit=unit,
    )


def make_report(task, week, value, user, note=""):
    value = Decimal(value)
    report = ProgressReport(
        task=task, week=week, value=value, percent=task.percent_for(value), note=note, reporter=user
    )
    report._history_user = user
    report.save()
    # what every write of a report does to its task (summaries.changed): its copy of the latest
    Task.objects.filter(pk=task.pk).refresh_progress()
    return report


def assert_progress_copy_exact():
    """Every task's copy of its latest report (``Task.progress_*``) equals the live subqueries
    over its reports (``with_latest_progress``); returns how many tasks have a report."""
    live = Task.objects.with_latest_progress().values_list(
        "pk", "latest_week", "latest_percent", "latest_value"
    )
    stored = Task.objects.values_list("pk", "progress_week", "progress_percent", "progress_value")
    live, stored = sorted(live), sorted(stored)
    assert stored == live, [pair for pair in zip(stored, live, strict=True) if pair[0] != pair[1]][:5]
    return sum(1 for row in live if row[1] is not None)
