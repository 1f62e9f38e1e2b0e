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
    """After a registry load: every written row goes through the one refresh path
    (``summaries.changed`` picks the ones the dashboards count); an updated row's old values
    (a task's old township) count too."""
    objects, before = [], []
    for rows in written.values():
        objects += rows.created + [instance for instance, _old in rows.updated]
        before += [_as_before(instance, old) for instance, old in rows.updated]
    summaries.changed(objects, before)


def _as_before(instance, old):
    """A copy of ``instance`` with the old values of its changed fields."""
    copy = type(instance)(**{f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields})
    for attname, value in old.items():
        setattr(copy, attname, value)
    return copy
