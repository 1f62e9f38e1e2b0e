"""The demo's steps in order, and clearing the county before a rebuild."""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

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
    SummaryPeriod,
    SurveySummary,
    Task,
    WeekLock,
    WeeklySummary,
    YearEndRun,
    YearEndScore,
)
from chishui import cache
from devdata.demo import current, headline, organization, oversight, places, satisfaction, tasks
from devdata.demo.county import County, DemoError
from devdata.demo.figures import DEMO_TOWNSHIP_CODES, demo_usernames
from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
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

# Each step takes the county under construction, writes one kind of rows and keeps on the
# county what later steps need. The order is the order of dependence (and of the random
# draws: changing it changes the demo's invented details, never its headline figures).
STEPS = [
    satisfaction.livelihood_items,
    places.users,
    places.townships,
    places.villages,
    places.units,
    places.cadres,
    organization.work_teams,
    places.link_users,
    places.households,
    organization.party_organizations,
    organization.economic_organizations,
    organization.pairing_projects,
    organization.collective_projects,
    organization.village_finance,
    tasks.problems,
    tasks.responsibility_list,
    tasks.contracts,
    tasks.tasks,
    tasks.weekly_reports,
    tasks.week_locks,
    tasks.close_solved_problems,
    oversight.evaluations,
    oversight.inspections,
    oversight.accountability_actions,
    oversight.commendations,
    satisfaction.survey_rounds,
    satisfaction.survey_answers,
    satisfaction.close_rounds,
    satisfaction.outreach_events,
    satisfaction.livelihood_outcomes,
    oversight.half_year_reviews,
    oversight.annual_reports,
    oversight.year_end_scores,
    oversight.exposures,
    headline.identified_households,
    headline.poverty_returns,
    headline.township_statistics,
    tasks.current_work,
    # 2016 closed out, then this year up to today (current.py)
    current.close_out_2016,
    current.setup,
    current.exits,
    current.tasks,
    current.contracts,
    current.save_tasks,
    current.weekly_reports,
    current.week_locks,
    current.inspections,
    current.accountability_actions,
    current.exposures,
    current.survey_round,
]

# what the ``demo`` command reports, in this order
SUMMARY = [
    Township,
    Village,
    Household,
    Cadre,
    Task,
    ProgressReport,
    Evaluation,
    Inspection,
    AccountabilityAction,
    PairingProject,
    CollectiveProject,
    SurveyAnswer,
    OutreachEvent,
    LivelihoodOutcome,
]

# Children before parents. Plain SQL deletes: no per-row signals (simple_history would
# otherwise write a history row for each deleted row), no cascades to worry about.
DELETE_ORDER = [
    WeeklySummary,
    ExitSummary,
    SurveySummary,
    ProgressSummary,
    SummaryPeriod,
    HouseholdSurveyTally,
    ItemSurveyTally,
    VillageHouseholdTally,
    UnitHouseholdTally,
    PovertyLedger,
    Evidence,
    Exposure,
    AccountabilityAction,
    Finding,
    Inspection,
    Commendation,
    YearEndScore,
    YearEndRun,
    AnnualReport,
    HalfYearReview,
    Evaluation,
    ProgressReport,
    WeekLock,
    Task,
    Problem,
    Contract,
    SurveyAnswer,
    SurveyRound,
    LivelihoodOutcome,
    OutreachEvent,
    CollectiveProject.households.through,
    CollectiveProject,
    PairingProject,
    VillageFinance,
    PovertyReturn,
    Household,
    EconomicOrganization,
    PartyOrganization,
    WorkTeam,
    Cadre,
    Unit,
    Village,
    TownshipStatistics,
    Township,
]


def _delete_all(model):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def foreign_townships():
    """Townships in the database that the demo did not create (real registry data)."""
    return Township.objects.exclude(code__in=DEMO_TOWNSHIP_CODES)


def clear(users=False):
    """Delete the county data (and its audit history); with ``users``, the demo users too.
    Role groups, livelihood items and import logs stay."""
    with transaction.atomic():
        for model in DELETE_ORDER:
            _delete_all(model)
            history = getattr(model, "history", None)
            if history is not None and hasattr(history, "model"):
                _delete_all(history.model)
        if users:
            User.objects.filter(username__in=demo_usernames()).delete()


def build():
    """Replace the county data with the demo county. Returns {label: count}."""
    foreign = foreign_townships().values_list("code", flat=True)[:5]
    if foreign:
        raise DemoError(
            _("数据库中已有非演示数据（乡镇编码：%(codes)s），演示数据不会覆盖它。请换一个空数据库。")
            % {"codes": "、".join(foreign)}
        )
    # data is written in Chinese whatever language the caller has active; the cached pages
    # are invalidated once, after the build, not after each of its ~1,300 writes that do it
    with translation.override(settings.LANGUAGE_CODE), cache.held(), transaction.atomic():
        clear()
        county = County()
        for step in STEPS:
            step(county)
        summaries.rebuild()
    return {
        model._meta.verbose_name_plural: county.counts[model._meta.verbose_name_plural] for model in SUMMARY
    }
