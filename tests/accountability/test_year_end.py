"""Year-end scores (C2, C4): the formula on small hand-made data, the one-vote veto, the
command, the supervisor's button and the league table page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accountability import periods
from accountability.models import (
    AccountabilityAction,
    Evaluation,
    ProgressReport,
    Rank,
    Task,
    YearEndRun,
    YearEndScore,
)
from accountability.oversight import scoring
from villages.models import Cadre, Household, LivelihoodItem, SurveyAnswer, SurveyRound, Township, Village

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def rate(village, score, period=1, cycle=Evaluation.Cycle.QUARTERLY, year=2016, cadre=None, evaluator=None):
    level = Evaluation.Level.VILLAGE_RATES_CADRE if cadre else Evaluation.Level.TOWNSHIP_RATES_VILLAGE
    return Evaluation.objects.create(
        level=level,
        cycle=cycle,
        year=year,
        period=period,
        evaluator=evaluator or Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY).first(),
        village=village,
        cadre=cadre,
        score=D(score),
        grade="good",
        evaluated_on=dt.date(year, 6, 1),
    )


def task(code, township, owner, due_on=dt.date(2016, 11, 30)):
    return Task.objects.create(
        code=code, title=code, factor="industry", township=township, owner=owner, due_on=due_on, target=D(10)
    )


def report(task_, week, percent, user):
    return ProgressReport.objects.create(
        task=task_, week=week, value=D(percent) / 10, percent=D(percent), reporter=user
    )


def answers(village, round_, levels):
    """One household of ``village`` answering item after item with ``levels``."""
    household = Household.objects.create(
        code=f"H-{village.code}-{round_.year}-{round_.number}",
        village=village,
        head="户主",
        size=3,
        assistance="industry",
        registered_on=dt.date(2014, 5, 1),
    )
    for order, level in enumerate(levels, start=1):
        item, _ = LivelihoodItem.objects.get_or_create(
            order=order, defaults={"code": f"L{order}", "name": f"项目{order}", "category": "住房"}
        )
        SurveyAnswer.objects.create(round=round_, household=household, item=item, level=level)


def veto(cadre, on, user):
    return AccountabilityAction.objects.create(
        kind=AccountabilityAction.Kind.ONE_VOTE_VETO,
        cadre=cadre,
        rank=Rank.SECTION_LEVEL,
        decided_on=on,
        reason="脱贫攻坚工作严重滞后",
        recorded_by=user,
    )


@pytest.fixture
def county(secretary_a, secretary_b, village_secretary, resident_cadre, supervisor, village_a, village_b):
    """Township A: two villages rated 90, 95 and 85 (E = 90); three tasks due in 2016 at
    100%, 50% (its 2017 report of 100% does not count) and never reported (C = 50); work =
    (90 + 50) / 2 = 70.0. Village A's household answered 6 satisfied, 2 fair and 2
    dissatisfied in 2016 (80.0%; a 2015 round all dissatisfied does not count).

    Township B: not rated, one task done (work 100.0), nobody surveyed (0.0), and a one-vote
    veto on its secretary in 2016."""
    township_a, township_b = village_a.township, village_b.township
    village_a2 = Village.objects.create(code="V-A2", township=township_a, name="甲二村")
    sec_a, sec_b = secretary_a.cadre, secretary_b.cadre
    rate(village_a, "90", period=1)
    rate(village_a, "95", period=2)
    rate(village_a2, "85", period=1)
    rate(village_a, "40", period=1, year=2015)  # another year
    rate(village_a, "60", period=1, cadre=resident_cadre.cadre, evaluator=village_secretary.cadre)
    rate(village_a, "75", period=2, cadre=resident_cadre.cadre, evaluator=village_secretary.cadre)

    done = task("A-1", township_a, sec_a)
    report(done, dt.date(2016, 5, 2), "40", secretary_a)
    report(done, dt.date(2016, 9, 5), "100", secretary_a)
    half = task("A-2", township_a, sec_a)
    report(half, dt.date(2016, 10, 3), "50", secretary_a)
    report(half, dt.date(2017, 1, 2), "100", secretary_a)
    task("A-3", township_a, sec_a)
    task("A-4", township_a, sec_a, due_on=dt.date(2017, 3, 31))  # due another year
    b_task = task("B-1", township_b, sec_b)
    report(b_task, dt.date(2016, 6, 6), "100", secretary_b)

    round_2016 = SurveyRound.objects.create(year=2016, number=1, held_on=dt.date(2016, 5, 1))
    round_2015 = SurveyRound.objects.create(year=2015, number=3, held_on=dt.date(2015, 11, 1))
    answers(village_a, round_2016, [3, 3, 3, 3, 3, 3, 2, 2, 1, 1])
    answers(village_a, round_2015, [1, 1, 1])

    veto(sec_b, dt.date(2016, 12, 1), supervisor)
    veto(sec_a, dt.date(2015, 12, 1), supervisor)  # last year's veto does not touch 2016
    return {"a": township_a, "b": township_b, "a2": village_a2}


def score_of(**subject):
    """The subject's row in the newest version of 2016."""
    return YearEndRun.objects.filter(year=2016).latest("number").scores.get(**subject)


def test_township_scores_follow_the_formula_on_hand_made_data(county):
    result = scoring.compute_year_end(2016)

    a = score_of(township=county["a"])
    assert (a.work_score, a.satisfaction_score) == (D("70.0"), D("80.0"))
    assert a.total == D("71.2")  # 70 × 0.88 + 80 × 0.12
    assert (a.vetoed, a.rating) == (False, YearEndScore.Rating.BASIC)

    b = score_of(township=county["b"])
    # nobody of township B was surveyed: no data, not 0 — the total is the work score
    assert (b.work_score, b.satisfaction_score, b.total) == (D("100.0"), None, D("100.0"))
    assert (b.vetoed, b.rating) == (True, YearEndScore.Rating.UNQUALIFIED)

    assert (result.townships, result.vetoed) == (2, 2)  # township B and its secretary


def test_cadre_scores_take_their_own_ratings_and_their_village_satisfaction(
    county, secretary_a, secretary_b, village_secretary, resident_cadre
):
    scoring.compute_year_end(2016)

    sec_a = score_of(cadre=secretary_a.cadre)
    assert (sec_a.work_score, sec_a.satisfaction_score, sec_a.total) == (D("70.0"), D("80.0"), D("71.2"))
    assert sec_a.rating == YearEndScore.Rating.BASIC

    # the village party organization's ratings (90, 95) are its secretary's work
    village = score_of(cadre=village_secretary.cadre)
    assert (village.work_score, village.satisfaction_score, village.total) == (
        D("92.5"),
        D("80.0"),
        D("91.0"),
    )
    assert village.rating == YearEndScore.Rating.EXCELLENT

    resident = score_of(cadre=resident_cadre.cadre)
    assert (resident.work_score, resident.total) == (D("67.5"), D("69.0"))  # 59.4 + 9.6
    assert resident.rating == YearEndScore.Rating.UNQUALIFIED  # below 70

    sec_b = score_of(cadre=secretary_b.cadre)
    # township B was not surveyed: its secretary's total is his work score (no survey ≠ 0)
    assert (sec_b.total, sec_b.vetoed, sec_b.rating) == (D("100.0"), True, YearEndScore.Rating.UNQUALIFIED)


def test_one_vote_veto_makes_an_otherwise_excellent_cadre_unqualified(county, supervisor, village_secretary):
    scoring.compute_year_end(2016)
    assert score_of(cadre=village_secretary.cadre).rating == YearEndScore.Rating.EXCELLENT

    veto(village_secretary.cadre, dt.date(2016, 6, 1), supervisor)
    scoring.compute_year_end(2016)

    vetoed = score_of(cadre=village_secretary.cadre)
    assert vetoed.total == D("91.0")  # the score stands, the rating does not
    assert (vetoed.vetoed, vetoed.rating) == (True, YearEndScore.Rating.UNQUALIFIED)
    assert score_of(township=county["a"]).vetoed  # a veto in the township vetoes the township


def test_a_vetoed_cadre_without_ratings_still_gets_an_unqualified_row(county, supervisor):
    head = Cadre.objects.create(code="U-1", name="一把手", role=Cadre.Role.UNIT_HEAD)
    veto(head, dt.date(2016, 3, 1), supervisor)

    scoring.compute_year_end(2016)

    row = score_of(cadre=head)
    assert (row.work_score, row.vetoed, row.rating) == (D("0.0"), True, YearEndScore.Rating.UNQUALIFIED)


def test_recomputing_makes_a_new_version_and_drops_subjects_without_a_score(county, resident_cadre):
    scoring.compute_year_end(2016)
    first = score_of(cadre=resident_cadre.cadre)

    Evaluation.objects.filter(cadre=resident_cadre.cadre, period=1).update(score=D("100"))
    scoring.compute_year_end(2016)

    again = score_of(cadre=resident_cadre.cadre)
    assert again.pk != first.pk and again.work_score == D("87.5")
    first.refresh_from_db()
    assert first.work_score == D("67.5")  # the earlier version is kept as it was
    assert list(YearEndRun.objects.filter(year=2016).order_by("number").values_list("number", "status")) == [
        (1, YearEndRun.Status.SUPERSEDED),
        (2, YearEndRun.Status.DRAFT),
    ]

    Evaluation.objects.filter(cadre=resident_cadre.cadre).delete()
    scoring.compute_year_end(2016)
    newest = YearEndRun.objects.get(year=2016, number=3)
    assert not newest.scores.filter(cadre=resident_cadre.cadre).exists()


def test_a_township_without_any_data_scores_zero_and_unqualified(county):
    empty = Township.objects.create(code="T-C", name="丙乡", kind=Township.Kind.TOWNSHIP)
    scoring.compute_year_end(2016)
    row = score_of(township=empty)
    assert (row.work_score, row.satisfaction_score, row.total, row.rating) == (
        D("0.0"),
        None,  # nobody surveyed: no data (无测评)
        D("0.0"),
        YearEndScore.Rating.UNQUALIFIED,
    )


def test_computation_queries_do_not_grow_with_answers_or_tasks(
    county, django_assert_max_num_queries, secretary_a
):
    with django_assert_max_num_queries(60) as small:
        scoring.compute_year_end(2016)
    round_2 = SurveyRound.objects.create(year=2016, number=2, held_on=dt.date(2016, 8, 1))
    for n in range(5):
        village = Village.objects.create(code=f"V-A{n + 3}", township=county["a"], name=f"甲{n + 3}村")
        answers(village, round_2, [3, 2, 1] * 5)
        extra = task(f"A-X{n}", county["a"], secretary_a.cadre)
        report(extra, dt.date(2016, 7, 4), "80", secretary_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        scoring.compute_year_end(2016)


def test_command_computes_the_year_and_refuses_a_future_year(county, capsys):
    call_command("compute_year_end", "2016")
    assert "version 1 (draft): 2 townships" in capsys.readouterr().out
    assert YearEndScore.objects.filter(year=2016, township__isnull=False).count() == 2
    call_command("compute_year_end", "2016", "--publish")
    assert "version 2 (published)" in capsys.readouterr().out
    assert YearEndRun.objects.get(year=2016, status=YearEndRun.Status.PUBLISHED).number == 2
    with pytest.raises(CommandError, match="YEAR must be between"):
        call_command("compute_year_end", "2017")
    assert not YearEndScore.objects.filter(year=2017).exists()


def test_supervisor_button_computes_and_page_lists_the_league_table(client, county, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("accountability:year_end", args=[2016]), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2016年年终考评已计算为第1版草稿：2个乡镇" in page
    assert response.redirect_chain[-1][0].endswith("?version=1")
    # league table: township A (71.2) is ranked; township B (88.0) shows its veto
    assert page.index("乙乡") < page.index("甲镇")  # ordered by total
    assert "71.2" in page and "100.0" in page and "无测评" in page
    assert "不称职（不合格）" in page


def test_future_or_ancient_year_page_is_a_chinese_404(client, supervisor):
    client.force_login(supervisor)
    for year in (2017, 1999):
        response = client.get(reverse("accountability:year_end", args=[year]))
        assert response.status_code == 404
        response = client.post(reverse("accountability:year_end", args=[year]))
        assert response.status_code == 404
    assert not YearEndScore.objects.exists()


def test_township_secretary_sees_the_league_but_only_his_own_cadres(client, county, secretary_a, secretary_b):
    scoring.compute_and_publish(2016)
    client.force_login(secretary_a)
    page = client.get(reverse("accountability:year_end", args=[2016])).content.decode()
    assert "乙乡" in page  # the league table is published
    assert "secretary_a" in page and "secretary_b" not in page
    response = client.post(reverse("accountability:year_end", args=[2016]))
    assert response.status_code == 403


def test_year_end_page_query_count_does_not_grow(client, county, supervisor, django_assert_max_num_queries):
    scoring.compute_and_publish(2016)
    client.force_login(supervisor)
    url = reverse("accountability:year_end", args=[2016])
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    for n in range(30):
        Township.objects.create(code=f"T-X{n}", name=f"新乡{n}", kind=Township.Kind.TOWNSHIP)
        Cadre.objects.create(
            code=f"X-{n}", name=f"书记{n}", role=Cadre.Role.TOWNSHIP_SECRETARY, township_id=county["a"].pk
        )
    scoring.compute_and_publish(2016)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
