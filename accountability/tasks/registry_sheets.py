"""The ``tasks`` sheet of the county registry (FORMATS.md).

The loading engine lives in villages/registry.py and must not import accountability
(imports go one way), so this app registers its sheet with the engine from
``AccountabilityConfig.ready()``.
"""

from django.utils.translation import gettext_lazy

from accountability.dashboards import summaries
from villages.registry import (
    CHOICE,
    DATE,
    DECIMAL,
    REF,
    Column,
    SheetSpec,
    on_write,
    place_problems,
    register,
)


def _task_model():
    from accountability.models import Task

    return Task


def _check_task(ctx, row, get):
    return place_problems(ctx, get)


def register_sheets():
    on_write(keep_summaries_exact)
    register(
        SheetSpec(
            key="tasks",
            title=gettext_lazy("任务"),
            order=50,
            get_model=_task_model,
            check=_check_task,
            columns=[
                Column("code", "任务编号", required=True),
                Column("title", "任务名称", required=True),
                Column("factor", "脱贫要素", CHOICE, required=True),
                Column("township", "乡镇编码", REF, required=True, ref="townships"),
                Column("village", "村编码", REF, ref="villages", note="须属于该乡镇"),
                Column("household", "户编号", REF, ref="households", note="须属于该村"),
                Column("owner", "责任人编号", REF, required=True, ref="cadres"),
                Column("due_on", "完成时限", DATE, required=True),
                Column("target", "目标值", DECIMAL, required=True, note="> 0"),
                Column("unit", "计量单位", note="户、人、万元、公里…"),
            ],
        )
    )


def keep_summaries_exact(written):
    """After a registry load: households change the exit table; tasks the weekly table of
    their townships (old and new)."""
    if "households" in written:
        summaries.refresh_exits()
    tasks = written.get("tasks")
    if tasks and (tasks.created or tasks.updated):
        townships = {task.township_id for task in tasks.created}
        for task, old in tasks.updated:
            townships |= {task.township_id, old.get("township_id", task.township_id)}
        summaries.refresh_weekly(townships)
