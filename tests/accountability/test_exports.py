"""CSV (UTF-8 with BOM) and XLSX downloads of list and dashboard tables carry what the page
shows, as raw numbers, and never a live formula (one export path: accountability.exports)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook

from accountability import periods
from accountability.dashboards.tables import ByMonthTable
from accountability.exports import SpreadsheetExport, escape_formula
from accountability.models import Problem
from devdata import demo, synthetic
from tests.accountability.tasks_factories import freeze_today, make_report, make_task
from villages.models import LivelihoodItem

FORMULA = '=HYPERLINK("http://x","y")'


def by_month(*rows):
    return ByMonthTable(
        [{"month": month, "households_exited": h, "people_exited": p} for month, h, p in rows]
    )


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content):
    """Every row of the first sheet as openpyxl cells (value and data type)."""
    return list(load_workbook(io.BytesIO(content)).active.iter_rows())


def test_csv_starts_with_a_bom_and_keeps_chinese():
    data = SpreadsheetExport("csv", by_month(("2016-01", 3, 9))).export()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["月份,脱贫户数,脱贫人数", "2016-01,3,9"]


def test_exports_have_the_headers_the_page_shows_and_raw_numbers():
    table = by_month(("2016-01", 1234567, 9))
    assert csv_rows(SpreadsheetExport("csv", table).export()) == [
        ["月份", "脱贫户数", "脱贫人数"],
        ["2016-01", "1234567", "9"],
    ]
    header, row = xlsx_cells(SpreadsheetExport("xlsx", table).export())
    assert [c.value for c in header] == ["月份", "脱贫户数", "脱贫人数"]
    assert [(c.value, c.data_type) for c in row] == [("2016-01", "s"), (1234567, "n"), (9, "n")]


@pytest.mark.parametrize("text", [FORMULA, "=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_is_escaped(text):
    assert escape_formula(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-3, -2.5, Decimal("-1.50"), 0, None, "", "甲镇", "1-2", "a=b", dt.date(2016, 1, 1)]
)
def test_numbers_dates_and_plain_text_are_kept(value):
    assert escape_formula(value) == value


def test_negative_numbers_stay_numbers_and_formulas_become_text():
    table = by_month((FORMULA, -3, -2.5), ("-2016", 0, 1))
    rows = csv_rows(SpreadsheetExport("csv", table).export())
    assert rows[1:] == [["'" + FORMULA, "-3", "-2.5"], ["'-2016", "0", "1"]]
    _, formula, text = xlsx_cells(SpreadsheetExport("xlsx", table).export())
    assert [(c.value, c.data_type) for c in formula] == [("'" + FORMULA, "s"), (-3, "n"), (-2.5, "n")]
    assert (text[0].value, text[0].data_type) == ("'-2016", "s")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_problem_titled_as_a_formula_is_text_in_the_supervisors_export(
    client, supervisor, secretary_a, township_a, village_a, fmt
):
    Problem.objects.create(
        township=township_a,
        village=village_a,
        factor="industry",
        description=FORMULA,
        raised_by=secretary_a,
        raised_on=dt.date(2016, 6, 1),
        resolution="@cmd",
    )
    client.force_login(supervisor)
    response = client.get(reverse("accountability:problem_list"), {"export": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="problems.{fmt}"'
    if fmt == "csv":
        header, row = csv_rows(response.content)
        values = dict(zip(header, row, strict=True))
        assert values["已转任务数"] == "0"
    else:
        header, cells = xlsx_cells(response.content)
        assert all(c.data_type != "f" for c in cells)
        values = dict(zip([c.value for c in header], [c.value for c in cells], strict=True))
        assert values["已转任务数"] == 0  # a number, not text
    assert values["问题描述"] == "'" + FORMULA
    assert values["解决情况"] == "'@cmd"
    assert values["乡镇"] == township_a.name


@pytest.mark.django_db
def test_task_list_xlsx_has_the_csv_columns_with_numbers_and_dates(
    client, monkeypatch, secretary_a, village_a, today
):
    freeze_today(monkeypatch, today)
    task = make_task(secretary_a, "A-01", village=village_a, title="-负数开头的任务", target=40)
    make_report(task, periods.week_start(today), 10, secretary_a)
    make_task(secretary_a, "A-02", due_on=dt.date(2016, 6, 1))
    client.force_login(secretary_a)
    response = client.get(reverse("accountability:task_list"), {"export": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="tasks.xlsx"'
    header, *rows = xlsx_cells(response.content)
    assert [c.value for c in header] == [
        "任务编号", "任务名称", "乡镇", "村", "脱贫要素", "责任人", "完成时限",
        "目标值", "最新进度（%）", "状态", "本周填报", "逾期",
    ]  # fmt: skip
    overdue, reported = ([c.value for c in row] for row in rows)  # by deadline
    assert overdue[0] == "A-02" and overdue[3] is None and overdue[8:] == [None, "未开始", "未填报", "是"]
    assert reported[:4] == ["A-01", "'-负数开头的任务", "甲镇", village_a.name]
    assert reported[6:] == ["2016-09-30", 40, 25, "进行中", "已填报", "否"]
    assert rows[1][7].data_type == rows[1][8].data_type == "n"


# What the export tests need: every township and village in the unit tables, and more than
# one task not reported in 2016-W23 (the long list cut at one row): a tenth of the small
# county's households, under half its weeks of reports.
EXPORT_COUNTY = synthetic.Scale(
    townships=2,
    villages=6,
    households_per_village=6,
    tasks_per_township=15,
    weeks=24,
    survey_households_per_village=1,
)


@pytest.fixture(scope="class")
def small_county(django_db_setup, django_db_blocker):
    """A small synthetic county, built once for the dashboard export tests (they only read
    it; committed) and removed after them, so other tests start from an empty database."""
    with django_db_blocker.unblock():
        synthetic.build(EXPORT_COUNTY)
        yield
        demo.clear()
        User.objects.filter(username__endswith="-synthetic-reporter").delete()
        LivelihoodItem.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.usefixtures("small_county")
@pytest.mark.xdist_group("small-county-exports")  # one worker builds the county once
class TestDashboardExports:
    def test_csv_download_of_the_weekly_units_table(self, client, supervisor):
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

    def test_xlsx_download_of_the_monthly_units_table(self, client, supervisor):
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

    def test_export_of_a_long_list_carries_every_row(self, client, supervisor, monkeypatch):
        from accountability.dashboards import selectors

        client.force_login(supervisor)
        monkeypatch.setattr(selectors, "LIST_LIMIT", 1)
        total = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()["summary"]["not_reported"]
        assert total > 1
        response = client.get("/dashboard/weekly/?week=2016-W23&export=csv&table=not_reported")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) - 1 == total
