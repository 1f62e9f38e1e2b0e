"""Accountability actions (问责, A7, A10, C4): supervisors record warning talks, criticism,
organizational handling and one-vote vetoes; the A10 totals count distinct cadres."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import AccountabilityAction, Inspection, Rank, YearEndScore
from accountability.oversight import scoring
from villages.models import Cadre

pytestmark = pytest.mark.django_db

NEW = reverse("accountability:action_new")
LIST = reverse("accountability:action_list")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def data(subject, **fields):
    return {
        "kind": "warning_talk",
        "cadre": subject.pk,
        "decided_on": "2016-06-01",
        "reason": "任务推进滞后",
        "inspection": "",
        "task": "",
        **fields,
    }


def counts():
    return AccountabilityAction.objects.count(), AccountabilityAction.history.count()


def test_supervisor_records_a_warning_talk_from_an_inspection(client, supervisor, resident_cadre, village_a):
    source = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 5, 20), village=village_a)
    client.force_login(supervisor)
    assert f'value="{source.pk}" selected' in client.get(NEW, {"inspection": source.pk}).content.decode()

    response = client.post(NEW, data(resident_cadre.cadre, inspection=source.pk))

    assert response.status_code == 302
    assert response.url == LIST + "?year=2016"
    action = AccountabilityAction.objects.get()
    assert (action.kind, action.cadre, action.rank, action.inspection) == (
        "warning_talk",
        resident_cadre.cadre,
        "ordinary",
        source,
    )
    assert action.recorded_by == supervisor and action.history.get().history_user == supervisor
    page = client.get(response.url).content.decode()
    assert "问责记录已保存" in page and "resident_cadre" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decided_on": "2016-06-09"}, "日期不能晚于今天。"),
        ({"decided_on": "6/1/2016x"}, "输入一个有效的日期"),
        ({"reason": ""}, "这个字段是必填项"),
        ({"kind": "fine"}, "选择无效：请从列表中选择。"),
        ({"cadre": "999999"}, "选择无效：请从列表中选择。"),
        ({"decided_on": "2016-05-01", "inspection": "SOURCE"}, "问责决定日期不能早于来源督查的日期。"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_writes_nothing(
    client, supervisor, resident_cadre, fields, message
):
    source = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 5, 20))
    fields = {k: source.pk if v == "SOURCE" else v for k, v in fields.items()}
    client.force_login(supervisor)
    response = client.post(NEW, data(resident_cadre.cadre, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == (0, 0)


def act(cadre, kind="warning_talk", rank=Rank.ORDINARY, on=dt.date(2016, 3, 1)):
    return AccountabilityAction.objects.create(
        kind=kind, cadre=cadre, rank=rank, decided_on=on, reason="滞后"
    )


def cadres(n, prefix, **fields):
    start = Cadre.objects.count()
    return [
        Cadre.objects.create(code=f"{prefix}{i}", name=f"{prefix}{i}", role="ordinary", **fields)
        for i in range(start, start + n)
    ]


def totals(client, **query):
    response = client.get(LIST, query)
    return response.context["totals"]


def test_a10_totals_count_distinct_cadres_talked_to_by_rank_in_the_year(client, supervisor):
    heads, leaders, ordinary = cadres(2, "H"), cadres(3, "S"), cadres(4, "O")
    for cadre in heads:
        act(cadre, rank=Rank.UNIT_HEAD)
    act(heads[0], rank=Rank.UNIT_HEAD, on=dt.date(2016, 5, 1))  # talked to twice: counts once
    for cadre in leaders:
        act(cadre, rank=Rank.SECTION_LEVEL)
    for cadre in ordinary:
        act(cadre)
    act(ordinary[0], on=dt.date(2015, 12, 31))  # last year
    act(ordinary[1], kind="criticism")  # not a warning talk (and talked to anyway)
    act(ordinary[1], kind="org_handling", rank=Rank.SECTION_LEVEL)
    client.force_login(supervisor)

    this_year = totals(client)
    assert this_year["year"] == 2016 and this_year["total"] == 9
    assert [count for _, count in this_year["ranks"]] == [2, 3, 4]
    assert [count for _, count in totals(client, year="2015")["ranks"]] == [0, 0, 1]


def test_a10_totals_default_to_the_latest_year_with_actions(client, supervisor, monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: dt.date(2026, 11, 27))  # years after the data
    act(cadres(1, "O")[0])
    client.force_login(supervisor)
    assert totals(client)["year"] == 2016 and totals(client)["total"] == 1


def test_list_filters_by_kind_rank_and_year(client, supervisor):
    a, b, c = cadres(3, "F")
    act(a, kind="criticism", on=dt.date(2016, 2, 1))
    act(b, kind="one_vote_veto", rank=Rank.UNIT_HEAD, on=dt.date(2016, 2, 2))
    act(c, on=dt.date(2015, 2, 3))
    client.force_login(supervisor)

    def dates(**query):
        page = client.get(LIST, query).content.decode()
        return [d for d in ("2016-02-01", "2016-02-02", "2015-02-03") if d in page]

    assert dates(kind="one_vote_veto") == ["2016-02-02"]
    assert dates(rank="ordinary") == ["2016-02-01", "2015-02-03"]
    assert dates(year="2015") == ["2015-02-03"]
    page = client.get(LIST, {"year": "去年"}).content.decode()
    assert "筛选条件无效" in page and "2016-02-01" not in page


def test_township_secretary_sees_actions_on_his_townships_cadres_only(
    client, secretary_a, township_a, township_b
):
    act(cadres(1, "A", township=township_a)[0], on=dt.date(2016, 2, 1))
    act(cadres(1, "B", township=township_b)[0], on=dt.date(2016, 2, 2))
    client.force_login(secretary_a)
    page = client.get(LIST).content.decode()
    assert "2016-02-01" in page and "2016-02-02" not in page
    assert "录入问责" not in page
    assert client.get(LIST).context["totals"]["total"] == 1


def test_one_vote_veto_recorded_in_the_browser_makes_the_year_end_rating_unqualified(
    client, supervisor, village_secretary, village_a
):
    client.force_login(supervisor)
    response = client.post(
        NEW, data(village_secretary.cadre, kind="one_vote_veto", rank="section_level", reason="脱贫数据造假")
    )
    assert response.status_code == 302
    scoring.compute_year_end(2016)
    row = YearEndScore.objects.get(year=2016, cadre=village_secretary.cadre)
    assert (row.vetoed, row.rating) == (True, YearEndScore.Rating.UNQUALIFIED)
    assert YearEndScore.objects.get(year=2016, township=village_a.township).vetoed


def test_list_query_count_does_not_grow(client, supervisor, township_a, django_assert_max_num_queries):
    client.force_login(supervisor)
    source = Inspection.objects.create(kind="unannounced", held_on=dt.date(2016, 1, 5), township=township_a)
    for cadre in cadres(2, "Q", township=township_a):
        AccountabilityAction.objects.create(
            kind="warning_talk",
            cadre=cadre,
            rank="ordinary",
            decided_on=dt.date(2016, 2, 1),
            reason="x",
            inspection=source,
        )
    with django_assert_max_num_queries(12) as small:
        assert client.get(LIST).status_code == 200
    for cadre in cadres(30, "R", township=township_a):
        AccountabilityAction.objects.create(
            kind="org_handling",
            cadre=cadre,
            rank="unit_head",
            decided_on=dt.date(2016, 3, 1),
            reason="y",
            inspection=source,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST).status_code == 200
