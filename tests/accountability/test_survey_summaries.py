"""Survey answers written by villages' pages and sheets keep accountability's survey summary
exact (villages cannot import accountability: it subscribes with on_answers_written)."""

import pytest

from tests.accountability.test_summaries import assert_summaries_equal_live, county  # noqa: F401
from tests.villages.files import csv_bytes
from villages.models import LivelihoodItem, SurveyAnswer, SurveyRound
from villages.registry import engine as registry
from villages.satisfaction import services

pytestmark = pytest.mark.django_db


def test_answers_entered_on_the_page_keep_the_survey_summary_exact(county):  # noqa: F811
    answer = SurveyAnswer.objects.select_related("round", "household").filter(level=3)[0]
    items = LivelihoodItem.objects.all()
    services.record_answers(answer.round, answer.household, {item.pk: 1 for item in items})
    assert_summaries_equal_live()


def test_answers_loaded_from_the_surveys_sheet_keep_the_survey_summary_exact(county):  # noqa: F811
    answer = SurveyAnswer.objects.select_related("round", "household", "item").filter(level=3)[0]
    survey_round = SurveyRound.objects.get(pk=answer.round_id)
    sheet = csv_bytes(
        [
            ["household", "year", "round", "held_on", answer.item.code],
            [
                answer.household.code,
                survey_round.year,
                survey_round.number,
                survey_round.held_on.isoformat(),
                1,
            ],
        ]
    )
    report = registry.load([("surveys.csv", sheet)])
    assert report.ok, report.errors
    assert_summaries_equal_live()
