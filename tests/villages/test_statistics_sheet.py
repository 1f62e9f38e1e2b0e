"""The ``statistics`` sheet of FORMATS.md (年度统计: a township's rural registered population
and rural income per head in a year, keyed township + year) loads through the one registry
engine: the command and the upload page, all or nothing, idempotent, history on update, in
the template; the headline rates read what it loaded."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.validators import MinValueValidator
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import PASSWORD
from tests.villages.files import csv_bytes, write_xlsx
from villages import headline
from villages.dates import FIRST_YEAR, LAST_YEAR
from villages.models import Household, ImportLog, Township, TownshipStatistics
from villages.registry import engine

pytestmark = pytest.mark.django_db

HEADER = ["乡镇编码", "年度", "农村户籍人口", "农村居民人均可支配收入（元）"]
GOOD = [
    HEADER,
    ["T-A", 2015, 1000, "9000"],
    ["T-A", 2016, 1000, "9800.50"],
    ["T-B", 2015, 500, "12000"],
    ["T-B", 2016, 500, None],  # income not published yet
]

# Queries of a load of the sheet (at any number of rows below one batch of 1,000).
QUERIES_CREATE = 6
QUERIES_UPDATE = 6


def statistics_csv(rows):
    return ("statistics.csv", csv_bytes(rows))


def counts():
    return TownshipStatistics.objects.count(), TownshipStatistics.history.count()


def figures():
    return {
        (s.township.code, s.year): (s.rural_population, s.income_per_head)
        for s in TownshipStatistics.objects.select_related("township")
    }


def test_a_good_load_creates_the_rows_and_a_reload_writes_nothing_new(township_a, township_b):
    report = engine.load([statistics_csv(GOOD)])
    assert report.ok, report.errors
    assert report.written
    assert report.counts["statistics"] == {"create": 4, "update": 0, "unchanged": 0}
    assert figures() == {
        ("T-A", 2015): (1000, Decimal("9000.00")),
        ("T-A", 2016): (1000, Decimal("9800.50")),
        ("T-B", 2015): (500, Decimal("12000.00")),
        ("T-B", 2016): (500, None),
    }
    assert counts() == (4, 4)  # each row created with its history record
    record = TownshipStatistics.history.first()
    assert record.history_change_reason == engine.CHANGE_REASON

    again = engine.load([statistics_csv(GOOD)])
    assert again.ok, again.errors
    assert again.counts["statistics"] == {"create": 0, "update": 0, "unchanged": 4}
    assert counts() == (4, 4)


def test_the_english_keys_are_headers_too_and_the_year_may_be_text(township_a):
    rows = [["township", "year", "rural_population", "income_per_head"], ["T-A", "2016", "1,200", "10500"]]
    report = engine.load([statistics_csv(rows)])
    # "1,200" is not an integer: the population column takes whole numbers only
    assert not report.written
    assert report.errors == ["statistics.csv row 2, rural_population: “1,200”不是整数。"]

    rows[1][2] = "1200"
    report = engine.load([statistics_csv(rows)])
    assert report.written, report.errors
    assert figures() == {("T-A", 2016): (1200, Decimal("10500.00"))}


def test_a_changed_row_updates_the_statistics_with_history(township_a, township_b):
    assert engine.load([statistics_csv(GOOD)]).written
    changed = [row[:] for row in GOOD]
    changed[2] = ["T-A", 2016, 1010, "9900"]  # the bureau revised T-A's 2016 figures
    changed[4] = ["T-B", 2016, 500, "12600"]  # and published T-B's income

    report = engine.load([statistics_csv(changed)])
    assert report.written, report.errors
    assert report.counts["statistics"] == {"create": 0, "update": 2, "unchanged": 2}
    assert figures()[("T-A", 2016)] == (1010, Decimal("9900.00"))
    assert figures()[("T-B", 2016)] == (500, Decimal("12600.00"))
    assert counts() == (4, 6)
    revised = TownshipStatistics.objects.get(township=township_a, year=2016)
    new, old = revised.history.all()[:2]
    assert (old.rural_population, old.income_per_head) == (1000, Decimal("9800.50"))
    assert (new.rural_population, new.history_change_reason) == (1010, engine.CHANGE_REASON)


def test_planted_errors_name_every_bad_cell_and_write_nothing(township_a, township_b):
    assert engine.load([statistics_csv(GOOD[:2])]).written  # T-A 2015 already stored
    before = counts()
    rows = [
        HEADER + ["备注"],
        ["T-A", 2016, 1000, "9800", ""],  # a good row: not written either
        ["T-X", 2016, 800, "9000", ""],  # unknown township
        ["T-B", 2016, 0, "9000", ""],  # population 0
        ["T-B", 2015, 500, "-1", ""],  # negative income
        ["T-A", 1999, 1000, "9000", ""],  # year outside villages.dates' range
        ["T-A", "二〇一六", 1000, "9000", ""],  # not a year at all
        ["T-A", 2016, 1000, "9800", ""],  # T-A 2016 again (row 2)
        ["T-A", 2015, 1000, "9000", "1,000 人"],  # stored row, unchanged; data in the unknown column
    ]
    report = engine.load([statistics_csv(rows)])

    assert not report.written
    assert counts() == before
    assert figures() == {("T-A", 2015): (1000, Decimal("9000.00"))}
    with translation.override("zh-hans"):  # the messages of the model's own validators
        year_range = gettext("年份应在 %(min)s 至 %(max)s 之间。") % {"min": FIRST_YEAR, "max": LAST_YEAR}
        at_least = {n: str(MinValueValidator(n).message) % {"limit_value": n} for n in (0, 1)}
    where = "statistics.csv row"
    assert report.errors == [
        f"{where} 1, 备注: 未知的列名（本表可用的列：township/乡镇编码、year/年度、"
        "rural_population/农村户籍人口、income_per_head/农村居民人均可支配收入（元））",
        f"{where} 3, 乡镇编码: 乡镇编码“T-X”不存在（本次导入和系统中都没有）。",
        f"{where} 4, 农村户籍人口: {at_least[1]}",
        f"{where} 5, 农村居民人均可支配收入（元）: {at_least[0]}",
        f"{where} 6, 年度: {year_range}",
        f"{where} 7, 年度: “二〇一六”不是整数。",
        f"{where} 8, 乡镇编码: 编码“T-A/2016”与第 2 行重复。",
    ]


def test_a_workbook_with_townships_and_statistics_loads_then_headline_reads_them(tmp_path):
    path = write_xlsx(
        tmp_path / "registry.xlsx",
        {
            "乡镇": [["编码", "名称", "类型"], ["T01", "旺隆镇", "镇"], ["T02", "宝源乡", "乡"]],
            "村": [["编码", "乡镇编码", "名称"], ["V01", "T01", "红花村"], ["V02", "T02", "白杨村"]],
            "贫困户": [
                ["户编号", "村编码", "户主姓名", "家庭人口", "帮扶类型", "识别日期", "脱贫日期"],
                ["H1", "V01", "张三", 4, "产业扶持", dt.date(2014, 5, 1), dt.date(2016, 6, 30)],
                ["H2", "V01", "李四", 3, "产业扶持", dt.date(2014, 5, 1), None],
                ["H3", "V02", "王五", 2, "产业扶持", dt.date(2015, 1, 1), None],
            ],
            "年度统计": [
                HEADER,
                ["T01", 2015, 1000, 9000],
                ["T01", 2016, 1000, 9500],
                ["T02", 2015, 500, 12000],
                ["T02", 2016, 500, 12500],
            ],
        },
    )
    call_command("import_registry", str(path))  # statistics load in the same transaction
    assert TownshipStatistics.objects.count() == 4
    assert Household.objects.count() == 3

    result = headline.headline(dt.date(2016, 12, 31), Township.objects.order_by("code"))
    total = result["total"]
    # End of 2016: H2 (3) + H3 (2) poor of 1,500; end of 2015: 4 + 3 + 2 = 9.
    assert total["rural_population"] == 1500
    assert total["poverty_incidence_percent"] == round(5 * 100 / 1500, 2)
    assert total["previous_poverty_incidence_percent"] == round(9 * 100 / 1500, 2)
    assert total["rural_income_per_head_yuan"] == round((9500 * 1000 + 12500 * 500) / 1500, 2)
    assert total["missing_statistics"] == []


def test_the_template_has_the_statistics_sheet_after_tasks_and_before_the_organization_sheets(
    tmp_path,
):
    path = tmp_path / "template.xlsx"
    call_command("import_registry", "--template", str(path))

    workbook = openpyxl.load_workbook(path)
    names = workbook.sheetnames
    assert names.index("任务") + 1 == names.index("年度统计") < names.index("党组织")
    sheet = workbook["年度统计"]
    assert [cell.value for cell in sheet[1]] == HEADER
    notes = [cell.comment.text for cell in sheet[1]]
    assert notes[0].startswith("key: township\n必填")
    assert notes[1] == f"key: year\n必填\n{FIRST_YEAR}–{LAST_YEAR}"
    assert notes[3].startswith("key: income_per_head\n选填")
    keys = [spec.key for spec in engine.specs()]
    assert keys.index("tasks") + 1 == keys.index("statistics") < keys.index("party_orgs")


@pytest.fixture
def admin_client(client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_the_upload_page_previews_then_writes_the_statistics(admin_client, township_a, township_b):
    name, data = statistics_csv(GOOD)
    preview = admin_client.post(
        reverse("villages:registry_import"), {"files": SimpleUploadedFile(name, data)}
    )
    assert preview.status_code == 200
    assert 'data-kind="statistics"' in preview.content.decode()
    assert TownshipStatistics.objects.count() == 0  # a preview writes nothing

    token = preview.context["token"]
    done = admin_client.post(reverse("villages:registry_import_confirm"), {"token": token})
    assert done.status_code == 302
    assert TownshipStatistics.objects.count() == 4
    assert ImportLog.objects.get().counts["statistics"]["create"] == 4


def test_the_upload_page_refuses_a_bad_statistics_file_and_writes_nothing(admin_client, township_a):
    name, data = statistics_csv([HEADER, ["T-A", 2016, 0, "9000"]])
    response = admin_client.post(
        reverse("villages:registry_import"), {"files": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400
    assert "statistics.csv row 2, 农村户籍人口" in response.content.decode()
    assert TownshipStatistics.objects.count() == 0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_upload_page_names_every_sheet_the_engine_loads(admin_client, language):
    admin_client.cookies["django_language"] = language
    with translation.override(language):
        page = admin_client.get(reverse("villages:registry_import"), HTTP_ACCEPT_LANGUAGE=language)
        titles = [str(spec.title) for spec in engine.specs()]
    content = page.content.decode()
    separator = "、" if language == "zh-hans" else ", "
    assert separator.join(titles) in content
    assert ("年度统计" if language == "zh-hans" else "Yearly statistics") in titles


@pytest.mark.parametrize("townships", [2, 40])
def test_query_count_of_a_statistics_load_does_not_grow_with_rows(townships, django_assert_num_queries):
    Township.objects.bulk_create(
        Township(code=f"T{i:03d}", name=f"镇{i}", kind=Township.Kind.TOWN) for i in range(townships)
    )
    rows = [HEADER] + [
        [f"T{i:03d}", year, 1000 + i, "9000"] for i in range(townships) for year in (2015, 2016)
    ]
    with django_assert_num_queries(QUERIES_CREATE):  # savepoint, stored rows, townships, insert, history
        assert engine.load([statistics_csv(rows)]).written
    rows = [rows[0]] + [[*row[:2], row[2] + 1, row[3]] for row in rows[1:]]
    with django_assert_num_queries(QUERIES_UPDATE):  # every row changed: one UPDATE and its history
        assert engine.load([statistics_csv(rows)]).counts["statistics"]["update"] == 2 * townships
