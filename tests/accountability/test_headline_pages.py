"""The headline rates on the pages: the monthly dashboard's JSON keys and the yearly view,
for each scope (villages/headline.py is tested on its own in tests/villages/test_headline.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from villages.models import Household, TownshipStatistics
from villages.satisfaction.services import households_written

D = dt.date


@pytest.fixture
def data(township_a, township_b, village_a, village_b):
    def hh(code, village, size, registered_on, exited_on=None):
        Household.objects.create(
            code=code, village=village, head="户主", size=size, assistance="industry",
            registered_on=registered_on, exited_on=exited_on,
        )  # fmt: skip

    hh("A1", village_a, 10, D(2014, 1, 1), D(2016, 5, 1))
    hh("A2", village_a, 20, D(2014, 1, 1))
    hh("B1", village_b, 5, D(2014, 1, 1))
    households_written()  # as every write of households ends
    for year, pop_a, pop_b in ((2015, 1000, 500), (2016, 1000, 500)):
        TownshipStatistics.objects.create(
            township=township_a, year=year, rural_population=pop_a, income_per_head=Decimal("9500")
        )
        TownshipStatistics.objects.create(
            township=township_b, year=year, rural_population=pop_b, income_per_head=Decimal("12500")
        )


def test_monthly_json_carries_the_headline_for_the_county(client, supervisor, data):
    client.force_login(supervisor)
    body = client.get("/dashboard/monthly/?month=2016-12&format=json").json()
    # end 2016: 25 of 1,500 poor; end 2015: 35 of 1,500
    assert body["poverty_incidence_percent"] == round(25 * 100 / 1500, 2)
    assert body["poverty_incidence_change_points"] == round(25 * 100 / 1500 - 35 * 100 / 1500, 2)
    assert body["rural_income_per_head_yuan"] == round((9500 * 1000 + 12500 * 500) / 1500, 2)
    by_code = {u["code"]: u["headline"] for u in body["units"]}
    assert by_code["T-A"]["poverty_incidence_percent"] == 2.0
    assert by_code["T-B"]["poverty_incidence_percent"] == 1.0


def test_monthly_json_of_a_township_and_of_a_village(client, secretary_a, data):
    client.force_login(secretary_a)
    body = client.get("/dashboard/monthly/?month=2016-12&format=json").json()
    assert body["scope"]["level"] == "township"
    assert body["poverty_incidence_percent"] == 2.0
    assert body["poverty_incidence_change_points"] == -1.0
    assert body["rural_income_per_head_yuan"] == 9500.0
    village = client.get("/dashboard/monthly/?month=2016-12&village=V-A1&format=json").json()
    assert village["poverty_incidence_percent"] is None  # statistics are kept per township


def test_a_month_inside_the_year_compares_with_the_last_year_end(client, supervisor, data):
    client.force_login(supervisor)
    body = client.get("/dashboard/monthly/?month=2016-04&format=json").json()
    assert body["poverty_incidence_percent"] == round(35 * 100 / 1500, 2)
    assert body["poverty_incidence_change_points"] == 0.0


def test_yearly_view_lists_townships_and_years(client, supervisor, data):
    client.force_login(supervisor)
    body = client.get("/dashboard/yearly/?year=2016&format=json").json()
    assert [u["code"] for u in body["units"]] == ["T-A", "T-B"]
    assert body["income_line_yuan"] == 10000
    years = {row["year"]: row for row in body["by_year"]}
    assert set(years) == {2015, 2016}
    assert years[2015]["total"] == round(35 * 100 / 1500, 2)
    assert {t["code"]: t["percent"] for t in years[2016]["townships"]} == {"T-A": 2.0, "T-B": 1.0}
    page = client.get("/dashboard/yearly/?year=2016")
    assert page.status_code == 200
    assert "chart-yearly-incidence" in page.content.decode()


def test_yearly_view_without_statistics_says_so(client, supervisor, data):
    client.force_login(supervisor)
    body = client.get("/dashboard/yearly/?year=2030&format=json").json()
    assert body["poverty_incidence_percent"] is None
    assert body["headline"]["missing_statistics"] == ["T-A", "T-B"]
    page = client.get("/dashboard/yearly/?year=2030").content.decode()
    assert "缺少本年或上年的年度统计" in page


def test_yearly_view_defaults_to_the_latest_year_with_statistics(client, supervisor, data):
    client.force_login(supervisor)
    assert client.get("/dashboard/yearly/?format=json").json()["period"] == "2016"
