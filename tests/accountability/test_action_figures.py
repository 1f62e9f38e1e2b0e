"""The actions list as JSON and CSV/XLSX (A10, C4): distinct cadres by kind and rank class,
the list of actions; links to source inspections only for those who may open them; the
quarterly dashboard's records, distinct cadres and overdue rectifications."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import periods
from accountability.models import AccountabilityAction, Finding, Inspection, Rank
from tests.access import ROLES, statuses_by_role
from villages.models import Cadre

pytestmark = pytest.mark.django_db

LIST = reverse("accountability:action_list")
RANKS = ("unit_head", "section_level", "ordinary")
KINDS = ("warning_talk", "criticism", "org_handling", "one_vote_veto")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def act(cadre, kind="warning_talk", rank=Rank.ORDINARY, on=dt.date(2016, 3, 1), **fields):
    return AccountabilityAction.objects.create(
        kind=kind, cadre=cadre, rank=rank, decided_on=on, reason="滞后", **fields
    )


def cadres(n, prefix, **fields):
    start = Cadre.objects.count()
    return [
        Cadre.objects.create(code=f"{prefix}{i}", name=f"{prefix}{i}", role="ordinary", **fields)
        for i in range(start, start + n)
    ]


def test_json_counts_distinct_cadres_by_kind_and_rank_and_lists_the_actions(client, supervisor, township_a):
    heads, leaders, ordinary = cadres(2, "H"), cadres(3, "S"), cadres(4, "O", township=township_a)
    source = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 1, 5), township=township_a)
    for cadre in heads:
        act(cadre, rank=Rank.UNIT_HEAD, inspection=source)
    act(heads[0], rank=Rank.UNIT_HEAD, on=dt.date(2016, 5, 1))  # talked to twice: counts once
    for cadre in leaders:
        act(cadre, rank=Rank.SECTION_LEVEL)
    for cadre in ordinary:
        act(cadre)
    act(ordinary[0], on=dt.date(2015, 12, 31))  # another year
    act(ordinary[1], kind="criticism")
    act(ordinary[1], kind="criticism", on=dt.date(2016, 4, 1))
    act(leaders[0], kind="one_vote_veto", rank=Rank.SECTION_LEVEL)
    client.force_login(supervisor)

    data = client.get(LIST, {"year": "2016", "format": "json"}).json()
    assert data["year"] == 2016
    assert data["warning_talk"] == {"unit_head": 2, "section_level": 3, "ordinary": 4}
    assert data["criticism"] == {"unit_head": 0, "section_level": 0, "ordinary": 1}
    assert data["org_handling"] == {"unit_head": 0, "section_level": 0, "ordinary": 0}
    assert data["one_vote_veto"] == {"unit_head": 0, "section_level": 1, "ordinary": 0}
    assert data["distinct_cadres"] == {
        "warning_talk": 9,
        "criticism": 1,
        "org_handling": 0,
        "one_vote_veto": 1,
    }
    assert [r["key"] for r in data["ranks"]] == list(RANKS)
    assert len(data["actions"]) == 13  # every action of 2016, not a page of them
    first = next(a for a in data["actions"] if a["inspection"])
    assert set(first) == {"id", "kind", "cadre", "rank", "decided_on", "inspection", "task"}
    assert first["inspection"] == source.pk and first["task"] is None
    assert first["cadre"]["code"].startswith("H") and first["rank"] == "unit_head"
    assert client.get(LIST, {"year": "2015", "format": "json"}).json()["warning_talk"]["ordinary"] == 1


def test_json_without_a_year_gives_the_latest_year_and_every_action(client, supervisor):
    act(cadres(1, "O")[0], on=dt.date(2015, 6, 1))
    act(cadres(1, "O")[0], on=dt.date(2016, 6, 1))
    client.force_login(supervisor)
    data = client.get(LIST, {"format": "json"}).json()
    assert data["year"] == 2016 and data["warning_talk"]["ordinary"] == 1
    assert len(data["actions"]) == 2


def test_bad_filter_or_format_is_a_400_with_a_chinese_message(client, supervisor):
    client.force_login(supervisor)
    response = client.get(LIST, {"year": "abc", "format": "json"})
    assert response.status_code == 400
    assert "筛选条件无效" in response.content.decode()
    response = client.get(LIST, {"format": "pdf"})
    assert response.status_code == 400
    assert "不支持的格式" in response.content.decode()


def test_csv_and_xlsx_carry_every_filtered_action(client, supervisor, township_a):
    for n, cadre in enumerate(cadres(30, "X", township=township_a)):
        act(cadre, kind="criticism" if n % 2 else "warning_talk")
    act(cadres(1, "Y")[0], on=dt.date(2015, 1, 5))
    client.force_login(supervisor)
    response = client.get(LIST, {"year": "2016", "kind": "criticism", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('actions.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "决定日期",
        "问责方式",
        "干部编号",
        "被问责干部",
        "乡镇",
        "职级类别",
        "事由",
        "来源督查",
        "相关任务",
    ]
    assert len(rows) == 1 + 15
    assert {row[1] for row in rows[1:]} == {"通报批评"} and {row[5] for row in rows[1:]} == {"一般干部"}
    response = client.get(LIST, {"year": "2016", "export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + 30


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"format": "json"}, [200, 200, 403, 403, 200, 200, 403, 302]),
        ({"export": "csv"}, [200, 200, 403, 403, 200, 200, 403, 302]),
        ({"export": "xlsx"}, [200, 200, 403, 403, 200, 200, 403, 302]),
    ],
)
def test_json_and_exports_role_by_role(client, request, query, expected, township_a, village_a):
    act(cadres(1, "A", township=township_a)[0])
    for role, status in zip(ROLES, statuses_by_role(expected), strict=True):
        client.logout()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        assert client.get(LIST, query).status_code == status, role


def test_township_secretary_gets_only_his_townships_actions_in_json_and_csv(
    client, secretary_a, township_a, township_b
):
    act(cadres(1, "A", township=township_a)[0], rank=Rank.UNIT_HEAD)
    act(cadres(1, "B", township=township_b)[0], rank=Rank.UNIT_HEAD)
    client.force_login(secretary_a)
    data = client.get(LIST, {"format": "json"}).json()
    assert data["warning_talk"]["unit_head"] == 1 and len(data["actions"]) == 1
    rows = list(csv.reader(io.StringIO(client.get(LIST, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert len(rows) == 2


def test_source_inspection_is_linked_only_for_whoever_may_open_it(
    client, supervisor, secretary_a, township_a, township_b
):
    """The actions page links an action to its source inspection by the inspection page's own
    rule: a township secretary sees the actions on his cadres, but an inspection held in
    another township (or a spot check of no township) would answer 404: no link, no id."""
    here = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 1, 5), township=township_a)
    elsewhere = Inspection.objects.create(
        kind="unannounced", held_on=dt.date(2016, 1, 6), township=township_b
    )
    cadre = cadres(1, "A", township=township_a)[0]
    act(cadre, inspection=here)
    act(cadre, inspection=elsewhere, on=dt.date(2016, 3, 2))
    here_url = reverse("accountability:inspection_detail", args=[here.pk])
    elsewhere_url = reverse("accountability:inspection_detail", args=[elsewhere.pk])

    client.force_login(secretary_a)
    page = client.get(LIST).content.decode()
    assert here_url in page and elsewhere_url not in page
    assert "2016-01-06" not in page
    assert client.get(here_url).status_code == 200 and client.get(elsewhere_url).status_code == 404
    ids = {a["inspection"] for a in client.get(LIST, {"format": "json"}).json()["actions"]}
    assert ids == {here.pk, None}

    client.force_login(supervisor)
    page = client.get(LIST).content.decode()
    assert here_url in page and elsewhere_url in page
    ids = {a["inspection"] for a in client.get(LIST, {"format": "json"}).json()["actions"]}
    assert ids == {here.pk, elsewhere.pk}


@pytest.mark.parametrize("query", [{}, {"format": "json", "year": "2016"}, {"export": "csv"}])
def test_query_count_does_not_grow(
    client, supervisor, secretary_a, township_a, query, django_assert_num_queries
):
    source = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 1, 5), township=township_a)
    for cadre in cadres(2, "Q", township=township_a):
        act(cadre, inspection=source)
    counted = {}
    for user in (supervisor, secretary_a):
        client.force_login(user)
        with CaptureQueriesContext(connection) as small:
            assert client.get(LIST, query).status_code == 200
        counted[user.username] = len(small.captured_queries)
    for cadre in cadres(40, "R", township=township_a):
        act(cadre, kind="org_handling", rank=Rank.UNIT_HEAD, inspection=source)
    for user in (supervisor, secretary_a):
        client.force_login(user)
        with django_assert_num_queries(counted[user.username]):
            assert client.get(LIST, query).status_code == 200


# ------------------------------------------------------------------ the quarterly dashboard


def test_quarterly_json_says_records_and_distinct_cadres(client, supervisor, township_a):
    heads, ordinary = cadres(2, "H", township=township_a), cadres(3, "O", township=township_a)
    for cadre in heads:
        act(cadre, rank=Rank.UNIT_HEAD, on=dt.date(2016, 4, 2))
    act(heads[0], rank=Rank.UNIT_HEAD, on=dt.date(2016, 5, 2))  # twice in the quarter
    for cadre in ordinary:
        act(cadre, kind="criticism", on=dt.date(2016, 6, 2))
        act(cadre, kind="criticism", on=dt.date(2016, 6, 3))
    client.force_login(supervisor)
    actions = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()["actions"]
    records = {row["kind"]: {r: row[r] for r in RANKS} for row in actions["kinds"]}
    assert records["warning_talk"] == {"unit_head": 3, "section_level": 0, "ordinary": 0}
    assert records["criticism"] == {"unit_head": 0, "section_level": 0, "ordinary": 6}
    assert actions["distinct_cadres"]["warning_talk"] == {"unit_head": 2, "section_level": 0, "ordinary": 0}
    assert actions["distinct_cadres"]["criticism"] == {"unit_head": 0, "section_level": 0, "ordinary": 3}
    assert set(actions["distinct_cadres"]) == set(KINDS)


def finding(inspection, category, rectify_by, rectified_on=None, severity="minor"):
    return Finding.objects.create(
        inspection=inspection,
        category=category,
        severity=severity,
        description="问题",
        rectify_by=rectify_by,
        rectified_on=rectified_on,
    )


def test_quarterly_shows_overdue_rectifications_as_of_the_quarters_end(
    client, supervisor, secretary_b, village_a, township_b, monkeypatch
):
    monkeypatch.setattr(periods, "today", lambda: dt.date(2016, 12, 31))
    a = Inspection.objects.create(
        kind="must_check", held_on=dt.date(2016, 2, 1), township=village_a.township, village=village_a
    )
    finding(a, "funds_use", dt.date(2016, 3, 1))  # overdue since March, never rectified
    finding(a, "task_progress", dt.date(2016, 5, 1), rectified_on=dt.date(2016, 7, 15))  # late, in Q3
    finding(a, "identification", dt.date(2016, 5, 1), rectified_on=dt.date(2016, 4, 20))  # on time
    finding(a, "cadres_on_post", dt.date(2016, 8, 1))  # deadline after Q2
    b = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 2, 2), township=township_b)
    finding(b, "funds_use", dt.date(2016, 3, 1))
    client.force_login(supervisor)

    q2 = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()["overdue_rectifications"]
    assert q2["as_of"] == "2016-06-30" and q2["total"] == 3
    assert sorted((f["category"], f["township"], f["days_overdue"]) for f in q2["findings"]) == [
        ("funds_use", township_b.name, 121),
        ("funds_use", village_a.township.name, 121),
        ("task_progress", village_a.township.name, 60),
    ]
    q3 = client.get("/dashboard/quarterly/?quarter=2016-Q3&format=json").json()["overdue_rectifications"]
    assert {(f["category"], f["inspection"]) for f in q3["findings"]} == {
        ("funds_use", a.pk),
        ("funds_use", b.pk),
        ("cadres_on_post", a.pk),
    }
    q1 = client.get("/dashboard/quarterly/?quarter=2016-Q1&format=json").json()["overdue_rectifications"]
    assert q1["total"] == 2

    page = client.get("/dashboard/quarterly/?quarter=2016-Q2").content.decode()
    assert "逾期未整改问题" in page and "2016-03-01" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/dashboard/quarterly/?quarter=2016-Q2&export=csv&table=overdue_rectifications"
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 1 + 3

    client.force_login(secretary_b)  # his township's only
    q2 = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()["overdue_rectifications"]
    assert q2["total"] == 1 and q2["findings"][0]["inspection"] == b.pk
