"""Admin for the county registry. Every model is registered; models with audit history use
SimpleHistoryAdmin. Changelists name their relations in ``list_select_related`` so a page
costs the same number of queries whatever its size; big relations (households, cadres)
use autocomplete instead of a select listing every row."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects, quote
from django.core.exceptions import ValidationError
from django.db import router
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from chishui import cache
from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    HouseholdSurveyTally,
    ImportLog,
    ItemSurveyTally,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    PairingProject,
    PartyOrganization,
    PovertyLedger,
    PovertyReturn,
    SurveyAnswer,
    SurveyRound,
    Township,
    TownshipStatistics,
    Unit,
    UnitHouseholdTally,
    Village,
    VillageFinance,
    VillageHouseholdTally,
    WorkTeam,
)
from villages.satisfaction import services as satisfaction

admin.site.site_header = _("赤水市三定责任管理 · 管理后台")
admin.site.site_title = _("赤水市三定责任管理")
admin.site.index_title = _("数据管理")
# "查看站点": "/" would send an admin straight back here, so link the site's task list instead.
admin.site.site_url = reverse_lazy("accountability:task_list")


class KeepsPagesFresh:
    """Admin writes invalidate the cached pages (chishui/cache.py): the satisfaction results,
    the organization overview and the dashboards show these rows. After the related rows
    (inlines, many-to-many) are saved, and after a delete."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        cache.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        cache.invalidate()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        cache.invalidate()


class WritesAnswers:
    """Answers written in the admin — and households deleted, whose answers go with them —
    end with ``satisfaction.answers_written`` as every other write of answers does: their
    counts (tallies), the cached pages, the subscribers; for an edit, the answer's round and
    household before it too."""

    def save_model(self, request, obj, form, change):
        if self.model is not SurveyAnswer:  # a household's edit changes none of its answers
            return super().save_model(request, obj, form, change)
        before = self._answered(pk=obj.pk) if change else set()
        super().save_model(request, obj, form, change)
        self._written(before | self._answered(pk=obj.pk))

    def delete_model(self, request, obj):
        before = self._answered(pk=obj.pk)
        super().delete_model(request, obj)
        self._written(before)

    def delete_queryset(self, request, queryset):
        before = self._answered(pk__in=list(queryset.values_list("pk", flat=True)))
        super().delete_queryset(request, queryset)
        self._written(before)

    def _answered(self, **where):
        """(round, household) of the answers of the rows ``where``."""
        if self.model is not SurveyAnswer:
            where = {f"household__{key}": value for key, value in where.items()}
        return set(SurveyAnswer.objects.filter(**where).values_list("round_id", "household_id").distinct())

    def _written(self, pairs):
        if pairs:
            satisfaction.answers_written({r for r, _h in pairs}, {h for _r, h in pairs})


class WritesHouseholds:
    """Households written in the admin end with ``satisfaction.households_written`` as a
    registry load does: the satisfaction results' households of the villages and assisting
    units concerned counted again, the headline's ledger of the townships concerned written
    again — the household's before and after (a household moved changes both places)."""

    def save_model(self, request, obj, form, change):
        before = _places(Household.objects.filter(pk=obj.pk)) if change else _places(Household.objects.none())
        super().save_model(request, obj, form, change)
        after = _places(Household.objects.filter(pk=obj.pk))
        satisfaction.households_written([obj.pk], **{key: before[key] | after[key] for key in after})

    def delete_model(self, request, obj):
        before = _places(Household.objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        satisfaction.households_written([], **before)  # its answers' tallies went with it

    def delete_queryset(self, request, queryset):
        before = _places(queryset)
        super().delete_queryset(request, queryset)
        satisfaction.households_written([], **before)


def _places(households):
    """The ids of the townships, villages and assisting units of ``households`` (a queryset),
    as ``satisfaction.households_written``'s keywords: one query (none for ``none()``)."""
    rows = list(households.order_by().values_list("village__township_id", "village_id", "unit_id").distinct())
    return {key: {row[i] for row in rows} for i, key in enumerate(("townships", "villages", "units"))}


def _townships(households):
    """The ids of the townships of ``households`` (a queryset): one query."""
    return _places(households)["townships"]


class WritesReturns:
    """Returns to poverty written in the admin end with ``satisfaction.households_written``
    (the households themselves unchanged): the headline's ledger of the townships of the
    return's household, before and after, written again."""

    def save_model(self, request, obj, form, change):
        before = _townships(Household.objects.filter(returns=obj.pk)) if change else set()
        super().save_model(request, obj, form, change)
        satisfaction.households_written(
            townships=before | _townships(Household.objects.filter(pk=obj.household_id)), tallied=False
        )

    def delete_model(self, request, obj):
        before = _townships(Household.objects.filter(pk=obj.household_id))
        super().delete_model(request, obj)
        satisfaction.households_written(townships=before, tallied=False)

    def delete_queryset(self, request, queryset):
        before = _townships(Household.objects.filter(returns__in=queryset))
        super().delete_queryset(request, queryset)
        satisfaction.households_written(townships=before, tallied=False)


class MovesHouseholds:
    """A village moved to another township in the admin moves its households in the
    headline's ledger: both townships' rows written again (``satisfaction.households_written``)."""

    def save_model(self, request, obj, form, change):
        before = (
            set(Village.objects.filter(pk=obj.pk).values_list("township_id", flat=True)) if change else set()
        )
        super().save_model(request, obj, form, change)
        if before and before != {obj.township_id}:
            satisfaction.households_written(townships=before | {obj.township_id}, tallied=False)


class ReadOnly:
    """A model admin that only reads its rows: they are written elsewhere, by the one
    service or refresh whose rules they follow."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """Derived rows (the survey's tallies): read in the admin, written by their refresh. They
    go with the rows they are derived from (a round, a household deleted), which their own
    missing delete permission does not block (``CountedDeleteMixin``)."""

    derived = True


class CountedDeleteMixin:
    """The delete confirmation names the rows chosen (up to ``LISTED`` of them) and counts,
    per model, the related rows the delete would remove or that protect them.

    Django's own page lists every related row with its ``str()`` and link, a query or more
    per row: a survey round with 17,000 answers timed out and a livelihood item protected by
    its answers took 8.5 s. The collection itself is one query per relation, so the page's
    query count does not grow with the data."""

    LISTED = 20

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        for model, instances in collector.model_objs.items():
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if getattr(model_admin, "derived", False):
                    continue
                if not model_admin.has_delete_permission(request, next(iter(instances))):
                    perms_needed.add(model._meta.verbose_name)
        chosen = [self._delete_label(obj) for obj in objs[: self.LISTED]]
        related = [
            self._count_label(model, len(instances))
            for model, instances in collector.model_objs.items()
            if model is not self.model
        ]
        protected_counts = {}
        for obj in collector.protected:
            protected_counts[type(obj)] = protected_counts.get(type(obj), 0) + 1
        protected = [self._count_label(model, count) for model, count in protected_counts.items()]
        model_count = {
            model._meta.verbose_name_plural: len(instances)
            for model, instances in collector.model_objs.items()
        }
        if len(objs) > self.LISTED:
            chosen.append(self._count_label(self.model, len(objs)))
        return chosen + related, model_count, perms_needed, protected

    def _delete_label(self, obj):
        opts = obj._meta
        try:
            url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
            )
        except NoReverseMatch:
            return f"{capfirst(opts.verbose_name)}: {obj}"
        return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

    @staticmethod
    def _count_label(model, count):
        return gettext("%(model)s：%(count)s 条") % {
            "model": capfirst(model._meta.verbose_name_plural),
            "count": f"{count:,}",
        }


@admin.register(Township)
class TownshipAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "poverty", "exited_on"]
    list_filter = ["kind", "poverty"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(MovesHouseholds, KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "township", "kind", "poverty", "exited_on"]
    list_filter = ["township", "kind", "poverty"]
    list_select_related = ["township"]
    search_fields = ["code", "name", "township__name"]


@admin.register(Unit)
class UnitAdmin(KeepsPagesFresh, CountedDeleteMixin, admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Cadre)
class CadreAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["code", "name", "role", "rank", "unit", "township", "village", "team_slot", "user"]
    list_filter = ["role", "rank", "team_slot", "township"]
    list_select_related = ["unit", "township", "village", "user"]
    search_fields = ["code", "name", "phone", "user__username"]
    autocomplete_fields = ["unit", "village", "user"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "level", "township", "village", "secretary"]
    list_filter = ["level", "township"]
    list_select_related = ["township", "village", "secretary"]
    search_fields = ["code", "name", "township__name", "village__name"]
    autocomplete_fields = ["village", "secretary"]


@admin.register(EconomicOrganization)
class EconomicOrganizationAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "kind",
        "township",
        "village",
        "coverage",
        "party_organization",
        "instructor",
    ]
    list_filter = ["kind", "coverage", "township"]
    list_select_related = ["township", "village", "party_organization", "instructor"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["village", "party_organization", "instructor"]


@admin.register(WorkTeam)
class WorkTeamAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["village", "sent_by", "started_on", "ends_on", "withdrawn_on", "reserve_cadres_trained"]
    list_filter = ["village__township"]
    list_select_related = ["village", "sent_by"]
    search_fields = ["village__name", "village__code", "sent_by__name"]
    autocomplete_fields = ["village", "sent_by"]


@admin.register(Household)
class HouseholdAdmin(
    WritesHouseholds, WritesAnswers, KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin
):
    list_display = ["code", "head", "village", "size", "assistance", "registered_on", "exited_on", "income"]
    list_filter = ["assistance", "village__township"]
    list_select_related = ["village"]
    search_fields = ["code", "head", "village__name"]
    autocomplete_fields = ["village", "unit", "cadre"]
    date_hierarchy = "registered_on"


@admin.register(PairingProject)
class PairingProjectAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "code", "enterprise", "village", "household", "funds", "started_on"]
    list_filter = ["village__township"]
    list_select_related = ["enterprise", "village", "household"]
    search_fields = ["code", "name", "enterprise__name", "village__name"]
    autocomplete_fields = ["enterprise", "village", "household"]


class CollectiveProjectAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("village") and cleaned.get("households"):
            try:  # the model's rule: the households a project covers live in its village
                CollectiveProject(village=cleaned["village"]).clean_households(cleaned["households"])
            except ValidationError as exc:
                self.add_error("households", exc.message_dict["households"])
        return cleaned


@admin.register(CollectiveProject)
class CollectiveProjectAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    form = CollectiveProjectAdminForm
    list_display = ["code", "name", "village", "year", "fiscal_funds", "loan_subsidy"]
    list_filter = ["year", "village__township"]
    list_select_related = ["village"]
    search_fields = ["code", "name", "village__name"]
    autocomplete_fields = ["village", "households"]


@admin.register(VillageFinance)
class VillageFinanceAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"]
    list_filter = ["year", "village__township"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    autocomplete_fields = ["village"]


@admin.register(LivelihoodItem)
class LivelihoodItemAdmin(KeepsPagesFresh, CountedDeleteMixin, admin.ModelAdmin):
    list_display = ["order", "code", "name", "category"]
    list_filter = ["category"]
    search_fields = ["code", "name"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["year", "number", "held_on", "ends_on", "closed"]
    list_filter = ["year"]
    search_fields = ["year"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(WritesAnswers, KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["round", "household", "item", "level"]
    list_filter = ["level", "round"]
    list_select_related = ["round", "household", "item"]
    search_fields = ["household__code", "household__head", "item__name"]
    autocomplete_fields = ["household"]


@admin.register(HouseholdSurveyTally)
class HouseholdSurveyTallyAdmin(ReadOnlyAdmin):
    list_display = ["round", "household", "answers", "satisfied", "fair"]
    list_filter = ["round"]
    list_select_related = ["round", "household"]
    search_fields = ["household__code"]


@admin.register(ItemSurveyTally)
class ItemSurveyTallyAdmin(ReadOnlyAdmin):
    list_display = ["round", "item", "answers", "satisfied", "fair"]
    list_filter = ["round"]
    list_select_related = ["round", "item"]


@admin.register(VillageHouseholdTally)
class VillageHouseholdTallyAdmin(ReadOnlyAdmin):
    list_display = ["village", "registered_year", "exited_year", "households"]
    list_filter = ["registered_year", "exited_year"]
    list_select_related = ["village"]
    search_fields = ["village__code", "village__name"]


@admin.register(UnitHouseholdTally)
class UnitHouseholdTallyAdmin(ReadOnlyAdmin):
    list_display = ["unit", "registered_year", "exited_year", "households", "people"]
    list_filter = ["registered_year", "exited_year"]
    list_select_related = ["unit"]
    search_fields = ["unit__name"]


@admin.register(PovertyLedger)
class PovertyLedgerAdmin(ReadOnlyAdmin):
    """The headline's ledger (villages/headline.py): written by ``headline.refresh_ledger``."""

    list_display = ["township", "month", "registered_people", "exited_people"]
    list_filter = ["month"]
    list_select_related = ["township"]
    search_fields = ["township__code", "township__name"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["held_on", "kind", "title", "township", "village", "attendance"]
    list_filter = ["kind", "township"]
    list_select_related = ["township", "village"]
    search_fields = ["title"]
    autocomplete_fields = ["village"]
    date_hierarchy = "held_on"


@admin.register(LivelihoodOutcome)
class LivelihoodOutcomeAdmin(KeepsPagesFresh, CountedDeleteMixin, SimpleHistoryAdmin):
    list_display = ["started_on", "kind", "village", "household", "people", "note"]
    list_filter = ["kind", "village__township"]
    list_select_related = ["village", "household"]
    search_fields = ["note", "village__name", "household__head"]
    autocomplete_fields = ["village", "household"]


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    """Import records are written by the import command and page; here they are read only."""

    list_display = ["started_at", "user", "source", "succeeded", "files"]
    list_filter = ["succeeded", "source"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "started_at", "files", "counts", "succeeded", "errors", "source"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TownshipStatistics)
class TownshipStatisticsAdmin(KeepsPagesFresh, SimpleHistoryAdmin):
    """The statistics bureau's yearly figures behind the headline rates (villages/headline.py)."""

    list_display = ["township", "year", "rural_population", "income_per_head"]
    list_filter = ["year", "township"]
    list_select_related = ["township"]
    search_fields = ["township__code", "township__name"]


@admin.register(PovertyReturn)
class PovertyReturnAdmin(WritesReturns, KeepsPagesFresh, SimpleHistoryAdmin):
    """返贫: recorded with date and reason; the household's exit date is never edited."""

    list_display = ["household", "returned_on", "reason", "exited_again_on", "recorded_by", "recorded_at"]
    list_filter = ["household__village__township"]
    list_select_related = ["household", "recorded_by"]
    search_fields = ["household__code", "household__head", "reason"]
    autocomplete_fields = ["household"]
    readonly_fields = ["recorded_by", "recorded_at"]
    date_hierarchy = "returned_on"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
