"""django-tables2 tables of the satisfaction pages, over the plain rows the selectors return
(a column never reaches into the database); the CSV/XLSX exports use the same tables. Their
rows are rendered by ``RowsTable.body_rows`` (chishui/tables.py)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from chishui.tables import RowsTable

NO_SURVEY = _("无测评")


class ResultTable(RowsTable):
    """Rows of dicts; ``rounds``: the round numbers held, one share column each."""

    def __init__(self, data, rounds=(), **kwargs):
        extra = [
            (
                f"round_{index}",
                tables.Column(
                    accessor=f"rounds__{index}",
                    verbose_name=_("第%(number)s轮满意率（%%）") % {"number": number},
                    default=NO_SURVEY,
                ),
            )
            for index, number in enumerate(rounds)
        ]
        kwargs.setdefault("orderable", False)
        super().__init__(data, extra_columns=extra, **kwargs)

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("暂无数据")


def share(accessor, verbose_name):
    return tables.Column(accessor=accessor, verbose_name=verbose_name, default=NO_SURVEY)


SATISFIED = _("满意（%）")
FAIR = _("基本满意（%）")
CONTENT = _("满意及基本满意（%）")


class RoundTable(ResultTable):
    number = tables.Column(verbose_name=_("轮次"))
    held_on = tables.Column(verbose_name=_("开始日期"))
    ends_on = tables.Column(verbose_name=_("结束日期"), default="—")
    surveyed = tables.Column(verbose_name=_("已测评户数"))
    answers = tables.Column(verbose_name=_("答卷项数"))
    satisfied_share = share("satisfied_share", SATISFIED)
    fair_share = share("fair_share", FAIR)
    content_share = share("content_share", CONTENT)


class ItemTable(ResultTable):
    code = tables.Column(verbose_name=_("编码"))
    name = tables.Column(verbose_name=_("民生项目"))
    category = tables.Column(verbose_name=_("类别"))
    answers = tables.Column(verbose_name=_("答卷项数"))
    satisfied_share = share("satisfied_share", SATISFIED)
    fair_share = share("fair_share", FAIR)
    content_share = share("content_share", CONTENT)


class TownshipTable(ResultTable):
    code = tables.Column(verbose_name=_("编码"))
    name = tables.Column(verbose_name=_("乡镇"))
    registered = tables.Column(verbose_name=_("建档立卡户数"))
    surveyed = tables.Column(verbose_name=_("已测评户数"))
    satisfied_share = share("satisfied_share", SATISFIED)
    fair_share = share("fair_share", FAIR)
    content_share = share("content_share", CONTENT)


class VillageTable(TownshipTable):
    township = tables.Column(verbose_name=_("乡镇"))
    name = tables.Column(verbose_name=_("村"))

    class Meta(ResultTable.Meta):
        sequence = ("township", "code", "name", "...")


class UnitTable(ResultTable):
    name = tables.Column(verbose_name=_("挂帮单位"))
    households = tables.Column(verbose_name=_("挂帮户数"))
    people = tables.Column(verbose_name=_("挂帮人数"))
    exited = tables.Column(verbose_name=_("本年脱贫户数"))
    exited_people = tables.Column(verbose_name=_("本年脱贫人数"))
    still_poor = tables.Column(verbose_name=_("年末未脱贫户数"))
    surveyed = tables.Column(verbose_name=_("已测评户数"))
    satisfied_share = share("satisfied_share", SATISFIED)
    content_share = share("content_share", CONTENT)


class CadreTable(UnitTable):
    code = tables.Column(verbose_name=_("编号"))
    name = tables.Column(verbose_name=_("帮扶责任人"))
    unit = tables.Column(verbose_name=_("工作单位"), default="—")
    households = tables.Column(verbose_name=_("帮扶户数"))
    people = tables.Column(verbose_name=_("帮扶人数"))

    class Meta(ResultTable.Meta):
        sequence = ("code", "name", "unit", "...")


class OutreachTable(RowsTable):
    """C5 by township: sessions and attendance per outreach kind, then outcomes per kind."""

    name = tables.Column(verbose_name=_("乡镇"))

    def __init__(self, data, event_kinds, outcome_kinds, **kwargs):
        extra = []
        for kind in event_kinds:
            extra.append(
                (
                    f"{kind['key']}_sessions",
                    tables.Column(
                        accessor=f"{kind['key']}__sessions",
                        verbose_name=_("%(kind)s（场次）") % {"kind": kind["label"]},
                    ),
                )
            )
            extra.append(
                (
                    f"{kind['key']}_attendance",
                    tables.Column(
                        accessor=f"{kind['key']}__attendance",
                        verbose_name=_("%(kind)s（人次）") % {"kind": kind["label"]},
                    ),
                )
            )
        for kind in outcome_kinds:
            label = _("%(kind)s（人）") if kind["key"] == "job_transfer" else _("%(kind)s（个）")
            extra.append(
                (
                    kind["key"],
                    tables.Column(accessor=kind["key"], verbose_name=label % {"kind": kind["label"]}),
                )
            )
        kwargs.setdefault("orderable", False)
        super().__init__(data, extra_columns=extra, **kwargs)

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("暂无数据")
