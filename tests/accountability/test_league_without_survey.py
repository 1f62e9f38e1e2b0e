"""A quarter without a survey round does not count satisfaction as 0 (C2): the league shows
no satisfaction (无测评) and weighs progress and exits alone, renormalised to 100."""

import datetime as dt

import pytest

from accountability.models import Contract
from villages.models import Household, LivelihoodItem, SurveyAnswer, SurveyRound

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(township_a, township_b, village_a, village_b, secretary_a):
    exited = Household.objects.create(
        code="H1",
        village=village_a,
        head="甲",
        size=3,
        assistance="industry",
        registered_on=dt.date(2014, 1, 1),
        exited_on=dt.date(2016, 2, 15),
    )
    Contract.objects.create(
        party=Contract.Party.TOWNSHIP_COMMITTEE,
        year=2016,
        township=township_a,
        signed_by=secretary_a.cadre,
        signed_on=dt.date(2016, 1, 5),
        target_households=2,
    )
    item = LivelihoodItem.objects.create(code="X1", name="住房", category="民生", order=101)
    spring = SurveyRound.objects.create(year=2016, number=1, held_on=dt.date(2016, 4, 20))
    SurveyAnswer.objects.create(round=spring, household=exited, item=item, level=3)


def league(client, quarter):
    rows = client.get(f"/dashboard/quarterly/?quarter={quarter}&format=json").json()["league"]
    return {row["code"]: row for row in rows}


def test_a_quarter_without_a_round_has_no_satisfaction_and_renormalises(client, supervisor, county):
    client.force_login(supervisor)
    a = league(client, "2016-Q1")["T-A"]
    # exits 1 of target 2 = 50; no round before April: 0.3 × 50 / 0.7, not 0.3 × 50 + 0.3 × 0
    assert (a["exit_rate"], a["satisfaction"], a["score"]) == (50.0, None, round(0.3 * 50 / 0.7, 1))
    page = client.get("/dashboard/quarterly/?quarter=2016-Q1").content.decode()
    assert "无测评" in page and "本季度末之前没有满意度测评" in page
    assert 'id="chart-quarterly-satisfaction"' not in page  # no empty grey heat map
    q2 = client.get("/dashboard/quarterly/?quarter=2016-Q2").content.decode()
    assert 'id="chart-quarterly-satisfaction"' in q2


def test_a_quarter_with_a_round_weighs_satisfaction_30_percent(client, supervisor, county):
    client.force_login(supervisor)
    rows = league(client, "2016-Q2")
    assert (rows["T-A"]["satisfaction"], rows["T-A"]["score"]) == (100.0, round(0.3 * 50 + 0.3 * 100, 1))
    # township B was not surveyed in the round: no data for it either, not 0
    assert rows["T-B"]["satisfaction"] is None
