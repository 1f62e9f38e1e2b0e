"""CSV (UTF-8 with BOM) and XLSX downloads of dashboard tables carry what the page shows."""

import csv
import io

import pytest
from openpyxl import load_workbook

from accountability.dashboards.tables import ByMonthTable
from accountability.exports import csv_bytes, table_rows
from devdata import synthetic


def test_csv_starts_with_a_bom_and_keeps_chinese():
    data = csv_bytes([["乡镇", "户数"], ["甲镇", 3]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["乡镇,户数", "甲镇,3"]


def test_table_rows_have_the_headers_the_page_shows():
    rows = table_rows(ByMonthTable([{"month": "2016-01", "households_exited": 3, "people_exited": 9}]))
    assert rows == [["月份", "脱贫户数", "脱贫人数"], ["2016-01", 3, 9]]


@pytest.mark.django_db
def test_csv_download_of_the_weekly_units_table(client, supervisor):
    synthetic.build("small")
    client.force_login(supervisor)
    json_units = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()["units"]
    response = client.get("/dashboard/weekly/?week=2016-W23&export=csv&table=units")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="weekly-2016-W23-units.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["单位", "在办任务", "本周到期"]
    assert [r[0] for r in rows[1:]] == [u["name"] for u in json_units]
    assert [int(r[1]) for r in rows[1:]] == [u["active"] for u in json_units]


@pytest.mark.django_db
def test_xlsx_download_of_the_monthly_units_table(client, supervisor):
    synthetic.build("small")
    client.force_login(supervisor)
    data = client.get("/dashboard/monthly/?month=2016-06&format=json").json()
    response = client.get("/dashboard/monthly/?month=2016-06&export=xlsx&table=units")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("单位", "本月脱贫户")
    assert [(r[0], r[1]) for r in rows[1:]] == [
        (u["name"], u["month"]["households_exited"]) for u in data["units"]
    ]


@pytest.mark.django_db
def test_export_of_a_long_list_carries_every_row(client, supervisor, monkeypatch):
    from accountability.dashboards import selectors

    synthetic.build("small")
    client.force_login(supervisor)
    monkeypatch.setattr(selectors, "LIST_LIMIT", 1)
    total = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()["summary"]["not_reported"]
    assert total > 1
    response = client.get("/dashboard/weekly/?week=2016-W23&export=csv&table=not_reported")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) - 1 == total
