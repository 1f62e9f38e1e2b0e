"""A dashboard shows the first TOP_ROWS rows of a long table (a province's hundreds of
townships) with a link to the whole table, which pages on its own; the export and the JSON
still carry every row, and a bad page number is no error."""

import csv
import io

import pytest

from chishui.pagination import PAGE_ROWS, TOP_ROWS
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


def test_the_dashboard_shows_the_first_rows_and_links_to_the_whole_table(province):
    page = province.get(URL)
    rows = page.content.decode().split('id="table-units"')[1].split("</table>")[0]
    assert rows.count("<tr") == 1 + TOP_ROWS  # the header and the first rows
    assert f"全部 {PAGE_ROWS + 7} 条" in page.content.decode()
    assert 'href="/dashboard/monthly/?month=2016-06&amp;table=units"' in page.content.decode()


def unit_rows(response):
    return response.context["entry"]["table"].page.object_list


def test_the_whole_table_shows_one_page_at_a_time(province):
    first = province.get(URL + "&table=units")
    assert len(unit_rows(first)) == PAGE_ROWS
    assert "units-page=2" in first.content.decode()
    second = province.get(URL + "&table=units&units-page=2")
    assert len(unit_rows(second)) == 7


def test_an_unknown_table_is_a_400_in_chinese(province):
    response = province.get(URL + "&table=nonsense")
    assert response.status_code == 400
    assert "没有名为 nonsense 的表格" in response.content.decode()


def test_export_and_json_carry_every_row(province):
    exported = province.get(URL + "&export=csv&table=units").content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported)))) == 1 + PAGE_ROWS + 7
    assert len(province.get(URL + "&format=json").json()["units"]) == PAGE_ROWS + 7


@pytest.mark.parametrize("number", ["abc", "999", "-1"])
def test_a_bad_page_number_shows_a_page_not_an_error(province, number):
    assert province.get(URL + f"&table=units&units-page={number}").status_code == 200
