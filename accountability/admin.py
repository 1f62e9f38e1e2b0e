"""Admin for contracts, tasks, reports, evaluations, inspections and their consequences.
Every model is registered; models with audit history use SimpleHistoryAdmin (the history
of a task's weekly reports is visible from its change page). Changelists name their
relations in ``list_select_related``; cadres, households and tasks use autocomplete."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from simple_history.admin import SimpleHistoryAdmin

from accountability.dashboards import summaries
from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    Commendation,
    Contract,
    Evaluation,
    Evidence,
    ExitSummary,
    Exposure,
    Finding,
    HalfYearReview,
    Inspection,
    Problem,
    ProgressReport,
    ProgressSummary,
    Reminder,
    SummaryPeriod,
    SurveySummary,
    Task,
    WeekLock,
    WeeklySummary,
    YearEndRun,
    YearEndScore,
)
from villages import admin as villages_admin
from villages.models import Household, SurveyAnswer


class VersionedAdmin(SimpleHistoryAdmin):
    """A model the pages edit with optimistic locking (``version``): a change saved here
    counts as a new version too, so a page form opened before it gets a conflict instead
    of overwriting it."""

    exclude = ["version"]

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            obj.version += 1
        super().save_model(request, obj, form, change)


class KeepsSummariesExact:
    """Admin writes of the rows the dashboards count go through the one refresh path
    (``summaries.changed``), in the admin's transaction, with the row as it was before an
    edit. Every admin of a model in ``summaries.SOURCES`` uses it (tests/accountability/
    test_summaries.py checks), and so do the admins of the other rows the dashboards show
    (ratings, inspections, actions, 电视问政): their writes invalidate the cached
    dashboards through the same call."""

    def save_model(self, request, obj, form, change):
        obj._summaries_before = [self.model.objects.get(pk=obj.pk)] if change else []
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # inlines are saved by now
        summaries.changed([form.instance], getattr(form.instance, "_summaries_before", []))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        summaries.changed([obj])

    def delete_queryset(self, request, queryset):
        objects = list(queryset)
        super().delete_queryset(request, queryset)
        summaries.changed(objects)


@admin.register(Contract)
class ContractAdmin(KeepsSummariesExact, VersionedAdmin):
    list_display = [
        "year",
        "party",
        "township",
        "village",
        "signed_by",
        "signed_on",
        "target_households",
        "target_people",
        "target_tasks",
    ]
    list_filter = ["year", "party", "township"]
    list_select_related = ["township", "village", "signed_by"]
    search_fields = ["township__name", "village__name", "signed_by__name"]
    autocomplete_fields = ["village", "signed_by"]


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["description", "factor", "township", "village", "household", "raised_on", "closed_on"]
    list_filter = ["factor", "township"]
    list_select_related = ["township", "village", "household"]
    search_fields = ["description", "village__name", "household__head"]
    autocomplete_fields = ["village", "household", "raised_by"]
    date_hierarchy = "raised_on"


class ProgressReportInline(admin.TabularInline):
    model = ProgressReport
    fields = ["week", "value", "percent", "note", "reporter", "version"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # reports are filed on the task page only: FiledOnThePageAdmin


@admin.register(Task)
class TaskAdmin(KeepsSummariesExact, SimpleHistoryAdmin):
    list_display = ["code", "title", "factor", "township", "village", "owner", "due_on", "target", "unit"]
    list_filter = ["factor", "township"]
    list_select_related = ["township", "village", "owner"]
    search_fields = ["code", "title", "owner__name", "village__name"]
    autocomplete_fields = ["village", "household", "contract", "problem", "owner"]
    date_hierarchy = "due_on"
    inlines = [ProgressReportInline]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj else []


@admin.register(WeekLock)
class WeekLockAdmin(admin.ModelAdmin):
    list_display = ["__str__", "week", "locked_by", "locked_at"]
    list_select_related = ["locked_by"]
    search_fields = ["locked_by__username"]
    autocomplete_fields = ["locked_by"]


class FiledOnThePageAdmin(villages_admin.ReadOnly):
    """Weekly reports and their evidence are filed on the task page only, through
    ``tasks.services.file_report``: this week's report, by its township secretary or owner,
    with the over-target confirmation, the file checks (type, size, Pillow's downscale of
    photos, the PDF limit), the week lock, the version check, the history and the summary
    refresh. An admin is none of those reporters and a past week is read-only there, so the
    admin only reads these rows (and their history): adding, changing, reverting or
    deleting one here would be a back door for a report the product refuses."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a posted old version even when the admin may only view it
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(ProgressReport)
class ProgressReportAdmin(FiledOnThePageAdmin, SimpleHistoryAdmin):
    list_display = ["task", "week", "value", "percent", "reporter", "updated_at", "version"]
    list_filter = ["week", "task__township"]
    list_select_related = ["task", "reporter"]
    search_fields = ["task__code", "task__title", "note"]


@admin.register(Evidence)
class EvidenceAdmin(FiledOnThePageAdmin, admin.ModelAdmin):
    list_display = ["name", "report", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["report__task", "uploaded_by"]
    search_fields = ["name", "report__task__code"]


@admin.register(Evaluation)
class EvaluationAdmin(KeepsSummariesExact, SimpleHistoryAdmin):
    list_display = ["year", "cycle", "period", "level", "village", "cadre", "score", "grade", "evaluator"]
    list_filter = ["year", "cycle", "level", "grade"]
    list_select_related = ["village", "cadre", "evaluator"]
    search_fields = ["village__name", "cadre__name", "evaluator__name"]
    autocomplete_fields = ["evaluator", "village", "cadre"]


class FindingInlineFormSet(BaseInlineFormSet):
    def clean(self):
        """五必查 covers the five categories or says why not: the model's rule
        (``Inspection.must_check_errors``), over the findings the form will keep."""
        super().clean()
        categories = [
            form.cleaned_data["category"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("category")
            and not form.cleaned_data.get("DELETE")
        ]
        errors = Inspection.must_check_errors(self.instance.kind, categories)
        if errors:
            raise ValidationError(errors)


class FindingInline(admin.TabularInline):
    model = Finding
    formset = FindingInlineFormSet
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(KeepsSummariesExact, SimpleHistoryAdmin):
    list_display = ["held_on", "kind", "spot_level", "township", "village", "inspector", "inspected_cadre"]
    list_filter = ["kind", "spot_level", "township"]
    list_select_related = ["township", "village", "inspector", "inspected_cadre"]
    search_fields = ["summary", "village__name", "inspector__name", "inspected_cadre__name"]
    autocomplete_fields = ["village", "inspector", "inspected_cadre", "recorded_by"]
    date_hierarchy = "held_on"
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(KeepsSummariesExact, SimpleHistoryAdmin):
    list_display = ["inspection", "category", "severity", "rectify_by", "rectified_on"]
    list_filter = ["category", "severity"]
    list_select_related = ["inspection__township", "inspection__village"]
    search_fields = ["description"]
    raw_id_fields = ["inspection"]


@admin.register(AccountabilityAction)
class AccountabilityActionAdmin(KeepsSummariesExact, SimpleHistoryAdmin):
    list_display = ["decided_on", "kind", "cadre", "rank", "inspection", "task"]
    list_filter = ["kind", "rank"]
    list_select_related = ["cadre", "inspection__township", "inspection__village", "task"]
    search_fields = ["cadre__name", "reason"]
    autocomplete_fields = ["cadre", "task", "recorded_by"]
    raw_id_fields = ["inspection"]
    readonly_fields = ["rank"]  # the cadre's, taken by AccountabilityAction.clean
    date_hierarchy = "decided_on"


@admin.register(Commendation)
class CommendationAdmin(VersionedAdmin):
    list_display = ["decided_on", "kind", "cadre", "title"]
    list_filter = ["kind"]
    list_select_related = ["cadre"]
    search_fields = ["cadre__name", "title"]
    autocomplete_fields = ["cadre"]


class ComputedOnlyAdmin(villages_admin.ReadOnly, admin.ModelAdmin):
    """Year-end versions and scores are computed and published on the year-end page
    (accountability/oversight/scoring.py), never typed in: the admin only reads them, so a
    published (frozen) version cannot be edited here either."""


@admin.register(YearEndRun)
class YearEndRunAdmin(ComputedOnlyAdmin):
    list_display = ["year", "number", "status", "computed_at", "computed_by", "published_at", "published_by"]
    list_filter = ["year", "status"]
    list_select_related = ["computed_by", "published_by"]


@admin.register(YearEndScore)
class YearEndScoreAdmin(ComputedOnlyAdmin):
    list_display = [
        "year",
        "run",
        "township",
        "cadre",
        "ratings_score",
        "tasks_score",
        "exits_score",
        "work_score",
        "satisfaction_score",
        "total",
        "vetoed",
        "rating",
    ]
    list_filter = ["year", "run__status", "rating", "vetoed"]
    list_select_related = ["run", "township", "cadre"]
    search_fields = ["township__name", "cadre__name"]


@admin.register(HalfYearReview)
class HalfYearReviewAdmin(SimpleHistoryAdmin):
    list_display = ["year", "half", "township", "held_on", "verdict", "recorded_by"]
    list_filter = ["year", "half", "verdict", "township"]
    list_select_related = ["township", "recorded_by"]
    search_fields = ["township__name", "conclusions", "problems"]


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ["year", "cadre", "delivered_on", "result", "recorded_by"]
    list_filter = ["year", "result"]
    list_select_related = ["cadre", "recorded_by"]
    search_fields = ["cadre__name", "summary"]
    autocomplete_fields = ["cadre"]


@admin.register(Exposure)
class ExposureAdmin(KeepsSummariesExact, VersionedAdmin):
    list_display = ["aired_on", "kind", "programme", "title", "township", "task"]
    list_filter = ["kind", "township"]
    list_select_related = ["township", "task"]
    search_fields = ["title", "task__code"]
    autocomplete_fields = ["task"]


# The registry's households and survey answers are edited in villages' admin; here they
# also keep the summary tables exact (villages must not import this app).
admin.site.unregister(Household)
admin.site.unregister(SurveyAnswer)


@admin.register(Household)
class HouseholdAdmin(KeepsSummariesExact, villages_admin.HouseholdAdmin):
    pass


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(KeepsSummariesExact, villages_admin.SurveyAnswerAdmin):
    pass


class SummaryTableAdmin(villages_admin.ReadOnlyAdmin):
    """Summary tables are derived (accountability/summaries.py): read-only here, like
    villages' survey tallies; rebuild them with ``manage.py rebuild_summaries``. Their rows
    go with the rows they are derived from (a survey round, a township deleted), which their
    missing delete permission does not block (``derived``)."""


@admin.register(SummaryPeriod)
class SummaryPeriodAdmin(SummaryTableAdmin):
    list_display = ["kind", "key"]
    list_filter = ["kind"]
    search_fields = ["key"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(SummaryTableAdmin):
    list_display = ["week", "township", "active", "due", "reported", "overdue", "percent_sum", "reports"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["township__name", "township__code"]
    date_hierarchy = "week"


@admin.register(ExitSummary)
class ExitSummaryAdmin(SummaryTableAdmin):
    list_display = ["month", "township", "households", "people"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["township__name", "township__code"]
    date_hierarchy = "month"


@admin.register(SurveySummary)
class SurveySummaryAdmin(SummaryTableAdmin):
    list_display = ["round", "township", "item", "answers", "content", "level_sum"]
    list_filter = ["round", "item"]
    list_select_related = ["round", "township", "item"]
    search_fields = ["township__name", "township__code", "item__name"]


@admin.register(ProgressSummary)
class ProgressSummaryAdmin(SummaryTableAdmin):
    list_display = ["quarter", "township", "tasks", "percent_sum"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["township__name", "township__code"]
    date_hierarchy = "quarter"


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The record of reminders (催报) is written by ``send_reminders`` and the weekly
    dashboard's 催报 buttons (accountability/reminders/services.py): read-only here."""

    list_display = ["tried_at", "week", "kind", "channel", "user", "township", "task", "status", "attempts"]
    list_filter = ["kind", "channel", "status"]
    list_select_related = ["user", "township", "task"]
    search_fields = ["township__name", "user__username", "task__code", "address"]
    date_hierarchy = "week"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
