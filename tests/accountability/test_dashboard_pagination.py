"""A dashboard table with more rows than fit a page (a province's hundreds of townships)
pages on its own; the export still carries every row, and a bad page number is no error."""

import csv
import io

import pytest

from accountability.dashboards.views import PAGE_ROWS
from devdata import synthetic

pytestmark = pytest.mark.django_db

MANY = synthetic.Scale(
    townships=PAGE_ROWS + 7,
    villages=PAGE_ROWS + 7,
    households_per_village=1,
    tasks_per_township=1,
    weeks=8,
    survey_households_per_village=1,
)
URL = "/dashboard/monthly/?month=2016-06"


@pytest.fixture
def province(client, supervisor):
    synthetic.build(MANY)
    client.force_login(supervisor)
    return client


def unit_rows(response):
    return response.context["tables"]["units"]["table"].page.object_list


def test_units_table_shows_one_page_at_a_time(province):
    first = province.get(URL)
    assert len(unit_rows(first)) == PAGE_ROWS
    assert "units-page=2" in first.content.decode()
    second = province.get(URL + "&units-page=2")
    assert len(unit_rows(second)) == 7


def test_export_and_json_carry_every_row(province):
    exported = province.get(URL + "&export=csv&table=units").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported)))) == 1 + PAGE_ROWS + 7
    assert len(province.get(URL + "&format=json").json()["units"]) == PAGE_ROWS + 7


@pytest.mark.parametrize("number", ["abc", "999", "-1"])
def test_a_bad_page_number_shows_a_page_not_an_error(province, number):
    assert province.get(URL + f"&units-page={number}").status_code == 200
