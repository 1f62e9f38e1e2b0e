"""The admin's delete confirmation counts the related rows per model instead of listing each
one (a query or more per row): its query count is the same with 3 survey answers as with 60,
and the delete itself still removes the cascade."""

import datetime as dt

import pytest
from django.urls import reverse

from villages.models import Household, LivelihoodItem, SurveyAnswer, SurveyRound

pytestmark = pytest.mark.django_db
MAX_QUERIES = 12  # session, user, permissions, the object, one query per relation collected


def survey(village, answers):
    """A survey round whose ``answers`` answers come from 3 households and many items."""
    households = [
        Household.objects.create(
            code=f"H{n}",
            village=village,
            head=f"户主{n}",
            size=3,
            assistance="industry",
            registered_on=dt.date(2015, 1, 1),
        )
        for n in range(3)
    ]
    items = [
        LivelihoodItem.objects.create(code=f"L{n}", name=f"民生项目{n}", category="住房", order=n)
        for n in range((answers + 2) // 3)
    ]
    survey_round = SurveyRound.objects.create(year=2016, number=1, held_on=dt.date(2016, 6, 1))
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(round=survey_round, household=households[n % 3], item=items[n // 3], level=3)
        for n in range(answers)
    )
    return survey_round, items[0]


def delete_url(obj):
    return reverse(f"admin:villages_{obj._meta.model_name}_delete", args=[obj.pk])


@pytest.mark.parametrize("answers", [3, 60])
def test_deleting_a_survey_round_counts_its_answers(
    client, admin_user, village_a, answers, django_assert_max_num_queries
):
    survey_round, _item = survey(village_a, answers)
    client.force_login(admin_user)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(delete_url(survey_round))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"测评答卷：{answers} 条" in page
    assert "2016年第1轮" in page


@pytest.mark.parametrize("answers", [3, 60])
def test_a_livelihood_item_protected_by_answers_counts_them(
    client, admin_user, village_a, answers, django_assert_max_num_queries
):
    _round, item = survey(village_a, answers)
    client.force_login(admin_user)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(delete_url(item))

    assert response.status_code == 200
    assert "测评答卷：3 条" in response.content.decode()  # the item's own answers, protecting it
    response = client.post(delete_url(item), {"post": "yes"})
    assert LivelihoodItem.objects.filter(pk=item.pk).exists()


def test_deleting_a_survey_round_still_removes_its_answers(client, admin_user, village_a):
    survey_round, _item = survey(village_a, 30)
    client.force_login(admin_user)

    response = client.post(delete_url(survey_round), {"post": "yes"})

    assert response.status_code == 302
    assert (SurveyRound.objects.count(), SurveyAnswer.objects.count()) == (0, 0)


@pytest.mark.parametrize("answers", [6, 60])
def test_deleting_many_selected_answers_lists_a_few_and_counts_the_rest(
    client, admin_user, village_a, answers, django_assert_max_num_queries
):
    survey(village_a, answers)
    client.force_login(admin_user)
    chosen = list(SurveyAnswer.objects.values_list("pk", flat=True))

    with django_assert_max_num_queries(MAX_QUERIES + 2):  # the changelist's queryset and count
        response = client.post(
            reverse("admin:villages_surveyanswer_changelist"),
            {"action": "delete_selected", "_selected_action": chosen},
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("/change/") == min(answers, 20)  # a link to each listed answer
    assert (f"测评答卷：{answers} 条" in page) == (answers > 20)
