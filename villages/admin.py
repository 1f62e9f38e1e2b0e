"""Admin for the county registry. Every model is registered; models with audit history use
SimpleHistoryAdmin. Changelists name their relations in ``list_select_related`` so a page
costs the same number of queries whatever its size; big relations (households, cadres)
use autocomplete instead of a select listing every row."""

from django.contrib import admin
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    ImportLog,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    PairingProject,
    PartyOrganization,
    PovertyReturn,
    SurveyAnswer,
    SurveyRound,
    Township,
    TownshipStatistics,
    Unit,
    Village,
    VillageFinance,
    WorkTeam,
)

admin.site.site_header = _("赤水市三定责任管理 · 管理后台")
admin.site.site_title = _("赤水市三定责任管理")
admin.site.index_title = _("数据管理")
# "查看站点": "/" would send an admin straight back here, so link the site's task list instead.
admin.site.site_url = reverse_lazy("accountability:task_list")


@admin.register(Township)
class TownshipAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "kind", "poverty", "exited_on"]
    list_filter = ["kind", "poverty"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "township", "kind", "poverty", "exited_on"]
    list_filter = ["township", "kind", "poverty"]
    list_select_related = ["township"]
    search_fields = ["code", "name", "township__name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "role", "unit", "township", "village", "team_slot", "user"]
    list_filter = ["role", "team_slot", "township"]
    list_select_related = ["unit", "township", "village", "user"]
    search_fields = ["code", "name", "phone", "user__username"]
    autocomplete_fields = ["unit", "village", "user"]


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "township", "village", "secretary"]
    list_filter = ["level", "township"]
    list_select_related = ["township", "village", "secretary"]
    search_fields = ["name", "township__name", "village__name"]
    autocomplete_fields = ["village", "secretary"]


@admin.register(EconomicOrganization)
class EconomicOrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "township", "village", "coverage", "party_organization", "instructor"]
    list_filter = ["kind", "coverage", "township"]
    list_select_related = ["township", "village", "party_organization", "instructor"]
    search_fields = ["name"]
    autocomplete_fields = ["village", "party_organization", "instructor"]


@admin.register(WorkTeam)
class WorkTeamAdmin(admin.ModelAdmin):
    list_display = ["village", "sent_by", "started_on", "ends_on", "withdrawn_on", "reserve_cadres_trained"]
    list_filter = ["village__township"]
    list_select_related = ["village", "sent_by"]
    search_fields = ["village__name", "village__code", "sent_by__name"]
    autocomplete_fields = ["village", "sent_by"]


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["code", "head", "village", "size", "assistance", "registered_on", "exited_on", "income"]
    list_filter = ["assistance", "village__township"]
    list_select_related = ["village"]
    search_fields = ["code", "head", "village__name"]
    autocomplete_fields = ["village", "unit", "cadre"]
    date_hierarchy = "registered_on"


@admin.register(PairingProject)
class PairingProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise", "village", "household", "funds", "started_on"]
    list_filter = ["village__township"]
    list_select_related = ["enterprise", "village", "household"]
    search_fields = ["name", "enterprise__name", "village__name"]
    autocomplete_fields = ["enterprise", "village", "household"]


@admin.register(CollectiveProject)
class CollectiveProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "village", "year", "fiscal_funds", "loan_subsidy"]
    list_filter = ["year", "village__township"]
    list_select_related = ["village"]
    search_fields = ["code", "name", "village__name"]
    autocomplete_fields = ["village", "households"]


@admin.register(VillageFinance)
class VillageFinanceAdmin(admin.ModelAdmin):
    list_display = ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"]
    list_filter = ["year", "village__township"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
    autocomplete_fields = ["village"]


@admin.register(LivelihoodItem)
class LivelihoodItemAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name", "category"]
    list_filter = ["category"]
    search_fields = ["code", "name"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["year", "number", "held_on"]
    list_filter = ["year"]
    search_fields = ["year"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(admin.ModelAdmin):
    list_display = ["round", "household", "item", "level"]
    list_filter = ["level", "round"]
    list_select_related = ["round", "household", "item"]
    search_fields = ["household__code", "household__head", "item__name"]
    autocomplete_fields = ["household"]


@admin.register(OutreachEvent)
class OutreachEventAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "title", "township", "village", "attendance"]
    list_filter = ["kind", "township"]
    list_select_related = ["township", "village"]
    search_fields = ["title"]
    autocomplete_fields = ["village"]
    date_hierarchy = "held_on"


@admin.register(LivelihoodOutcome)
class LivelihoodOutcomeAdmin(admin.ModelAdmin):
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
class TownshipStatisticsAdmin(SimpleHistoryAdmin):
    """The statistics bureau's yearly figures behind the headline rates (villages/headline.py)."""

    list_display = ["township", "year", "rural_population", "income_per_head"]
    list_filter = ["year", "township"]
    list_select_related = ["township"]
    search_fields = ["township__code", "township__name"]


@admin.register(PovertyReturn)
class PovertyReturnAdmin(SimpleHistoryAdmin):
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
