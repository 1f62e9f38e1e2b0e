"""django-tables2 tables of the oversight pages. Their querysets come from the views'
scoped, joined and annotated reads: no column reaches across a relation by itself."""

import itertools

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accountability.models import AnnualReport, HalfYearReview, YearEndScore

RATING_BADGES = {
    YearEndScore.Rating.EXCELLENT: "ok",
    YearEndScore.Rating.COMPETENT: "ok",
    YearEndScore.Rating.BASIC: "warn",
    YearEndScore.Rating.UNQUALIFIED: "bad",
}


class EvaluationTable(tables.Table):
    year = tables.Column(verbose_name=_("年度"))
    cycle = tables.Column(verbose_name=_("测评类型"))
    period = tables.Column(verbose_name=_("期次"))
    level = tables.Column(verbose_name=_("评定层级"))
    village = tables.Column(verbose_name=_("村"), accessor="village__name", order_by=("village__code",))
    cadre = tables.Column(verbose_name=_("被评定干部"), accessor="cadre__name", default="—")
    score = tables.Column(verbose_name=_("得分"), attrs={"td": {"class": "num"}})
    grade = tables.Column(verbose_name=_("等次"))
    evaluator = tables.Column(
        verbose_name=_("评定人"), accessor="evaluator__name", order_by=("evaluator__name",)
    )
    evaluated_on = tables.DateColumn(verbose_name=_("评定日期"), format="Y-m-d")
    comment = tables.Column(verbose_name=_("评语"), orderable=False)
    # annotated by the view from the audit history
    last_changed_by = tables.Column(
        verbose_name=_("最后修改人"), orderable=False, default="—", attrs={"td": {"class": "last-changed-by"}}
    )

    class Meta:
        orderable = True
        order_by = ("-year", "cycle", "period")
        attrs = {"class": "table evaluation-table"}
        empty_text = _("没有符合条件的评定。")

    def render_cycle(self, record):
        return record.get_cycle_display()

    def render_level(self, record):
        return record.get_level_display()

    def render_grade(self, record):
        css = "bad" if record.grade == "unqualified" else "ok" if record.grade == "excellent" else ""
        return format_html('<span class="badge {}">{}</span>', css, record.get_grade_display())


class InspectionTable(tables.Table):
    """The inspection list; its export adds the ``visible=False`` columns."""

    held_on = tables.DateColumn(
        verbose_name=_("督查日期"),
        format="Y-m-d",
        linkify=lambda record: reverse("accountability:inspection_detail", args=[record.pk]),
        order_by=("held_on", "id"),  # ties by id, so pages and exports are stable on every database
    )
    kind = tables.Column(verbose_name=_("督查类型"))
    spot_level = tables.Column(verbose_name=_("抽查层级"), visible=False)
    township = tables.Column(verbose_name=_("乡镇"), accessor="township__name", default="—")
    village = tables.Column(verbose_name=_("村"), accessor="village__name", default="—")
    inspector = tables.Column(verbose_name=_("督查人"), accessor="inspector__name", default="—")
    checked = tables.Column(verbose_name=_("检查类别数"), attrs={"td": {"class": "num"}})
    problems = tables.Column(verbose_name=_("发现问题"), attrs={"td": {"class": "num"}})
    serious = tables.Column(verbose_name=_("严重问题"), attrs={"td": {"class": "num"}})
    summary = tables.Column(verbose_name=_("督查情况"), visible=False)

    class Meta:
        orderable = True
        order_by = ("-held_on",)
        attrs = {"class": "table inspection-table"}
        empty_text = _("没有符合条件的督查记录。")

    def render_kind(self, record):
        if record.spot_level:
            return f"{record.get_kind_display()}（{record.get_spot_level_display()}）"
        return record.get_kind_display()

    def value_kind(self, record):
        return record.get_kind_display()  # the spot level has its own export column

    def render_serious(self, value):
        if value:
            return format_html('<span class="badge bad">{}</span>', value)
        return value

    def value_serious(self, value):
        return value


class ActionTable(tables.Table):
    """The actions list; its export adds the ``visible=False`` columns. The rows come from
    ``oversight.selectors.action_rows``: ``inspection_visible`` says whether the user may
    open the source inspection (else no link, and no date of it)."""

    decided_on = tables.DateColumn(verbose_name=_("决定日期"), format="Y-m-d", order_by=("decided_on", "id"))
    kind = tables.Column(verbose_name=_("问责方式"))
    cadre_code = tables.Column(verbose_name=_("干部编号"), accessor="cadre__code", visible=False)
    cadre = tables.Column(verbose_name=_("被问责干部"), accessor="cadre__name", order_by=("cadre__name",))
    township = tables.Column(verbose_name=_("乡镇"), accessor="cadre__township__name", default="—")
    rank = tables.Column(verbose_name=_("职级类别"))
    reason = tables.Column(verbose_name=_("事由"), orderable=False)
    inspection = tables.Column(
        verbose_name=_("来源督查"),
        accessor="inspection__held_on",
        default="—",
        linkify=lambda record: (
            reverse("accountability:inspection_detail", args=[record.inspection_id])
            if record.inspection_id and record.inspection_visible
            else None
        ),
    )
    task = tables.Column(verbose_name=_("相关任务"), accessor="task__code", default="—")

    class Meta:
        orderable = True
        order_by = ("-decided_on",)
        attrs = {"class": "table action-table"}
        empty_text = _("没有符合条件的问责记录。")

    def render_kind(self, record):
        css = "bad" if record.kind == "one_vote_veto" else "warn"
        return format_html('<span class="badge {}">{}</span>', css, record.get_kind_display())

    def value_kind(self, record):
        return record.get_kind_display()

    def render_rank(self, record):
        return record.get_rank_display()

    def value_rank(self, record):
        return record.get_rank_display()

    def render_inspection(self, record, value):
        return value.isoformat() if record.inspection_visible else "—"

    def value_inspection(self, record, value):
        return value.isoformat() if record.inspection_visible else "—"


class YearEndTable(tables.Table):
    """A version's league with its parts (docs/scoring.md). Rows come from
    ``selectors.township_rows``/``cadre_rows``, ordered by total; the place follows the page."""

    place = tables.Column(verbose_name=_("排名"), empty_values=(), orderable=False)
    subject = tables.Column(verbose_name=_("考评对象"), empty_values=(), orderable=False)
    code = tables.Column(verbose_name=_("编码"), empty_values=(), visible=False)
    ratings_score = tables.Column(verbose_name=_("业绩评定"), attrs={"td": {"class": "num"}}, default="—")
    tasks_score = tables.Column(verbose_name=_("任务完成"), attrs={"td": {"class": "num"}}, default="—")
    exits_score = tables.Column(verbose_name=_("脱贫目标"), attrs={"td": {"class": "num"}}, default="—")
    exited_households = tables.Column(verbose_name=_("当年脱贫户数"), visible=False, default="")
    target_households = tables.Column(verbose_name=_("目标脱贫户数"), visible=False, default="")
    work_score = tables.Column(verbose_name=_("工作实绩得分"), attrs={"td": {"class": "num"}})
    satisfaction_score = tables.Column(
        verbose_name=_("群众满意度得分"), attrs={"td": {"class": "num"}}, default=_("无测评")
    )
    total = tables.Column(verbose_name=_("总分"), attrs={"td": {"class": "num"}})
    vetoed = tables.Column(verbose_name=_("一票否决"))
    rating = tables.Column(verbose_name=_("评定等次"))

    class Meta:
        orderable = False
        attrs = {"class": "table yearend-table"}
        empty_text = _("本年度尚未计算年终考评。")

    def before_render(self, request):
        start = self.page.start_index() if hasattr(self, "page") else 1
        self._places = itertools.count(start)

    def render_place(self):
        """Rows come ordered by total: the place follows the page."""
        return next(self._places)

    def value_place(self):
        """The place in an export (all rows, in the league's order)."""
        if not hasattr(self, "_value_places"):
            self._value_places = itertools.count(1)
        return next(self._value_places)

    def render_subject(self, record):
        if record.township_id:
            return record.township.name
        place = record.cadre.village or record.cadre.township
        return format_html(
            "{} <span class='muted'>{} {}</span>",
            record.cadre.name,
            record.cadre.get_role_display(),
            place or "",
        )

    def value_subject(self, record):
        return record.township.name if record.township_id else record.cadre.name

    def value_code(self, record):
        return record.township.code if record.township_id else record.cadre.code

    def render_exits_score(self, record, value):
        if record.target_households:
            return format_html(
                "{} <span class='muted'>({}/{})</span>",
                value,
                record.exited_households,
                record.target_households,
            )
        return value

    def value_exits_score(self, value):
        return value

    def render_vetoed(self, value):
        if value:
            return format_html('<span class="badge bad">{}</span>', _("是"))
        return _("否")

    def render_rating(self, record):
        return format_html(
            '<span class="badge {}">{}</span>', RATING_BADGES[record.rating], record.get_rating_display()
        )

    def value_rating(self, record):
        return record.get_rating_display()

    def value_vetoed(self, value):
        return _("是") if value else _("否")


class TownshipYearEndTable(YearEndTable):
    review_verdict = tables.Column(verbose_name=_("半年研判"), default="—")

    class Meta(YearEndTable.Meta):
        pass

    def render_review_verdict(self, value):
        return HalfYearReview.Verdict(value).label


class CadreYearEndTable(YearEndTable):
    report_result = tables.Column(verbose_name=_("全年述职"), default="—")

    class Meta(YearEndTable.Meta):
        pass

    def render_report_result(self, value):
        return AnnualReport.Result(value).label


class YearEndChangeTable(tables.Table):
    """What publishing a draft would change (``selectors.changes``)."""

    subject = tables.Column(verbose_name=_("考评对象"), accessor="name", orderable=False)
    kind = tables.Column(verbose_name=_("类别"), orderable=False)
    before_total = tables.Column(
        verbose_name=_("已发布总分"), attrs={"td": {"class": "num"}}, default="—", orderable=False
    )
    after_total = tables.Column(
        verbose_name=_("本版总分"), attrs={"td": {"class": "num"}}, default="—", orderable=False
    )
    difference = tables.Column(
        verbose_name=_("分差"), attrs={"td": {"class": "num"}}, default="—", orderable=False
    )
    before_rating = tables.Column(verbose_name=_("已发布等次"), default="—", orderable=False)
    after_rating = tables.Column(verbose_name=_("本版等次"), default="—", orderable=False)

    class Meta:
        attrs = {"class": "table yearend-changes"}
        empty_text = _("与已发布版本相比没有变化。")

    def render_kind(self, value):
        return _("乡镇") if value == "township" else _("干部")

    def render_difference(self, value):
        return f"{value:+}"

    def render_before_rating(self, value):
        return YearEndScore.Rating(value).label

    def render_after_rating(self, record, value):
        label = YearEndScore.Rating(value).label
        if record.rating_moved and record.before_rating:
            return format_html('<strong class="badge {}">{}</strong>', RATING_BADGES[value], label)
        return label
