"""The quarterly selector (the inspections' groups as plain tuples, the survey's shares put
in each unit's row in integer arithmetic) gives the dict its code before gave
(``quarterly_reference``), byte for byte as JSON: the page, its JSON and its exports."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User

from accountability.dashboards import selectors, summaries
from accountability.models import Finding
from accountability.oversight import services as oversight_services
from accountability.periods import Quarter
from devdata import synthetic
from tests.accountability import quarterly_reference
from tests.committed import committed_county
from villages.models import Township, Village

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("quarterly-county")]

QUARTERS = [Quarter(2015, 4), Quarter(2016, 1), Quarter(2016, 2), Quarter(2016, 3), Quarter(2016, 4)]


def build_county():
    """The small county with its summary tables, and more inspections in 2016-Q2 than it
    holds (three, no serious finding): in two townships and one village, findings of every
    severity and category, some past their rectification deadline."""
    synthetic.build("small")
    summaries.rebuild()
    reporter = User.objects.get(username__endswith="-synthetic-reporter")
    first, second = Township.objects.order_by("code")[:2]
    village = Village.objects.filter(township=second).order_by("code").first()
    places = [{"township": first}, {"township": second}, {"village": village}, {"township": first}]
    for n, place in enumerate(places):
        severities = [Finding.Severity.MINOR, Finding.Severity.SERIOUS, Finding.Severity.OK]
        findings = [
            {  # one finding per category, severities in turn
                "category": category,
                "severity": severities[(n + c) % 3],
                "description": f"问题{n}-{category}",
                "rectify_by": None
                if severities[(n + c) % 3] == Finding.Severity.OK
                else dt.date(2016, 5, 10 + n),
            }
            for c, category in enumerate(Finding.Category.values[: 3 + n % 3])
        ]
        oversight_services.record_inspection(
            reporter,
            {"kind": "unannounced", "held_on": dt.date(2016, 4, 20 + n), "summary": f"暗查{n}", **place},
            findings,
        )


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with committed_county(django_db_blocker, build_county):
        yield


def scopes():
    township = Township.objects.order_by("code")[1]
    village = Village.objects.filter(township=township).order_by("code").first()
    return [selectors.Scope(), selectors.Scope(township=township), selectors.Scope(township, village)]


def as_json(data):
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("use_summaries", [True, False], ids=["summary-tables", "live"])
@pytest.mark.parametrize("quarter", QUARTERS, ids=str)
def test_the_quarterly_dict_is_the_one_before(county, quarter, use_summaries):
    for scope in scopes():
        for limit in (selectors.LIST_LIMIT, None, 1):
            new = selectors.quarterly_dashboard(scope, quarter, use_summaries, overdue_limit=limit)
            before = quarterly_reference.quarterly_dashboard(
                scope, quarter, use_summaries, overdue_limit=limit
            )
            assert as_json(new) == as_json(before), (scope.level, limit)


def test_the_county_has_what_the_comparison_needs(county):
    # inspections with findings of every severity, evaluations, actions and survey answers
    # in the quarters compared, so that each part of the dict is compared on real rows
    data = selectors.quarterly_dashboard(selectors.Scope(), Quarter(2016, 2))
    assert data["summary"]["inspections"] and data["summary"]["serious_findings"]
    assert data["summary"]["findings"] > data["summary"]["serious_findings"]
    assert data["overdue_rectifications"]["total"] > 1
    assert data["summary"]["evaluations"] and data["summary"]["survey_answers"]
    assert len({share for unit in data["satisfaction"]["units"] for share in unit["items"]}) > 5


def test_a_share_in_integers_is_pcts_float_rounding():
    # every count of answers up to 700 and every count of them satisfied, the ties
    # (an exact half tenth: 1 of 8, 49 of 400) included
    for answers in range(1, 701):
        for content in range(answers + 1):
            share = selectors._share(content, answers)
            assert repr(share) == repr(selectors._pct(content, answers)), (content, answers)
    for content, answers in [(1, 8), (49, 400), (3, 8), (7, 16), (10**9 + 7, 10**10)]:
        assert repr(selectors._share(content, answers)) == repr(selectors._pct(content, answers))
