"""Bad input in the query string is a clear Chinese 400 page, never a 500."""

import pytest


@pytest.fixture
def logged_in(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/dashboard/weekly/?week=2016-W99", "2016年没有第99周"),
        ("/dashboard/weekly/?week=x", "周的格式应为"),
        ("/dashboard/weekly/?week=0000-W01", "年没有第1周"),
        ("/dashboard/weekly/?week=9999-W52", "年份应在"),
        ("/dashboard/monthly/?month=2016-13", "月份的格式应为"),
        ("/dashboard/monthly/?month=9999-12", "年份应在"),
        ("/dashboard/quarterly/?quarter=x", "季度的格式应为"),
        ("/dashboard/quarterly/?quarter=2016-Q5", "季度的格式应为"),
        ("/dashboard/yearly/?year=16", "年度的格式应为"),
        ("/dashboard/yearly/?year=9999", "年份应在"),
        ("/dashboard/weekly/?week=2016-W23&format=xml", "不支持的格式"),
        ("/dashboard/monthly/?month=2016-06&export=pdf&table=units", "不支持的导出格式"),
        ("/dashboard/quarterly/?quarter=2016-Q2&export=csv&table=nope", "没有名为 nope 的表格"),
        ("/dashboard/quarterly/?quarter=2016-Q2&export=csv", "没有名为  的表格"),
    ],
)
def test_bad_query_string_is_a_clear_400(logged_in, url, message):
    response = logged_in.get(url)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_no_data_falls_back_to_the_current_period(logged_in):
    for url in ("/dashboard/weekly/", "/dashboard/monthly/", "/dashboard/quarterly/", "/dashboard/yearly/"):
        response = logged_in.get(url + "?format=json")
        assert response.status_code == 200
        assert response.json()["period"]
