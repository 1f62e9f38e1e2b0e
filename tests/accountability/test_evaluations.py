"""Ratings down the chain (业绩下评, A3): township secretaries rate their villages' party
organizations, village secretaries their resident cadres, one grid per period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import Evaluation
from accountability.oversight import services as oversight_services
from villages.models import Cadre, Village

pytestmark = pytest.mark.django_db

NEW = reverse("accountability:evaluation_new")
LIST = reverse("accountability:evaluation_list")
Q2 = {"cycle": "quarterly", "year": "2016", "period": "2"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def grid(rows, period=Q2):
    """POST data of the grid: rows are (subject, version, score, comment)."""
    data = {**period, "form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows)}
    for i, (subject, version, score, comment) in enumerate(rows):
        data.update(
            {
                f"form-{i}-subject": subject.pk,
                f"form-{i}-version": version,
                f"form-{i}-score": score,
                f"form-{i}-comment": comment,
            }
        )
    return data


@pytest.fixture
def village_a2(village_a):
    return Village.objects.create(code="V-A2", township=village_a.township, name="甲二村")


def test_township_secretary_gets_one_row_per_village_of_his_township(
    client, secretary_a, village_a, village_a2, village_b
):
    client.force_login(secretary_a)
    response = client.get(NEW, Q2)
    assert response.status_code == 200
    page = response.content.decode()
    assert "甲一村" in page and "甲二村" in page and "乙一村" not in page
    assert "2016年第2季度" in page


def test_township_secretary_rates_his_villages_and_grade_follows_score(
    client, secretary_a, village_a, village_a2, today
):
    client.force_login(secretary_a)
    response = client.post(NEW, grid([(village_a, 0, "92.5", "推进有力"), (village_a2, 0, "59.9", "")]))
    assert response.status_code == 302
    assert response.url.startswith(LIST)
    a1 = Evaluation.objects.get(village=village_a)
    assert (a1.score, a1.grade, a1.comment, a1.level) == (
        Decimal("92.5"),
        Evaluation.Grade.EXCELLENT,
        "推进有力",
        Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
    )
    assert (a1.cycle, a1.year, a1.period, a1.evaluated_on) == ("quarterly", 2016, 2, today)
    assert a1.evaluator == secretary_a.cadre and a1.cadre is None
    assert Evaluation.objects.get(village=village_a2).grade == Evaluation.Grade.UNQUALIFIED


@pytest.mark.parametrize(
    ("score", "grade"),
    [("90", "excellent"), ("89.9", "good"), ("80", "good"), ("60", "qualified"), ("0", "unqualified")],
)
def test_grade_thresholds(client, secretary_a, village_a, score, grade):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, score, "")]))
    assert Evaluation.objects.get().grade == grade


def test_blank_rows_are_skipped(client, secretary_a, village_a, village_a2):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, "85", ""), (village_a2, 0, "", "")]))
    assert list(Evaluation.objects.values_list("village__name", flat=True)) == ["甲一村"]


def test_village_secretary_rates_the_resident_cadres_of_his_village(
    client, village_secretary, resident_cadre
):
    client.force_login(village_secretary)
    page = client.get(NEW, Q2).content.decode()
    assert "resident_cadre" in page
    response = client.post(NEW, grid([(resident_cadre.cadre, 0, "81", "驻村在岗")]))
    assert response.status_code == 302
    rating = Evaluation.objects.get()
    assert rating.level == Evaluation.Level.VILLAGE_RATES_CADRE
    assert (rating.cadre, rating.village, rating.grade) == (
        resident_cadre.cadre,
        resident_cadre.cadre.village,
        "good",
    )


def test_rating_again_with_the_seen_version_updates_the_same_row(client, secretary_a, village_a):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, "70", "")]))
    first = Evaluation.objects.get()
    assert first.version == 1
    page = client.get(NEW, Q2).content.decode()
    assert 'name="form-0-version" value="1"' in page and 'value="70.0"' in page

    response = client.post(NEW, grid([(village_a, 1, "88", "复核后提高")]))
    assert response.status_code == 302
    again = Evaluation.objects.get()
    assert (again.pk, again.score, again.grade, again.version) == (first.pk, Decimal("88.0"), "good", 2)


def test_re_rating_is_in_the_history_under_the_secretary_with_the_old_score(secretary_a, village_a):
    """Outside a request (no middleware to name the user): the service itself names him."""
    scope = oversight_services.RatingScope.for_user(secretary_a)
    row = {"subject": village_a, "version": 0, "score": Decimal("70"), "comment": "一般"}
    oversight_services.save_ratings(scope, "quarterly", 2016, 2, [row])
    row.update(version=1, score=Decimal("88"), comment="复核后提高")
    oversight_services.save_ratings(scope, "quarterly", 2016, 2, [row])

    rating = Evaluation.objects.get()
    first, second = rating.history.order_by("history_date", "history_id")
    assert (first.history_type, first.history_user, first.score, first.grade, first.comment) == (
        "+",
        secretary_a,
        Decimal("70.0"),
        "qualified",
        "一般",
    )
    assert (second.history_type, second.history_user, second.score, second.version) == (
        "~",
        secretary_a,
        Decimal("88.0"),
        2,
    )
    changes = {c.field: (c.old, c.new) for c in second.diff_against(first).changes}
    assert changes["score"] == (Decimal("70.0"), Decimal("88.0"))
    assert changes["grade"] == ("qualified", "good")


def test_a_stale_grid_writes_no_history(client, secretary_a, village_a):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, "70", "")]))
    client.post(NEW, grid([(village_a, 0, "95", "")]))  # conflict: nothing saved
    assert Evaluation.history.count() == 1


def test_list_shows_who_last_changed_each_rating(client, supervisor, secretary_a, village_a, village_b):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, "70", "")]))
    loaded = rating(village_b, "83", evaluator=secretary_a.cadre)
    loaded.history.all().delete()  # loaded in bulk: nobody to name
    client.force_login(supervisor)
    page = client.get(LIST).content.decode()
    assert "最后修改人" in page
    rows = page[page.index("<tbody") :].split("</tr>")
    changed = next(row for row in rows if "甲一村" in row)
    loaded_row = next(row for row in rows if "乙一村" in row)
    assert '<td class="last-changed-by">secretary_a</td>' in changed
    assert '<td class="last-changed-by">—</td>' in loaded_row


def test_stale_grid_gets_a_conflict_and_nothing_is_saved(client, secretary_a, village_a, village_a2):
    client.force_login(secretary_a)
    client.post(NEW, grid([(village_a, 0, "70", "")]))  # someone else rated village A meanwhile

    response = client.post(NEW, grid([(village_a, 0, "95", "我的评定"), (village_a2, 0, "80", "")]))

    assert response.status_code == 409
    page = response.content.decode()
    assert "保存冲突" in page and "甲一村" in page
    assert 'value="95"' in page  # what the rater typed is kept
    assert 'name="form-0-version" value="1"' in page  # with the saved version to overwrite deliberately
    assert Evaluation.objects.count() == 1  # village A2 was not saved either
    assert Evaluation.objects.get().score == Decimal("70.0")


@pytest.mark.parametrize(
    ("score", "comment", "message"),
    [
        ("100.5", "", "得分应在0到100之间。"),
        ("-1", "", "得分应在0到100之间。"),
        ("很好", "", "请输入数字得分"),
        ("85.25", "", "得分最多保留一位小数。"),
        ("", "只写评语", "写了评语就要填写得分。"),
    ],
)
def test_bad_scores_get_a_chinese_message_by_the_field_and_write_nothing(
    client, secretary_a, village_a, score, comment, message
):
    client.force_login(secretary_a)
    response = client.post(NEW, grid([(village_a, 0, score, comment)]))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Evaluation.objects.exists()


def test_an_empty_grid_is_refused(client, secretary_a, village_a):
    client.force_login(secretary_a)
    response = client.post(NEW, grid([(village_a, 0, "", "")]))
    assert response.status_code == 400
    assert "请至少为一个对象填写得分。" in response.content.decode()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"cycle": "half_year", "year": "2016", "period": "3"}, "半年研判的期次只能是1到2。"),
        ({"cycle": "annual", "year": "2016", "period": "2"}, "全年述职的期次只能是1到1。"),
        ({"cycle": "quarterly", "year": "2016", "period": "3"}, "这一期尚未开始，不能提前评定。"),
        ({"cycle": "quarterly", "year": "2017", "period": "1"}, "这一期尚未开始，不能提前评定。"),
        ({"cycle": "monthly", "year": "2016", "period": "1"}, "选择无效：请从列表中选择。"),
        ({"cycle": "quarterly", "year": "1999", "period": "1"}, "2000"),
    ],
)
def test_bad_periods_are_refused_on_get_and_post(client, secretary_a, village_a, period, message):
    client.force_login(secretary_a)
    response = client.get(NEW, period)
    assert response.status_code == 400
    assert message in response.content.decode()
    response = client.post(NEW, grid([(village_a, 0, "80", "")], period=period))
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_a_village_of_another_township_cannot_be_slipped_into_the_grid(
    client, secretary_a, village_a, village_b
):
    client.force_login(secretary_a)
    response = client.post(NEW, grid([(village_a, 0, "80", ""), (village_b, 0, "99", "")]))
    assert response.status_code == 400
    assert "该对象不在您的评定范围内。" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_same_subject_twice_is_refused(client, secretary_a, village_a):
    client.force_login(secretary_a)
    response = client.post(NEW, grid([(village_a, 0, "80", ""), (village_a, 0, "60", "")]))
    assert response.status_code == 400
    assert "同一对象在表中出现了两次。" in response.content.decode()
    assert not Evaluation.objects.exists()


def rating(village, score, cycle="quarterly", period=1, year=2016, cadre=None, evaluator=None):
    return Evaluation.objects.create(
        level="village_cadre" if cadre else "township_village",
        cycle=cycle,
        year=year,
        period=period,
        evaluator=evaluator,
        village=village,
        cadre=cadre,
        score=Decimal(score),
        grade="good",
        evaluated_on=dt.date(year, 4, 1),
    )


def test_list_is_scoped_per_user(
    client, secretary_a, secretary_b, village_secretary, resident_cadre, supervisor, village_a, village_b
):
    village_a2 = Village.objects.create(code="V-A2", township=village_a.township, name="甲二村")
    rating(village_a, "81", evaluator=secretary_a.cadre)
    rating(village_a2, "82", evaluator=secretary_a.cadre)
    rating(village_b, "83", evaluator=secretary_b.cadre)
    rating(village_a, "84", cadre=resident_cadre.cadre, evaluator=village_secretary.cadre)

    def seen(user):
        client.force_login(user)
        page = client.get(LIST).content.decode()
        return {s for s in ("81.0", "82.0", "83.0", "84.0") if s in page}

    assert seen(supervisor) == {"81.0", "82.0", "83.0", "84.0"}
    assert seen(secretary_a) == {"81.0", "82.0", "84.0"}
    assert seen(secretary_b) == {"83.0"}
    assert seen(village_secretary) == {"81.0", "84.0"}
    assert seen(resident_cadre) == {"84.0"}


def test_list_filters_by_year_cycle_and_period(client, supervisor, secretary_a, village_a):
    rating(village_a, "71", period=1, evaluator=secretary_a.cadre)
    rating(village_a, "72", period=2, evaluator=secretary_a.cadre)
    rating(village_a, "73", cycle="annual", period=1, evaluator=secretary_a.cadre)
    rating(village_a, "74", period=1, year=2015, evaluator=secretary_a.cadre)
    client.force_login(supervisor)
    page = client.get(LIST, {"year": "2016", "cycle": "quarterly", "period": "2"}).content.decode()
    assert "72.0" in page
    assert not [s for s in ("71.0", "73.0", "74.0") if s in page]
    page = client.get(LIST, {"year": "2015"}).content.decode()
    assert "74.0" in page and "71.0" not in page


def test_invalid_filter_shows_a_chinese_message_and_no_rows(client, supervisor, secretary_a, village_a):
    rating(village_a, "71", evaluator=secretary_a.cadre)
    client.force_login(supervisor)
    response = client.get(LIST, {"cycle": "weekly"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "筛选条件无效" in page and "71.0" not in page


def make_ratings(n, secretary):
    township = secretary.cadre.township
    start = Village.objects.count()
    for i in range(start, start + n):
        village = Village.objects.create(code=f"V-N{i}", township=township, name=f"新{i}村")
        resident = Cadre.objects.create(
            code=f"R-N{i}", name=f"驻村{i}", role="resident_cadre", township=township, village=village
        )
        rating(village, "80", evaluator=secretary.cadre)
        rating(village, "70", cadre=resident, evaluator=secretary.cadre)


@pytest.mark.parametrize("user", ["supervisor", "secretary_a"])
def test_list_query_count_does_not_grow_with_ratings(
    client, request, user, secretary_a, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(user))
    make_ratings(2, secretary_a)
    with django_assert_max_num_queries(12) as small:
        assert client.get(LIST).status_code == 200
    make_ratings(30, secretary_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST).status_code == 200


def test_grid_query_count_does_not_grow_with_villages(
    client, secretary_a, village_a, django_assert_max_num_queries
):
    client.force_login(secretary_a)
    with django_assert_max_num_queries(12) as small:
        assert client.get(NEW, Q2).status_code == 200
    for i in range(30):
        village = Village.objects.create(code=f"V-G{i}", township=village_a.township, name=f"格{i}村")
        rating(village, "80", period=2, evaluator=secretary_a.cadre)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(NEW, Q2)
    assert response.content.decode().count("rating-row") == 31
