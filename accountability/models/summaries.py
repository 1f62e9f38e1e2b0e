"""Summary tables per period and township behind the dashboards (A6), rebuilt by rebuild_summaries and kept fresh on write."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from villages.models import LivelihoodItem, SurveyRound, Township


class SummaryPeriod(models.Model):
    """A period for which a summary table is built (rows may be absent: absent means zero)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("周")
        MONTH = "month", _("月")
        ROUND = "round", _("测评轮次")
        QUARTER = "quarter", _("季度")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("期间"), max_length=16)

    class Meta:
        verbose_name = _("汇总期间")
        verbose_name_plural = _("汇总期间")
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="summaryperiod_unique")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class WeeklySummary(models.Model):
    """Weekly dashboard (A6) per township and ISO week: tasks active, due, reported and
    overdue, the sum of active tasks' latest percent, and the reports filed that week."""

    week = models.DateField(_("周（周一）"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    active = models.PositiveIntegerField(_("在办任务"))
    due = models.PositiveIntegerField(_("本周到期"))
    reported = models.PositiveIntegerField(_("已填报"))
    overdue = models.PositiveIntegerField(_("逾期任务"))
    percent_sum = models.DecimalField(_("最新进度合计"), max_digits=14, decimal_places=2)
    reports = models.PositiveIntegerField(_("本周填报数"))
    report_percent_sum = models.DecimalField(_("本周填报进度合计"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("周汇总")
        verbose_name_plural = _("周汇总")
        constraints = [
            models.UniqueConstraint(fields=["week", "township"], name="weeklysummary_unique"),
            models.CheckConstraint(
                condition=Q(reported__lte=F("active"))
                & Q(due__lte=F("active"))
                & Q(overdue__lte=F("active")),
                name="weeklysummary_counts_within_active",
            ),
        ]

    def __str__(self):
        return f"{self.week} {self.township_id}"


class ProgressSummary(models.Model):
    """Quarterly league (A3) per quarter and township: the tasks started by the quarter's end
    (or without a start date) and the sum of their latest percent at the quarter's end (0 for
    a task never reported by then); their progress is the one divided by the other."""

    quarter = models.DateField(_("季度（首日）"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    tasks = models.PositiveIntegerField(_("已开始任务"))
    percent_sum = models.DecimalField(_("季末进度合计"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("季度进度汇总")
        verbose_name_plural = _("季度进度汇总")
        constraints = [
            models.UniqueConstraint(fields=["quarter", "township"], name="progresssummary_unique"),
        ]

    def __str__(self):
        return f"{self.quarter} {self.township_id}"


class ExitSummary(models.Model):
    """Monthly dashboard (A6, C1) per township and month: households and people out of poverty."""

    month = models.DateField(_("月（1日）"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    households = models.PositiveIntegerField(_("脱贫户数"))
    people = models.PositiveIntegerField(_("脱贫人数"))

    class Meta:
        verbose_name = _("脱贫汇总")
        verbose_name_plural = _("脱贫汇总")
        constraints = [
            models.UniqueConstraint(fields=["month", "township"], name="exitsummary_unique"),
            models.CheckConstraint(
                condition=Q(people__gte=F("households")), name="exitsummary_people_ge_households"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.township_id}"


class SurveySummary(models.Model):
    """Quarterly dashboard (C2) per survey round, township and livelihood item: answers, the
    answers 满意 or 基本满意, and the sum of levels."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+", verbose_name=_("轮次"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    item = models.ForeignKey(
        LivelihoodItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("民生项目")
    )
    answers = models.PositiveIntegerField(_("答卷数"))
    content = models.PositiveIntegerField(_("满意及基本满意"))
    level_sum = models.PositiveIntegerField(_("满意度合计"))

    class Meta:
        verbose_name = _("满意度汇总")
        verbose_name_plural = _("满意度汇总")
        constraints = [
            models.UniqueConstraint(fields=["round", "township", "item"], name="surveysummary_unique"),
            models.CheckConstraint(
                condition=Q(content__lte=F("answers")), name="surveysummary_content_le_answers"
            ),
        ]

    def __str__(self):
        return f"{self.round_id} {self.township_id} {self.item_id}"
