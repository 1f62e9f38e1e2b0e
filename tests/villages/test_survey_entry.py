"""Collecting a round (C2): supervisors open and close rounds; a survey worker finds a
household of his villages by code or head's name, fills its 23 items on one screen and may
correct them until the round is closed; every change is audited; bad input writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.villages.satisfaction_factories import ITEMS, household, load_items, survey_round
from villages.models import LivelihoodOutcome, OutreachEvent, SurveyAnswer, SurveyRound
from villages.satisfaction import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(db):
    return load_items()


@pytest.fixture
def place(survey_worker, secretary_b, items):
    village_a = survey_worker.cadre.village
    village_b = secretary_b.cadre.township.villages.create(code="V-B1", name="乙一村")
    return {
        "round": survey_round(),
        "a": household(village_a, "H-A1", head="王大山"),
        "a2": household(village_a, "H-A2", head="王小河"),
        "b": household(village_b, "H-B1", head="王乙"),
    }


def all_items(items, level):
    return {f"item_{item.code}": str(level) for item in items}


def entry_url(place, code="H-A1"):
    return reverse("villages:survey_entry", args=[place["round"].pk, code])


def test_the_survey_has_the_23_items_of_the_fixture(items):
    assert len(items) == ITEMS


def test_survey_worker_fills_one_household_on_one_screen(client, survey_worker, items, place):
    client.force_login(survey_worker)
    page = client.get(entry_url(place)).content.decode()
    assert page.count('type="radio"') == 3 * ITEMS
    assert "住房安全" in page and "王大山" in page

    data = all_items(items, 3) | {f"item_{items[0].code}": "1", f"item_{items[1].code}": ""}
    response = client.post(entry_url(place), data)
    assert response.status_code == 302
    answers = dict(SurveyAnswer.objects.filter(household=place["a"]).values_list("item__code", "level"))
    assert len(answers) == ITEMS - 1  # the empty item was not asked
    assert answers[items[0].code] == 1 and items[1].code not in answers
    history = SurveyAnswer.history.filter(household_id=place["a"].pk)
    assert history.count() == ITEMS - 1
    assert {h.history_user_id for h in history} == {survey_worker.pk}


def test_answers_are_correctable_until_the_round_closes_and_each_change_is_audited(
    client, survey_worker, supervisor, items, place
):
    client.force_login(survey_worker)
    client.post(entry_url(place), all_items(items, 3))
    client.post(entry_url(place), all_items(items, 3) | {f"item_{items[2].code}": "2"})
    corrected = SurveyAnswer.objects.get(household=place["a"], item=items[2])
    assert corrected.level == 2
    assert [h.level for h in corrected.history.order_by("history_date")] == [3, 2]

    client.force_login(supervisor)
    assert client.post(reverse("villages:survey_round_close", args=[place["round"].pk])).status_code == 302
    place["round"].refresh_from_db()
    assert place["round"].closed

    client.force_login(survey_worker)
    page = client.get(entry_url(place)).content.decode()
    assert "本轮测评已结束，答卷只读。" in page and "disabled" in page
    before = list(SurveyAnswer.objects.values_list("pk", "level"))
    response = client.post(entry_url(place), all_items(items, 1))
    assert response.status_code == 403
    assert list(SurveyAnswer.objects.values_list("pk", "level")) == before


def test_a_closed_round_refuses_answers_in_the_model_too(place, items):
    place["round"].closed = True
    place["round"].save()
    answer = SurveyAnswer(round=place["round"], household=place["a"], item=items[0], level=3)
    with pytest.raises(ValidationError, match="已结束"):
        answer.full_clean()
    with pytest.raises(ValidationError):
        services.record_answers(place["round"], place["a"], {items[0].pk: 3})
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "至少要填写一项满意度。"),
        ({"item_housing": "4"}, "请选择满意、基本满意或不满意。"),
        ({"item_housing": "很好"}, "请选择满意、基本满意或不满意。"),
    ],
)
def test_bad_answers_get_a_chinese_message_and_write_nothing(client, survey_worker, place, data, message):
    client.force_login(survey_worker)
    response = client.post(entry_url(place), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_search_finds_by_code_or_head_only_in_the_workers_villages(client, survey_worker, place):
    client.force_login(survey_worker)
    url = reverse("villages:survey")
    by_name = client.get(url, {"q": "王"}).content.decode()
    assert "H-A1" in by_name and "H-A2" in by_name and "H-B1" not in by_name
    by_code = client.get(url, {"q": "H-A2"}).content.decode()
    assert "王小河" in by_code and "王大山" not in by_code
    assert "在您的测评范围内没有找到这一户。" in client.get(url, {"q": "H-B1"}).content.decode()


def test_pending_lists_the_households_not_yet_surveyed(client, survey_worker, items, place):
    client.force_login(survey_worker)
    client.post(entry_url(place), all_items(items, 3), follow=True)
    url = reverse("villages:survey_pending", args=[place["round"].pk])
    page = client.get(url, {"village": "V-A1"}).content.decode()
    assert "H-A2" in page and "H-A1" not in page and "H-B1" not in page
    assert client.get(url, {"township": "T-A"}).status_code == 200
    assert client.get(url, {"village": "V-B1"}).status_code == 404  # not his village
    assert client.get(url, {"township": "T-B"}).status_code == 404


def test_no_open_round_says_so(client, survey_worker, place):
    SurveyRound.objects.update(closed=True)
    client.force_login(survey_worker)
    assert "目前没有进行中的测评轮次。" in client.get(reverse("villages:survey")).content.decode()


def test_supervisor_opens_a_round_and_bad_rounds_are_refused(client, supervisor, place):
    client.force_login(supervisor)
    url = reverse("villages:survey_rounds")
    ok = client.post(url, {"year": "2016", "number": "2", "held_on": "2016-08-10", "ends_on": "2016-08-31"})
    assert ok.status_code == 302
    assert SurveyRound.objects.filter(year=2016, number=2, ends_on=dt.date(2016, 8, 31)).exists()
    for data, message in [
        ({"year": "2016", "number": "1", "held_on": "2016-04-10"}, "该年度的这一轮测评已经开启。"),
        ({"year": "2016", "number": "4", "held_on": "2016-12-10"}, "轮次只能是 1、2 或 3"),
        ({"year": "2016", "number": "3", "held_on": "2017-01-10"}, "测评日期必须在所填年度内。"),
        (
            {"year": "2016", "number": "3", "held_on": "2016-11-10", "ends_on": "2016-11-01"},
            "结束日期不能早于测评日期。",
        ),
    ]:
        before = SurveyRound.objects.count()
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert SurveyRound.objects.count() == before


def test_entry_page_queries_do_not_grow_with_the_household_count(
    client, survey_worker, items, place, django_assert_max_num_queries
):
    client.force_login(survey_worker)
    with django_assert_max_num_queries(16) as small:
        client.get(entry_url(place))
        client.get(reverse("villages:survey"), {"q": "王"})
    for n in range(30):
        household(place["a"].village, f"H-X{n:02}", head="王")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(entry_url(place))
        client.get(reverse("villages:survey"), {"q": "王"})


def test_outreach_and_outcome_pages_record_and_refuse_bad_input(client, supervisor, place):
    client.force_login(supervisor)
    village_a, village_b = place["a"].village, place["b"].village
    url = reverse("villages:outreach_new")
    data = {
        "kind": "longmenzhen",
        "title": "百姓龙门阵",
        "township": village_a.township_id,
        "village": village_b.pk,  # another township's village
        "held_on": "2016-05-01",
        "attendance": "35",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400 and "该村不属于所选乡镇。" in refused.content.decode()
    assert not OutreachEvent.objects.exists()
    assert client.post(url, data | {"village": village_a.pk}).url == "/satisfaction/?year=2016"
    assert OutreachEvent.objects.get().attendance == 35

    outcome = {"kind": "online_shop", "village": village_a.pk, "people": "0", "started_on": "2016-07-01"}
    refused = client.post(reverse("villages:outcome_new"), outcome)
    assert refused.status_code == 400 and not LivelihoodOutcome.objects.exists()
    assert client.post(reverse("villages:outcome_new"), outcome | {"people": "2"}).status_code == 302
    assert LivelihoodOutcome.objects.get().people == 2
