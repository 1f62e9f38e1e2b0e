"""Money on the dashboards is grouped by thousands in Chinese as in English."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_grouped_money_reads_with_thousands_separators(language):
    with translation.override(language):
        rendered = Template('{{ funds|floatformat:"2g" }}').render(Context({"funds": 11357000}))
    assert rendered == "11,357,000.00"


def test_plain_numbers_and_dates_keep_the_chinese_formats():
    with translation.override("zh-hans"):
        rendered = Template("{{ n }} {{ d|date }}").render(Context({"n": 1234567, "d": dt.date(2016, 9, 5)}))
    assert rendered == "1234567 2016年9月5日"


def test_money_columns_show_wan_on_the_page_and_keep_yuan_in_exports():
    from accountability.dashboards.tables import MonthlyUnitTable

    row = {
        "code": "T1",
        "name": "甲镇",
        "month": {"pairing_funds": 1460000.0},
        "year_to_date": {"pairing_funds": 11357000.0, "collective_funds": 0.0},
        "targets": {},
    }
    table = MonthlyUnitTable([row])
    with translation.override("zh-hans"):
        cells = dict(zip([c.name for c in table.columns], table.rows[0], strict=True))
        assert cells["m_pairing"] == "146.00" and cells["y_pairing"] == "1,135.70"
        assert str(table.columns["y_pairing"].header) == "累计结对资金（万元）"
        header, values = list(table.as_values())
    assert "累计结对资金（万元）" not in header
    assert values[header.index("累计结对资金（元）")] == 11357000.0
    assert values[header.index("本月结对资金（元）")] == 1460000.0


def test_the_wan_filter_shows_yuan_in_wan():
    rendered = Template("{% load money %}{{ a|wan }} {{ b|wan }}").render(Context({"a": 36000000, "b": None}))
    assert rendered == "3,600.00 None"
