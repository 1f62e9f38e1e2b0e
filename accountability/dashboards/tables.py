"""django-tables2 tables of the dashboards. Their data are the lists the selectors return
(plain dicts), so a column never reaches into the database; exports use the same tables."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from accountability.reminders.tables import RemindColumn, RemindMixin
from chishui.tables import SECONDARY, MoneyColumn, UnitRowsTable


def share_class(value):
    """A completion share's colour: reached (100% or more) green, behind amber."""
    if value is None or value == "—":
        return ""
    return "ok" if value >= 100 else "warn"


def pct_column(accessor, verbose_name, attrs=None):
    return tables.Column(accessor=accessor, verbose_name=verbose_name, default="—", attrs=attrs or {})


# ---- weekly -----------------------------------------------------------------------------


class WeeklyUnitTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    active = tables.Column(verbose_name=_("在办任务"), attrs=SECONDARY)
    due = tables.Column(verbose_name=_("本周到期"), attrs=SECONDARY)
    reported = tables.Column(verbose_name=_("已填报"), attrs=SECONDARY)
    not_reported = tables.Column(verbose_name=_("未填报"))
    reported_share = pct_column("reported_share", _("填报率（%）"))
    average_percent = pct_column("average_percent", _("平均进度（%）"))
    overdue = tables.Column(
        verbose_name=_("逾期任务"), attrs={"td": {"class": lambda value: "bad" if value else ""}}
    )


class WeeklyTownshipTable(RemindMixin, WeeklyUnitTable):
    """The weekly units; at county level (its rows are townships) a supervisor's 催报 button
    per township."""

    remind = RemindColumn("township")

    def remind_here(self, request):
        return not (request.GET.get("township") or request.GET.get("village"))


class TaskListTable(UnitRowsTable):
    """Tasks (未填报, 逾期, 电视问政): the code links to the task page for a viewer who may
    open it (``task_urls``)."""

    code = tables.Column(verbose_name=_("任务编号"))
    title = tables.Column(verbose_name=_("任务名称"))
    township = tables.Column(verbose_name=_("乡镇"))
    village = tables.Column(verbose_name=_("村"), default="", attrs=SECONDARY)
    owner = tables.Column(verbose_name=_("责任人"), attrs=SECONDARY)
    due_on = tables.Column(verbose_name=_("完成时限"))
    latest_percent = tables.Column(verbose_name=_("最新进度（%）"))

    page_sequence = ("code", "title", "latest_percent", "due_on", "...")

    def render_code(self, value):
        return self.task_link(value)

    def value_code(self, value):
        return value


class NotReportedTable(RemindMixin, TaskListTable):
    """本周未填报: a supervisor's 催报 button per task."""

    remind = RemindColumn("task")


class OverdueTable(TaskListTable):
    days_overdue = tables.Column(verbose_name=_("逾期天数"), attrs={"td": {"class": "bad"}})

    page_sequence = ("code", "title", "days_overdue", "latest_percent", "...")


class AiredTable(UnitRowsTable):
    aired_on = tables.Column(verbose_name=_("播出日期"))
    kind = tables.Column(verbose_name=_("类型"))
    programme = tables.Column(verbose_name=_("栏目/节目名称"), default="")
    title = tables.Column(verbose_name=_("标题"))
    township = tables.Column(verbose_name=_("乡镇"))
    task = tables.Column(verbose_name=_("任务"), default="")

    def render_task(self, value):
        return self.task_link(value)

    def value_task(self, value):
        return value


class TrendTable(UnitRowsTable):
    week = tables.Column(verbose_name=_("周"))
    active = tables.Column(verbose_name=_("在办任务"))
    reported = tables.Column(verbose_name=_("已填报"))
    reported_share = pct_column("reported_share", _("填报率（%）"))
    average_percent = pct_column("average_percent", _("平均填报进度（%）"))


# ---- monthly ----------------------------------------------------------------------------


class MonthlyUnitTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    m_households = tables.Column(accessor="month__households_exited", verbose_name=_("本月脱贫户"))
    m_people = tables.Column(accessor="month__people_exited", verbose_name=_("本月脱贫人数"))
    m_villages = tables.Column(
        accessor="month__villages_exited", verbose_name=_("本月出列村"), attrs=SECONDARY
    )
    m_townships = tables.Column(
        accessor="month__townships_exited", verbose_name=_("本月摘帽乡镇"), attrs=SECONDARY
    )
    y_households = tables.Column(accessor="year_to_date__households_exited", verbose_name=_("累计脱贫户"))
    t_households = tables.Column(accessor="targets__target_households", verbose_name=_("目标户数"))
    households_pct = pct_column("households_pct", _("户数完成率（%）"), attrs={"td": {"class": share_class}})
    y_people = tables.Column(accessor="year_to_date__people_exited", verbose_name=_("累计脱贫人数"))
    t_people = tables.Column(accessor="targets__target_people", verbose_name=_("目标人数"), attrs=SECONDARY)
    people_pct = pct_column("people_pct", _("人数完成率（%）"))
    y_villages = tables.Column(
        accessor="year_to_date__villages_exited", verbose_name=_("累计出列村"), attrs=SECONDARY
    )
    t_villages = tables.Column(
        accessor="targets__target_villages", verbose_name=_("目标出列村"), attrs=SECONDARY
    )
    y_townships = tables.Column(
        accessor="year_to_date__townships_exited", verbose_name=_("累计摘帽乡镇"), attrs=SECONDARY
    )
    m_pairing = MoneyColumn(
        accessor="month__pairing_funds",
        verbose_name=_("本月结对资金（元）"),
        page_name=_("本月结对资金（万元）"),
        attrs=SECONDARY,
    )
    y_pairing = MoneyColumn(
        accessor="year_to_date__pairing_funds",
        verbose_name=_("累计结对资金（元）"),
        page_name=_("累计结对资金（万元）"),
        attrs=SECONDARY,
    )
    y_collective = MoneyColumn(
        accessor="year_to_date__collective_funds",
        verbose_name=_("集体经济项目资金（元）"),
        page_name=_("集体经济项目资金（万元）"),
        attrs=SECONDARY,
    )


class ByMonthTable(UnitRowsTable):
    month = tables.Column(verbose_name=_("月份"))
    households_exited = tables.Column(verbose_name=_("脱贫户数"))
    people_exited = tables.Column(verbose_name=_("脱贫人数"))


class YearlyUnitTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    poor_people = tables.Column(verbose_name=_("年末贫困人口"))
    identified = tables.Column(accessor="identified_people", verbose_name=_("新识别人数"))
    exited = tables.Column(accessor="exited_people", verbose_name=_("脱贫人数"))
    returned = tables.Column(accessor="returned_people", verbose_name=_("返贫人数"))
    rural_population = tables.Column(verbose_name=_("农村户籍人口"), default="—")
    incidence = pct_column("poverty_incidence_percent", _("贫困发生率（%）"))
    previous = pct_column("previous_poverty_incidence_percent", _("上年末贫困发生率（%）"))
    change = tables.Column(
        accessor="poverty_incidence_change_points", verbose_name=_("变化（百分点）"), default="—"
    )
    income = MoneyColumn(
        accessor="rural_income_per_head_yuan", verbose_name=_("农村居民人均可支配收入（元）"), default="—"
    )


class ByYearTable(UnitRowsTable):
    year = tables.Column(verbose_name=_("年度"))
    total = pct_column("total", _("贫困发生率（%）"))


# ---- quarterly --------------------------------------------------------------------------


class LeagueTable(UnitRowsTable):
    rank = tables.Column(verbose_name=_("名次"))
    name = tables.Column(verbose_name=_("单位"))
    score = tables.Column(verbose_name=_("综合得分"))
    progress = tables.Column(verbose_name=_("任务进度（%）"))
    exit_rate = tables.Column(verbose_name=_("脱贫目标完成率（%）"))
    satisfaction = tables.Column(verbose_name=_("满意度（%）"), default=_("无测评"))
    actions = tables.Column(verbose_name=_("问责人次"))


class EvaluationTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    evaluations = tables.Column(verbose_name=_("评定数"))
    average_score = pct_column("average_score", _("平均得分"))
    excellent = tables.Column(accessor="grades__excellent", verbose_name=_("优秀"))
    good = tables.Column(accessor="grades__good", verbose_name=_("良好"))
    qualified = tables.Column(accessor="grades__qualified", verbose_name=_("合格"))
    unqualified = tables.Column(accessor="grades__unqualified", verbose_name=_("不合格"))


class InspectionTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    inspections = tables.Column(verbose_name=_("督查次数"))
    serious_findings = tables.Column(verbose_name=_("严重问题"))


class FindingTable(UnitRowsTable):
    label = tables.Column(verbose_name=_("必查类别"))
    ok = tables.Column(verbose_name=_("未发现问题"))
    minor = tables.Column(verbose_name=_("一般问题"))
    serious = tables.Column(verbose_name=_("严重问题"))
    not_checked = tables.Column(verbose_name=_("未检查"))  # a must-check skipped it, with a reason


class ActionTable(UnitRowsTable):
    label = tables.Column(verbose_name=_("问责方式"))
    unit_head = tables.Column(verbose_name=_("单位主要领导（一把手）"))
    section_level = tables.Column(verbose_name=_("科级领导干部"))
    ordinary = tables.Column(verbose_name=_("一般干部"))


class OverdueRectificationTable(UnitRowsTable):
    held_on = tables.Column(verbose_name=_("督查日期"))
    township = tables.Column(verbose_name=_("乡镇"), default="")
    village = tables.Column(verbose_name=_("村"), default="")
    label = tables.Column(verbose_name=_("必查类别"))
    rectify_by = tables.Column(verbose_name=_("整改时限"))
    days_overdue = tables.Column(verbose_name=_("逾期天数"))


class SatisfactionItemTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("民生项目"))
    answers = tables.Column(verbose_name=_("答卷数"))
    satisfied_share = pct_column("satisfied_share", _("满意及基本满意（%）"))
    mean_level = pct_column("mean_level", _("平均满意度（1–3）"))


class SatisfactionUnitTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    answers = tables.Column(verbose_name=_("答卷数"))
    satisfied_share = pct_column("satisfied_share", _("满意及基本满意（%）"))
    mean_level = pct_column("mean_level", _("平均满意度（1–3）"))
