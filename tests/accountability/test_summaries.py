"""The summary tables (accountability/summaries.py) are exact: the county-level dashboards
read from them equal the live queries, after a rebuild and after every kind of write that
changes them (weekly reports, new tasks, registry loads, admin edits)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from accountability.admin import FiledOnThePageAdmin, KeepsSummariesExact
from accountability.dashboards import selectors, summaries
from accountability.models import (
    ExitSummary,
    Factor,
    Problem,
    ProgressReport,
    ProgressSummary,
    SummaryPeriod,
    SurveySummary,
    Task,
    WeeklySummary,
)
from accountability.periods import Month, Quarter, Week
from accountability.tasks import services
from devdata import synthetic
from tests.accountability.tasks_factories import assert_progress_copy_exact, freeze_today
from tests.committed import committed_county
from tests.villages.files import write_csv
from villages import registry, roles
from villages.models import Cadre, Household, SurveyAnswer, SurveyRound, Township

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("summaries-county")]

COUNTY = selectors.Scope(None, None)
WEEKS = [Week(2016, n) for n in (2, 9, 23, 30, 40)]
MONTHS = [Month(2016, n) for n in (1, 4, 6, 9, 12)]
QUARTERS = [Quarter(2016, n) for n in (1, 2, 3, 4)]


def build_county():
    synthetic.build("small")
    summaries.rebuild()


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """The small county with its summary tables, built once for the module (committed; each
    test's writes are rolled back; the module's other tests do not read the data)."""
    with committed_county(django_db_blocker, build_county):
        yield


def assert_summaries_equal_live(weeks=WEEKS, months=MONTHS, quarters=QUARTERS):
    assert assert_progress_copy_exact() > 0  # the tasks' copy of their latest report, too
    for week in weeks:
        assert summaries.weekly([week.shift(i - 11) for i in range(12)]) is not None, week
        assert selectors.weekly_dashboard(COUNTY, week) == selectors.weekly_dashboard(
            COUNTY, week, use_summaries=False
        ), week
    for month in months:
        assert selectors.monthly_dashboard(COUNTY, month) == selectors.monthly_dashboard(
            COUNTY, month, use_summaries=False
        ), month
    for quarter in quarters:
        assert selectors.quarterly_dashboard(COUNTY, quarter) == selectors.quarterly_dashboard(
            COUNTY, quarter, use_summaries=False
        ), quarter


def secretary_of(township):
    user = User.objects.create_user(f"sec-{township.code}")
    user.groups.add(Group.objects.get(name=roles.TOWNSHIP_SECRETARY))
    Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY, township=township).update(user=user)
    return user


def test_rebuilt_tables_equal_the_live_queries(county):
    assert WeeklySummary.objects.exists() and ExitSummary.objects.exists() and SurveySummary.objects.exists()
    assert_summaries_equal_live()


def test_rebuild_marks_every_week_of_the_data_and_the_trend_before_it(county):
    weeks = set(SummaryPeriod.objects.filter(kind="week").values_list("key", flat=True))
    last = ProgressReport.objects.order_by("-week").values_list("week", flat=True)[0]
    assert last.isoformat() in weeks
    assert Week(2016, 1).shift(-11).start.isoformat() in weeks  # the trend of 2016-W01


def test_pages_use_the_tables_only_where_built(county):
    before = Week(2015, 30)  # long before the data: not built, so live
    assert summaries.weekly([before.shift(i - 11) for i in range(12)]) is None
    assert selectors.weekly_dashboard(COUNTY, before) == selectors.weekly_dashboard(
        COUNTY, before, use_summaries=False
    )


def test_weekly_reports_filed_and_corrected_keep_the_tables_exact(county, monkeypatch):
    township = Township.objects.get(code="ST000")
    user = secretary_of(township)
    week = Week(2016, 23)
    freeze_today(monkeypatch, week.start + dt.timedelta(days=2))
    task = Task.objects.filter(township=township, due_on__gte=week.start).exclude(reports__week=week.start)[0]
    report = services.file_report(task, user, week.start, task.target, "完成")  # new, at 100%
    assert_summaries_equal_live()
    services.file_report(task, user, week.start, task.target / 4, "更正", expected_version=report.version)
    assert_summaries_equal_live()


def test_a_report_after_the_last_built_week_extends_the_table(county, monkeypatch):
    township = Township.objects.get(code="ST001")
    user = secretary_of(township)
    last = Week.of(ProgressReport.objects.order_by("-week").values_list("week", flat=True)[0])
    later = last.shift(3)
    freeze_today(monkeypatch, later.start)
    task = Task.objects.filter(township=township).order_by("-due_on")[0]
    services.file_report(task, user, later.start, Decimal("1"), "补报")
    built = set(SummaryPeriod.objects.filter(kind="week").values_list("key", flat=True))
    assert {last.shift(n).start.isoformat() for n in (1, 2, 3)} <= built
    assert_summaries_equal_live(weeks=[later, last.shift(1)])


def test_a_report_long_after_the_last_built_week_builds_only_its_trend(county, monkeypatch):
    township = Township.objects.get(code="ST001")
    user = secretary_of(township)
    last = Week.of(ProgressReport.objects.order_by("-week").values_list("week", flat=True)[0])
    much_later = last.shift(40)
    freeze_today(monkeypatch, much_later.start)
    task = Task.objects.filter(township=township).order_by("-due_on")[0]
    services.file_report(task, user, much_later.start, Decimal("1"), "补报")
    built = set(SummaryPeriod.objects.filter(kind="week").values_list("key", flat=True))
    assert {much_later.shift(-n).start.isoformat() for n in range(12)} <= built
    assert last.shift(20).start.isoformat() not in built  # the gap stays live
    assert_summaries_equal_live(weeks=[much_later], months=[], quarters=[])
    gap = last.shift(20)
    assert selectors.weekly_dashboard(COUNTY, gap) == selectors.weekly_dashboard(
        COUNTY, gap, use_summaries=False
    )


def test_a_problem_turned_into_a_task_keeps_the_tables_exact(county, monkeypatch):
    township = Township.objects.get(code="ST002")
    user = secretary_of(township)
    today = freeze_today(monkeypatch, Week(2016, 30).start)
    problem = Problem.objects.create(
        township=township, factor=Factor.PROJECT, description="道路未硬化", raised_on=today
    )
    owner = Cadre.objects.get(role=Cadre.Role.TOWNSHIP_SECRETARY, township=township)
    services.problem_to_task(problem, user, "硬化道路", owner, dt.date(2016, 8, 1), Decimal(5), "公里")
    assert_summaries_equal_live()


def test_registry_loads_keep_the_tables_exact(county, tmp_path):
    task = Task.objects.select_related("township").filter(township__code="ST000", village__isnull=True)[0]
    household = Household.objects.filter(exited_on__isnull=False).select_related("village")[0]
    tasks = write_csv(
        tmp_path / "tasks.csv",
        [
            ["code", "title", "factor", "township", "owner", "due_on", "target"],
            [task.code, task.title, task.factor, "ST001", task.owner.code, "2016-12-31", "50"],
        ],
    )
    households = write_csv(
        tmp_path / "households.csv",
        [
            ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"],
            [
                household.code,
                household.village.code,
                household.head,
                "9",
                household.assistance,
                household.registered_on.isoformat(),
                "2016-03-15",
            ],
        ],
    )
    report = registry.load([("tasks.csv", tasks), ("households.csv", households)])
    assert report.written, report.errors
    assert Task.objects.get(pk=task.pk).township.code == "ST001"
    assert_summaries_equal_live()


def admin_change_data(response):
    """The POST data of an admin change page as it stands: the form's fields and its
    inlines' (management forms and rows)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def test_admin_edits_keep_the_tables_exact(county, client, admin_user):
    client.force_login(admin_user)
    # a deadline moved three months earlier: the task turns overdue in weeks it was not
    task = Task.objects.filter(due_on__month__gte=10, due_on__year=2016, reports__isnull=False).distinct()[0]
    url = f"/admin/accountability/task/{task.pk}/change/"
    data = admin_change_data(client.get(url))
    data["due_on"] = (task.due_on - dt.timedelta(days=90)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Task.objects.get(pk=task.pk).due_on == task.due_on - dt.timedelta(days=90)
    answer = SurveyAnswer.objects.filter(level=3)[0]
    response = client.post(f"/admin/villages/surveyanswer/{answer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert_summaries_equal_live()


def test_rebuild_command_reports_what_it_built(county, capsys):
    WeeklySummary.objects.all().delete()
    call_command("rebuild_summaries")
    out = capsys.readouterr().out
    assert "weeks" in out and "months" in out and "survey rounds" in out and "quarters 4" in out
    assert_summaries_equal_live(months=[], quarters=[])


def test_every_admin_of_a_counted_model_refreshes_the_tables():
    """A model the dashboards count (summaries.SOURCES) is edited in the admin only through
    the mixin that calls the one refresh path, or not at all (weekly reports are filed on the
    task page only: FiledOnThePageAdmin)."""
    for model in summaries.SOURCES:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, (KeepsSummariesExact, FiledOnThePageAdmin)), model


def test_a_report_in_a_later_quarter_extends_the_progress_table(county, monkeypatch):
    township = Township.objects.get(code="ST001")
    user = secretary_of(township)
    last = Week.of(ProgressReport.objects.order_by("-week").values_list("week", flat=True)[0])
    later = last.shift(20)
    freeze_today(monkeypatch, later.start)
    task = Task.objects.filter(township=township).order_by("-due_on")[0]
    services.file_report(task, user, later.start, Decimal("1"), "补报")
    quarters = [Quarter.of(last.start)]
    while quarters[-1] < Quarter.of(later.start):
        quarters.append(quarters[-1].shift(1))
    assert len(quarters) >= 2
    built = set(SummaryPeriod.objects.filter(kind="quarter").values_list("key", flat=True))
    assert {q.start.isoformat() for q in quarters} <= built
    for quarter in quarters:
        assert selectors.quarterly_dashboard(COUNTY, quarter) == selectors.quarterly_dashboard(
            COUNTY, quarter, use_summaries=False
        ), quarter


def test_the_quarterly_progress_is_read_from_its_table_when_the_quarter_is_built(county):
    quarter = Quarter(2016, 2)
    live = selectors.quarterly_dashboard(COUNTY, quarter, use_summaries=False)
    assert selectors.quarterly_dashboard(COUNTY, quarter) == live
    row = ProgressSummary.objects.filter(quarter=quarter.start).order_by("township__code")[0]
    row.percent_sum += row.tasks * 10  # ten points more for each of its tasks
    row.save()
    stored = selectors.quarterly_dashboard(COUNTY, quarter)
    assert stored != live  # the table is what the page read
    SummaryPeriod.objects.filter(kind="quarter", key=quarter.start.isoformat()).delete()
    assert summaries.for_quarter([], [Month(2016, n) for n in range(1, 7)], quarter)[2] is None  # live
    assert selectors.quarterly_dashboard(COUNTY, quarter) == live


def test_a_quarter_of_two_survey_rounds_sums_their_summary_rows(county):
    """The survey cells of one round are its stored rows; of several, their sums (in SQL):
    both read as plain tuples, and the page is the live one either way."""
    quarter = Quarter(2016, 2)
    rounds = selectors.survey_rounds_for(quarter)
    assert len(rounds) == 1
    one_round = summaries.survey(rounds)
    stored = list(
        SurveySummary.objects.filter(round_id=rounds[0]["id"]).values_list(
            "township_id", "item_id", "answers", "content", "level_sum"
        )
    )
    assert sorted(one_round) == sorted(stored) and stored
    # the year's second round held in the same quarter (the rows do not depend on the day)
    SurveyRound.objects.filter(year=2016, number=2).update(held_on=dt.date(2016, 6, 20))
    rounds = selectors.survey_rounds_for(quarter)
    assert len(rounds) == 2
    cells = summaries.survey(rounds)
    assert cells is not None and len(cells) == len({(row[0], row[1]) for row in cells})
    assert (
        sum(row[2] for row in cells)
        == SurveyAnswer.objects.filter(round_id__in=[r["id"] for r in rounds]).count()
    )
    live = selectors.quarterly_dashboard(COUNTY, quarter, use_summaries=False)
    assert selectors.quarterly_dashboard(COUNTY, quarter) == live
    assert live["summary"]["survey_answers"] > sum(row[2] for row in one_round)
    assert_satisfaction_counted_afresh(live["satisfaction"], rounds)


def assert_satisfaction_counted_afresh(satisfaction, rounds):
    """The quarterly page's satisfaction section is the answers of ``rounds`` counted here
    afresh, one answer at a time: per item and per township the answers, the share 满意 or
    基本满意 (level 2 or 3) and the mean level; per township and item the share."""
    cells, items, townships = {}, {}, {}
    answers = SurveyAnswer.objects.filter(round_id__in=[r["id"] for r in rounds])
    for township, item, level in answers.values_list(
        "household__village__township__code", "item__code", "level"
    ):
        for counts in (
            cells.setdefault((township, item), [0, 0, 0]),
            items.setdefault(item, [0, 0, 0]),
            townships.setdefault(township, [0, 0, 0]),
        ):
            counts[0] += 1
            counts[1] += level >= 2
            counts[2] += level

    def share(counts):
        return round(100 * counts[1] / counts[0], 1) if counts else None

    def expected(counts):
        counts = counts or [0, 0, 0]
        return {
            "answers": counts[0],
            "satisfied_share": share(counts) if counts[0] else None,
            "mean_level": round(counts[2] / counts[0], 2) if counts[0] else None,
        }

    assert [
        {k: i[k] for k in ("answers", "satisfied_share", "mean_level")} for i in satisfaction["items"]
    ] == [expected(items.get(i["code"])) for i in satisfaction["items"]]
    codes = [i["code"] for i in satisfaction["items"]]
    for unit in satisfaction["units"]:
        assert {k: unit[k] for k in ("answers", "satisfied_share", "mean_level")} == expected(
            townships.get(unit["code"])
        ), unit["code"]
        assert unit["items"] == [share(cells.get((unit["code"], code))) for code in codes], unit["code"]
    assert sum(c[0] for c in items.values()) > 0


@pytest.mark.parametrize("quarter", QUARTERS[1:], ids=str)  # the first has no round yet
def test_the_quarterly_satisfaction_is_the_answers_counted_afresh(county, quarter):
    rounds = selectors.survey_rounds_for(quarter)
    assert summaries.survey(rounds) is not None  # read from the summary table
    assert_satisfaction_counted_afresh(selectors.quarterly_dashboard(COUNTY, quarter)["satisfaction"], rounds)


def test_only_the_summaries_module_calls_the_refresh_functions():
    """Writers call ``summaries.changed``; a direct ``refresh_*`` call elsewhere is a second
    path that the next write path would forget."""
    root = Path(settings.BASE_DIR)
    own = root / "accountability" / "dashboards" / "summaries.py"
    offenders = [
        str(path.relative_to(root))
        for app in ("accountability", "villages", "devdata")
        for path in (root / app).rglob("*.py")
        if path != own and re.search(r"\brefresh_(weekly|exits|survey|progress_summary)\(", path.read_text())
    ]
    assert offenders == []


def test_every_write_path_goes_through_the_one_refresh(county, monkeypatch, client, admin_user, tmp_path):
    """Services, admin and registry each hand what they wrote to ``summaries.changed``; with
    it replaced by a recorder that does not refresh, the tables fall behind the live numbers,
    which is what a write path that skipped it would do."""
    seen = []
    monkeypatch.setattr(summaries, "changed", lambda objects, before=(): seen.append(list(objects)))
    township = Township.objects.get(code="ST000")
    user = secretary_of(township)
    week = Week(2016, 23)
    freeze_today(monkeypatch, week.start + dt.timedelta(days=2))
    task = Task.objects.filter(township=township, due_on__gte=week.start).exclude(reports__week=week.start)[0]

    report = services.file_report(task, user, week.start, task.target, "完成")
    assert seen.pop() == [report]

    problem = Problem.objects.create(
        township=township, factor=Factor.PROJECT, description="道路未硬化", raised_on=week.start
    )
    owner = Cadre.objects.get(role=Cadre.Role.TOWNSHIP_SECRETARY, township=township)
    new_task = services.problem_to_task(problem, user, "硬化道路", owner, dt.date(2016, 8, 1), Decimal(5))
    assert seen.pop() == [new_task]

    client.force_login(admin_user)
    answer = SurveyAnswer.objects.filter(level=3)[0]
    assert (
        client.post(f"/admin/villages/surveyanswer/{answer.pk}/delete/", {"post": "yes"}).status_code == 302
    )
    assert [(type(a), a.household_id, a.item_id) for a in seen.pop()] == [
        (SurveyAnswer, answer.household_id, answer.item_id)
    ]

    moved = Task.objects.filter(township__code="ST000", village__isnull=True).exclude(pk=new_task.pk)[0]
    tasks = write_csv(
        tmp_path / "tasks.csv",
        [
            ["code", "title", "factor", "township", "owner", "due_on", "target"],
            [moved.code, moved.title, moved.factor, "ST001", moved.owner.code, "2016-12-31", "50"],
        ],
    )
    assert registry.load([("tasks.csv", tasks)]).written
    assert [t.pk for t in seen.pop() if isinstance(t, Task)] == [moved.pk]
    assert seen == []
    with pytest.raises(AssertionError):
        assert_summaries_equal_live()  # nothing refreshed: the recorder is what kept them exact


def test_a_survey_round_deleted_in_the_admin_takes_its_summary_rows(county, client, admin_user):
    """The summary rows are derived: their read-only admin does not block deleting the round
    (or household) they are derived from, and the tables stay exact."""
    client.force_login(admin_user)
    survey_round = SurveyRound.objects.filter(answers__isnull=False).distinct().order_by("pk")[0]
    assert SurveySummary.objects.filter(round=survey_round).exists()
    page = client.get(f"/admin/villages/surveyround/{survey_round.pk}/delete/")
    assert page.status_code == 200
    response = client.post(f"/admin/villages/surveyround/{survey_round.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SurveyRound.objects.filter(pk=survey_round.pk).exists()
    assert not SurveySummary.objects.filter(round_id=survey_round.pk).exists()
    assert_summaries_equal_live()
