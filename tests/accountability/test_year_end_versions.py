"""The year-end assessment as a process (issue 11): one formula whose weights sum to 100
with exits against the contracts' targets (C1); compute → draft → publish, published
versions frozen and every version kept; what a draft would change; the JSON and the
CSV/XLSX exports; the half-year reviews and annual reports that feed the assessment."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accountability import periods
from accountability.models import (
    AnnualReport,
    Contract,
    Evaluation,
    HalfYearReview,
    ProgressReport,
    Task,
    YearEndRun,
    YearEndScore,
)
from accountability.oversight import scoring, selectors
from villages.models import Cadre, Household, Township, Village

pytestmark = pytest.mark.django_db

D = Decimal
YEAR_END = "accountability:year_end"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def rate(village, score, evaluator, period=1, year=2016):
    return Evaluation.objects.create(
        level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
        cycle=Evaluation.Cycle.QUARTERLY,
        year=year,
        period=period,
        evaluator=evaluator,
        village=village,
        score=D(score),
        grade="good",
        evaluated_on=dt.date(year, 6, 1),
    )


def households(village, exited, staying, prefix="H"):
    for n in range(exited + staying):
        Household.objects.create(
            code=f"{prefix}-{village.code}-{n}",
            village=village,
            head="户主",
            size=3,
            assistance="industry",
            registered_on=dt.date(2014, 5, 1),
            exited_on=dt.date(2016, 5, 1) if n < exited else None,
        )


def contract(township, target, signer, village=None, party=Contract.Party.TOWNSHIP_COMMITTEE):
    return Contract.objects.create(
        party=party,
        year=2016,
        township=township,
        village=village,
        signed_by=signer,
        signed_on=dt.date(2016, 2, 1),
        target_households=target,
    )


@pytest.fixture
def county(secretary_a, secretary_b, village_secretary, village_a, village_b):
    """Township A: its village rated 90; one task due in 2016 at 50%; 4 of its households
    left poverty in 2016 against a contract target of 5 (exits 80.0): work = (30 × 90 + 30 ×
    50 + 28 × 80) / 88 = 73.2. Nobody surveyed: total = work. The village branch's contract
    targets 8 households (village secretary's exits: 4 / 8 = 50.0).

    Township B: rated 70, no task, no contract (exits: no data), 2 exits: work = 70.0."""
    a, b = village_a.township, village_b.township
    rate(village_a, "90", secretary_a.cadre)
    rate(village_b, "70", secretary_b.cadre)
    task = Task.objects.create(
        code="A-1",
        title="A-1",
        factor="industry",
        township=a,
        owner=secretary_a.cadre,
        due_on=dt.date(2016, 11, 30),
        target=D(10),
    )
    ProgressReport.objects.create(
        task=task, week=dt.date(2016, 5, 2), value=D(5), percent=D(50), reporter=secretary_a
    )
    households(village_a, exited=4, staying=3)
    households(village_b, exited=2, staying=1)
    contract(a, 5, secretary_a.cadre)
    contract(a, 8, village_secretary.cadre, village=village_a, party=Contract.Party.VILLAGE_BRANCH)
    return {"a": a, "b": b}


def newest(year=2016):
    return YearEndRun.objects.filter(year=year).latest("number")


def row(run, **subject):
    return run.scores.get(**subject)


# ---------------------------------------------------------------------- the formula


def test_the_weights_are_percentages_summing_to_100_with_satisfaction_12():
    weights = YearEndScore.WEIGHTS
    assert sum(weights.values()) == 100
    assert weights["satisfaction"] == YearEndScore.SATISFACTION_WEIGHT == 12
    assert set(weights) == {*YearEndScore.WORK_PARTS, "satisfaction"}
    assert all(isinstance(value, int) and value > 0 for value in weights.values())


def test_work_is_the_weighted_mean_of_the_parts_that_exist():
    assert YearEndScore.work({"ratings": D(90), "tasks": D(50), "exits": D(80)}) == D("73.2")
    assert YearEndScore.work({"ratings": D(90), "tasks": D(50), "exits": None}) == D("70.0")
    assert YearEndScore.work({"ratings": None, "tasks": None, "exits": D(40)}) == D("40.0")
    assert YearEndScore.work({"ratings": None, "tasks": None, "exits": None}) == D("0.0")
    # half-up, not banker's rounding: 71.25 → 71.3
    assert YearEndScore.combine(D("71.25"), None) == D("71.3")
    assert YearEndScore.combine(D("70.0"), D("80.0")) == D("71.2")


def test_township_exits_against_the_contract_target_enter_the_score(county, village_secretary):
    scoring.compute_year_end(2016)
    run = newest()
    a = row(run, township=county["a"])
    assert (a.ratings_score, a.tasks_score, a.exits_score) == (D("90.0"), D("50.0"), D("80.0"))
    assert (a.exited_households, a.target_households) == (4, 5)
    assert (a.work_score, a.satisfaction_score, a.total) == (D("73.2"), None, D("73.2"))
    assert a.rating == YearEndScore.Rating.BASIC

    b = row(run, township=county["b"])  # no contract: exits are no data, not 0
    assert (b.exits_score, b.exited_households, b.target_households) == (None, 2, None)
    assert (b.work_score, b.total) == (D("70.0"), D("70.0"))

    secretary = row(run, cadre=village_secretary.cadre)  # against the village branch's contract
    assert (secretary.ratings_score, secretary.exits_score) == (D("90.0"), D("50.0"))
    assert secretary.work_score == D("70.7")  # (30 × 90 + 28 × 50) / 58 = 70.69


def test_exits_beyond_the_target_count_100(county, secretary_a, village_a):
    Contract.objects.filter(township=county["a"], party=Contract.Party.TOWNSHIP_COMMITTEE).update(
        target_households=2
    )
    scoring.compute_year_end(2016)
    assert row(newest(), township=county["a"]).exits_score == D("100.0")


def test_recomputing_unchanged_data_gives_the_same_scores(county):
    scoring.compute_year_end(2016)
    first = newest()
    scoring.compute_year_end(2016)
    second = newest()
    assert second.number == first.number + 1

    def values(run):
        return list(
            run.scores.order_by("township__code", "cadre__code").values_list(
                "township__code",
                "cadre__code",
                "ratings_score",
                "tasks_score",
                "exits_score",
                "exited_households",
                "target_households",
                "work_score",
                "satisfaction_score",
                "total",
                "vetoed",
                "rating",
            )
        )

    assert values(first) == values(second)
    assert selectors.changes(second, first) == []


# ---------------------------------------------------------------------- versions


def test_compute_makes_a_draft_and_publish_freezes_it_and_supersedes_the_previous(county, supervisor):
    scoring.compute_year_end(2016, user=supervisor)
    first = newest()
    assert (first.number, first.status, first.computed_by) == (1, YearEndRun.Status.DRAFT, supervisor)
    scoring.publish(first, user=supervisor)
    first.refresh_from_db()
    assert (first.status, first.published_by) == (YearEndRun.Status.PUBLISHED, supervisor)
    assert first.published_at is not None

    scoring.compute_year_end(2016)  # beside the published version, which does not change
    second = newest()
    first.refresh_from_db()
    assert (first.status, second.status) == (YearEndRun.Status.PUBLISHED, YearEndRun.Status.DRAFT)

    scoring.publish(second, user=supervisor)
    first.refresh_from_db()
    assert first.status == YearEndRun.Status.SUPERSEDED
    assert first.scores.count() == second.scores.count()  # the superseded version is kept

    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        scoring.publish(first)
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        scoring.publish(second)


def test_a_newer_computation_supersedes_an_unpublished_draft(county):
    scoring.compute_year_end(2016)
    scoring.compute_year_end(2016)
    statuses = list(YearEndRun.objects.filter(year=2016).order_by("number").values_list("status", flat=True))
    assert statuses == [YearEndRun.Status.SUPERSEDED, YearEndRun.Status.DRAFT]
    with pytest.raises(ValidationError):
        scoring.publish(YearEndRun.objects.get(year=2016, number=1))


@pytest.mark.parametrize("status", [YearEndRun.Status.PUBLISHED, YearEndRun.Status.SUPERSEDED])
def test_rows_of_a_published_or_superseded_version_refuse_edits(county, status):
    scoring.compute_and_publish(2016)
    run = newest()
    if status == YearEndRun.Status.SUPERSEDED:
        scoring.compute_and_publish(2016)
        run.refresh_from_db()
    score = row(run, township=county["a"])
    before = score.total

    score.total = D("99.9")
    with pytest.raises(ValidationError, match="已发布的年终考评版本不能修改"):
        score.full_clean()
    with pytest.raises(ValidationError, match="已发布的年终考评版本不能修改"):
        score.save()
    with pytest.raises(ValidationError):
        score.delete()
    assert YearEndScore.objects.get(pk=score.pk).total == before


def test_a_draft_row_passes_its_rules_and_names_its_year(county):
    scoring.compute_year_end(2016)
    score = row(newest(), township=county["a"])
    score.full_clean()
    score.year = 2015
    with pytest.raises(ValidationError, match="年度必须与考评版本的年度一致"):
        score.full_clean()


# ---------------------------------------------------------------------- the page


def test_publish_recompute_compare_on_the_page(client, county, supervisor, secretary_a):
    client.force_login(supervisor)
    url = reverse(YEAR_END, args=[2016])
    client.post(url)
    response = client.post(reverse("accountability:year_end_publish", args=[2016, 1]), follow=True)
    assert "2016年年终考评第1版已发布" in response.content.decode()

    # township B's village is now rated 95 (work 95.0: 优秀): recomputing makes a draft
    Evaluation.objects.filter(village__township=county["b"]).update(score=D("95"))
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "第2版（草稿）" in page
    assert "与已发布版本（第1版）相比" in page
    assert "等次变动2个" in page  # township B and its secretary move from 基本称职 to 优秀
    changes = response.context["changes"]
    moved = [c for c in changes.data.data if c.rating_moved]
    assert {c.name for c in moved} == {"乙乡", "secretary_b"}
    assert all(c.difference == D("25.0") for c in moved)

    # the published league is still version 1, for everybody
    page = client.get(url).content.decode()
    assert "第1版（已发布）" in page and "与已发布版本" not in page
    client.force_login(secretary_a)
    response = client.get(url + "?version=2")
    assert response.status_code == 404  # a draft is the county's working material
    data = client.get(url + "?format=json").json()
    assert data["version"]["number"] == 1 and data["changes"] is None
    assert [v["number"] for v in data["versions"]] == [1]


def test_the_superseded_version_stays_readable(client, county, supervisor, secretary_a):
    scoring.compute_and_publish(2016, user=supervisor)
    Evaluation.objects.filter(village__township=county["b"]).update(score=D("95"))
    scoring.compute_and_publish(2016, user=supervisor)
    client.force_login(secretary_a)
    old = client.get(reverse(YEAR_END, args=[2016]) + "?version=1&format=json").json()
    assert old["version"]["status"] == "superseded"
    b_old = next(t for t in old["townships"] if t["code"] == "T-B")
    assert b_old["total"] == 70.0
    new = client.get(reverse(YEAR_END, args=[2016]) + "?format=json").json()
    assert next(t for t in new["townships"] if t["code"] == "T-B")["total"] == 95.0
    page = client.get(reverse(YEAR_END, args=[2016])).content.decode()
    assert "已被取代" in page and "supervisor" in page  # every version, with who and when


def test_the_json_carries_the_weights_and_the_league_with_its_parts(client, county, supervisor):
    scoring.compute_and_publish(2016, user=supervisor)
    client.force_login(supervisor)
    data = client.get(reverse(YEAR_END, args=[2016]) + "?format=json").json()
    assert set(data) == {"year", "weights", "version", "versions", "townships", "cadres", "changes"}
    assert data["weights"] == {"ratings": 30, "tasks": 30, "exits": 28, "satisfaction": 12}
    assert sum(data["weights"].values()) == 100
    assert data["version"]["number"] == 1 and data["version"]["status"] == "published"
    assert data["version"]["computed_by"] == data["version"]["published_by"] == "supervisor"
    first = data["townships"][0]
    assert first == {
        "rank": 1,
        "code": "T-A",
        "name": "甲镇",
        "parts": {"ratings": 90.0, "tasks": 50.0, "exits": 80.0, "satisfaction": None},
        "exited_households": 4,
        "target_households": 5,
        "work": 73.2,
        "total": 73.2,
        "vetoed": False,
        "rating": "basic",
        "half_year_review": None,
    }
    assert [t["code"] for t in data["townships"]] == ["T-A", "T-B"]
    cadre_codes = {c["code"] for c in data["cadres"]}
    assert {"secretary_a", "secretary_b"} <= {c["name"] for c in data["cadres"]}
    assert len(cadre_codes) == len(data["cadres"])
    assert all(set(c["parts"]) == set(data["weights"]) for c in data["cadres"])


def test_csv_and_xlsx_exports_carry_the_parts(client, county, supervisor):
    scoring.compute_and_publish(2016)
    client.force_login(supervisor)
    url = reverse(YEAR_END, args=[2016])
    response = client.get(url + "?export=csv&table=townships")
    assert response.status_code == 200
    assert "year-end-2016-v1-townships.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    for column in (
        "排名",
        "编码",
        "业绩评定",
        "任务完成",
        "脱贫目标",
        "当年脱贫户数",
        "目标脱贫户数",
        "总分",
    ):
        assert column in header
    first = dict(zip(header, rows[1], strict=True))
    assert (first["排名"], first["编码"], first["脱贫目标"], first["当年脱贫户数"]) == (
        "1",
        "T-A",
        "80.0",
        "4",
    )
    assert len(rows) == 3

    response = client.get(url + "?export=xlsx&table=cadres")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "全年述职" in [cell.value for cell in sheet[1]]
    assert sheet.max_row - 1 == YearEndScore.objects.filter(cadre__isnull=False).count()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?export=pdf&table=townships", "不支持的导出格式"),
        ("?export=csv&table=villages", "没有名为 villages 的表格"),
        ("?format=xml", "不支持的格式"),
        ("?version=abc", "版本号应为正整数"),
        ("?version=-1", "版本号应为正整数"),
    ],
)
def test_a_bad_query_is_a_chinese_400(client, county, supervisor, query, message):
    scoring.compute_and_publish(2016)
    client.force_login(supervisor)
    response = client.get(reverse(YEAR_END, args=[2016]) + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_unknown_version_is_a_404(client, county, supervisor):
    scoring.compute_and_publish(2016)
    client.force_login(supervisor)
    assert client.get(reverse(YEAR_END, args=[2016]) + "?version=7").status_code == 404
    response = client.post(reverse("accountability:year_end_publish", args=[2016, 7]))
    assert response.status_code == 404
    assert YearEndRun.objects.get().status == YearEndRun.Status.PUBLISHED


def grow(county, n, secretary):
    """``n`` more townships, each with a village, a rating, a contract and a secretary."""
    for i in range(n):
        township = Township.objects.create(code=f"T-X{i}", name=f"新乡{i}", kind=Township.Kind.TOWNSHIP)
        village = Village.objects.create(code=f"V-X{i}", township=township, name=f"新村{i}")
        rate(village, str(60 + i), secretary)
        households(village, exited=1, staying=1, prefix="G")
        cadre = Cadre.objects.create(
            code=f"X-{i}", name=f"书记{i}", role=Cadre.Role.TOWNSHIP_SECRETARY, township=township
        )
        contract(township, 2, cadre)
        HalfYearReview.objects.create(
            year=2016, township=township, held_on=dt.date(2016, 6, 1), verdict="lagging", conclusions="x"
        )


@pytest.mark.parametrize("query", ["?version=2", "?version=2&format=json", "", "?format=json"])
def test_page_and_json_queries_do_not_grow_with_the_county(
    client, county, supervisor, secretary_a, django_assert_max_num_queries, query
):
    """The published league and a draft compared with it, as a page and as JSON."""

    scoring.compute_and_publish(2016)
    Evaluation.objects.filter(village__township=county["b"]).update(score=D("95"))
    scoring.compute_year_end(2016)
    client.force_login(supervisor)
    url = reverse(YEAR_END, args=[2016]) + query
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    grow(county, 25, secretary_a.cadre)
    scoring.compute_and_publish(2016)  # versions 3 (published) and 4 (draft) of the larger county
    scoring.compute_year_end(2016)
    url = url.replace("version=2", "version=4")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    if "json" in query:
        assert len(response.json()["townships"]) == 27


# ---------------------------------------------------------------------- reviews and reports


def test_supervisor_records_a_half_year_review_shown_on_the_year_end_page(client, county, supervisor):
    scoring.compute_and_publish(2016)
    client.force_login(supervisor)
    data = {
        "half": "1",
        "township": county["a"].pk,
        "held_on": "2016-06-01",
        "verdict": "lagging",
        "problems": "两个村的产业项目未开工",
        "conclusions": "限期整改",
    }
    response = client.post(reverse("accountability:half_year_review_new", args=[2016]), data, follow=True)
    review = HalfYearReview.objects.get()
    assert (review.year, review.recorded_by, review.history.count()) == (2016, supervisor, 1)
    page = response.content.decode()
    assert "两个村的产业项目未开工" in page and "进度滞后" in page
    json = client.get(reverse(YEAR_END, args=[2016]) + "?format=json").json()
    assert next(t for t in json["townships"] if t["code"] == "T-A")["half_year_review"] == "lagging"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"held_on": "2016-06-09"}, "held_on", "日期不能晚于今天"),
        ({"held_on": "2015-12-30"}, "held_on", "研判日期应在2016-01-01到2017-01-31之间"),
        ({"half": "2", "held_on": "2016-06-01"}, "held_on", "研判日期应在2016-07-01到2017-01-31之间"),
        ({"township": "99999"}, "township", "选择无效"),
        ({"conclusions": ""}, "conclusions", "这个字段是必填项"),
        ({"duplicate": True}, "township", "该乡镇本年度这半年已有半年研判"),
    ],
)
def test_a_bad_half_year_review_gets_a_chinese_message_and_writes_nothing(
    client, county, supervisor, changes, field, message
):
    if changes.pop("duplicate", False):
        HalfYearReview.objects.create(
            year=2016,
            half=1,
            township=county["a"],
            held_on=dt.date(2016, 6, 1),
            verdict="on_track",
            conclusions="x",
        )
    before = HalfYearReview.objects.count()
    client.force_login(supervisor)
    data = {
        "half": "1",
        "township": county["a"].pk,
        "held_on": "2016-06-01",
        "verdict": "lagging",
        "conclusions": "限期整改",
        **changes,
    }
    response = client.post(reverse("accountability:half_year_review_new", args=[2016]), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert HalfYearReview.objects.count() == before


def test_supervisor_records_an_annual_report_shown_beside_the_cadre(
    client, county, supervisor, secretary_a, village_secretary, village_a
):
    rate(village_a, "88", secretary_a.cadre, year=2015)  # the village secretary is scored in 2015
    client.force_login(supervisor)
    data = {
        "cadre": village_secretary.cadre.pk,
        "delivered_on": "2015-12-20",
        "summary": "本村脱贫",
        "result": "good",
    }
    response = client.post(reverse("accountability:annual_report_new", args=[2015]), data, follow=True)
    report = AnnualReport.objects.get()
    assert (report.year, report.recorded_by, report.history.count()) == (2015, supervisor, 1)
    assert "本村脱贫" in response.content.decode()
    scoring.compute_and_publish(2015)
    cadres = client.get(reverse(YEAR_END, args=[2015]) + "?format=json").json()["cadres"]
    assert [c["annual_report"] for c in cadres if c["name"] == "village_secretary"] == ["good"]
    assert {c["annual_report"] for c in cadres if c["name"] != "village_secretary"} == {None}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"delivered_on": "2015-06-30"}, "delivered_on", "述职日期应在2015-11-01到2016-03-31之间"),
        ({"delivered_on": "2016-06-30"}, "delivered_on", "日期不能晚于今天"),
        ({"cadre": "supervisor"}, "cadre", "选择无效"),
        ({"result": "brilliant"}, "result", "选择无效"),
        ({"duplicate": True}, "cadre", "该干部本年度已有全年述职"),
    ],
)
def test_a_bad_annual_report_gets_a_chinese_message_and_writes_nothing(
    client, county, supervisor, village_secretary, changes, field, message
):
    if changes.pop("duplicate", False):
        AnnualReport.objects.create(
            year=2015,
            cadre=village_secretary.cadre,
            delivered_on=dt.date(2015, 12, 1),
            summary="x",
            result="fair",
        )
    if changes.get("cadre") == "supervisor":  # not a backbone cadre: not in the list
        changes["cadre"] = supervisor.cadre.pk
    before = AnnualReport.objects.count()
    client.force_login(supervisor)
    data = {
        "cadre": village_secretary.cadre.pk,
        "delivered_on": "2015-12-20",
        "summary": "述职",
        "result": "good",
        **changes,
    }
    response = client.post(reverse("accountability:annual_report_new", args=[2015]), data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert AnnualReport.objects.count() == before


def test_an_annual_report_is_given_by_a_backbone_cadre_only(county, supervisor):
    report = AnnualReport(
        year=2015, cadre=supervisor.cadre, delivered_on=dt.date(2015, 12, 1), summary="x", result="fair"
    )
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "全年述职由乡镇党委书记、村党组织书记或驻村干部进行" in str(error.value)


def test_the_latest_year_is_the_latest_the_user_may_read(client, county, supervisor, secretary_a):
    scoring.compute_and_publish(2015)
    scoring.compute_year_end(2016)  # a draft only
    client.force_login(supervisor)
    assert client.get(reverse("accountability:year_end_latest")).url == reverse(YEAR_END, args=[2016])
    client.force_login(secretary_a)
    assert client.get(reverse("accountability:year_end_latest")).url == reverse(YEAR_END, args=[2015])


def test_the_page_names_who_computed_and_published_by_name(client, county, supervisor):
    """Who computed and who published a version are named as people (the login when the
    account has no name)."""
    supervisor.first_name, supervisor.last_name = "玉敏", "廖"
    supervisor.save()
    client.force_login(supervisor)
    url = reverse(YEAR_END, args=[2016])
    client.post(url)
    client.post(reverse("accountability:year_end_publish", args=[2016, 1]))
    page = client.get(url).content.decode()
    assert f"由{supervisor.get_full_name()}计算" in page and f"由{supervisor.get_full_name()}发布" in page
    supervisor.first_name = supervisor.last_name = ""
    supervisor.save()
    assert f"由{supervisor.username}计算" in client.get(url).content.decode()
