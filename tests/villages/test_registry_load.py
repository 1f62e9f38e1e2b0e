"""Loading the county registry from real spreadsheet files (FORMATS.md) through the one
engine, villages.registry.load."""

import datetime as dt
from decimal import Decimal

import pytest

from accountability.models import Task
from tests.villages.files import SAMPLE, csv_bytes, households_csv, write_sample_csvs, write_xlsx
from villages.models import Cadre, Household, ImportLog, Township, Unit, Village
from villages.registry import engine as registry

MODELS = [Township, Village, Household, Cadre, Task]


def counts():
    return (
        {m.__name__: m.objects.count() for m in MODELS}
        | {f"history_{m.__name__}": m.history.count() for m in MODELS}
        | {"Unit": Unit.objects.count()}
    )


def load_paths(*paths, **kwargs):
    return registry.load([(p.name, p) for p in paths], **kwargs)


@pytest.fixture
def sample_xlsx(tmp_path):
    return write_xlsx(tmp_path / "registry.xlsx", SAMPLE)


@pytest.mark.django_db
def test_xlsx_with_chinese_headers_and_labels_loads_all_five_sheets(sample_xlsx):
    report = load_paths(sample_xlsx)

    assert report.ok, report.errors
    assert report.written
    assert report.counts == {
        "townships": {"create": 2, "update": 0, "unchanged": 0},
        "villages": {"create": 3, "update": 0, "unchanged": 0},
        "households": {"create": 3, "update": 0, "unchanged": 0},
        "cadres": {"create": 3, "update": 0, "unchanged": 0},
        "tasks": {"create": 2, "update": 0, "unchanged": 0},
    }
    t01 = Township.objects.get(code="T01")
    assert (t01.name, t01.kind, t01.poverty, t01.exited_on) == ("旺隆镇", "town", True, dt.date(2016, 12, 20))
    v02 = Village.objects.get(code="V02")
    assert (v02.township, v02.kind, v02.poverty) == (t01, "community", False)
    h001 = Household.objects.get(code="H001")
    assert (h001.village.code, h001.size, h001.assistance) == ("V01", 4, "industry")
    assert (h001.registered_on, h001.exited_on, h001.income) == (
        dt.date(2014, 5, 1),
        dt.date(2016, 10, 1),
        Decimal("3500.50"),
    )
    assert Household.objects.get(code="H002").income is None
    c01 = Cadre.objects.get(code="C01")
    assert (c01.role, c01.unit.name, c01.phone) == ("township_secretary", "旺隆镇人民政府", "13800000001")
    c03 = Cadre.objects.get(code="C03")
    assert (c03.village.code, c03.team_slot, c03.unit.name) == ("V01", "agri_cadre", "市农牧局")
    k02 = Task.objects.get(code="K02")
    assert (k02.factor, k02.household, k02.owner, k02.due_on, k02.target) == (
        "industry",
        h001,
        c03,
        dt.date(2016, 8, 31),
        Decimal("1.00"),
    )
    # created rows appear in the audit history
    assert Household.history.filter(history_type="+").count() == 3
    assert Task.history.filter(code="K01", history_type="+").exists()


@pytest.mark.django_db
def test_gbk_csv_files_load(tmp_path):
    paths = write_sample_csvs(tmp_path, encoding="gbk")
    assert "旺隆镇".encode("gbk") in paths[0].read_bytes()

    report = load_paths(*paths)

    assert report.ok, report.errors
    assert Township.objects.get(code="T01").name == "旺隆镇"
    assert Cadre.objects.get(code="C02").name == "刘支书"


@pytest.mark.django_db
def test_utf8_bom_csv_loads_with_english_headers_and_keys(tmp_path):
    rows = [
        ["code", "name", "kind", "poverty", "exited_on"],
        ["T09", "长期镇", "subdistrict", "yes", "2016-1-5"],
        ["T10", "两河口乡", "township", "0", ""],
    ]
    path = tmp_path / "townships.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_bytes(rows))

    report = load_paths(path)

    assert report.ok, report.errors
    t09 = Township.objects.get(code="T09")
    assert (t09.kind, t09.poverty, t09.exited_on) == ("subdistrict", True, dt.date(2016, 1, 5))
    assert Township.objects.get(code="T10").poverty is False


@pytest.mark.django_db
def test_files_given_in_the_wrong_order_load_in_dependency_order(tmp_path):
    paths = write_sample_csvs(tmp_path)

    report = load_paths(*reversed(paths))

    assert report.ok, report.errors
    assert [s.kind for s in report.sheets] == ["townships", "villages", "households", "cadres", "tasks"]
    assert Task.objects.count() == 2


@pytest.mark.django_db
def test_reloading_the_same_file_changes_nothing(sample_xlsx):
    assert load_paths(sample_xlsx).written
    before = counts()

    report = load_paths(sample_xlsx)

    assert report.ok, report.errors
    assert counts() == before
    assert all(c["create"] == 0 and c["update"] == 0 for c in report.counts.values())
    assert report.counts["households"]["unchanged"] == 3


@pytest.mark.django_db
def test_changed_row_is_updated_and_appears_in_history_others_left_alone(sample_xlsx, tmp_path, admin_user):
    load_paths(sample_xlsx)
    other = Household.objects.create(
        code="H999",
        village=Village.objects.get(code="V02"),
        head="不在表中",
        size=1,
        assistance="ecology",
        registered_on=dt.date(2015, 1, 1),
    )
    changed = {k: [list(r) for r in v] for k, v in SAMPLE.items()}
    changed["贫困户"][2][3] = 3  # 李四: 2 people -> 3
    changed["贫困户"][2][6] = "2016-11-15"  # and left poverty

    report = load_paths(write_xlsx(tmp_path / "changed.xlsx", changed), user=admin_user)

    assert report.counts["households"] == {"create": 0, "update": 1, "unchanged": 2}
    h002 = Household.objects.get(code="H002")
    assert (h002.size, h002.exited_on) == (3, dt.date(2016, 11, 15))
    latest = h002.history.first()
    assert (latest.history_type, latest.history_user, latest.size) == ("~", admin_user, 3)
    assert latest.prev_record.size == 2
    assert Household.objects.get(pk=other.pk).head == "不在表中"
    assert other.history.count() == 1  # only its own creation


@pytest.mark.django_db
def test_optional_column_absent_from_file_is_left_alone_on_update(tmp_path):
    load_paths(
        write_csv_rows(
            tmp_path / "townships.csv",
            [["编码", "名称", "类型", "贫困乡镇", "摘帽日期"], ["T05", "复兴镇", "镇", "是", "2016-12-01"]],
        )
    )
    report = load_paths(
        write_csv_rows(tmp_path / "townships.csv", [["编码", "名称", "类型"], ["T05", "复兴镇（新）", "镇"]])
    )
    assert report.counts["townships"]["update"] == 1
    t05 = Township.objects.get(code="T05")
    assert (t05.name, t05.poverty, t05.exited_on) == ("复兴镇（新）", True, dt.date(2016, 12, 1))


def write_csv_rows(path, rows, encoding="utf-8"):
    path.write_bytes(csv_bytes(rows, encoding))
    return path


@pytest.mark.django_db
def test_rows_may_refer_to_rows_already_in_the_database(village_a, tmp_path):
    path = write_csv_rows(
        tmp_path / "households.csv",
        [
            ["code", "village", "head", "size", "assistance", "registered_on"],
            ["H100", village_a.code, "钱六", 3, "ecology", "2015-06-01"],
        ],
    )
    report = load_paths(path)
    assert report.ok, report.errors
    assert Household.objects.get(code="H100").village == village_a


@pytest.mark.django_db
def test_file_with_many_errors_reports_every_one_and_writes_nothing(tmp_path, township_a, village_b):
    """Every kind of problem at once: all listed as `SHEET row N, column: message`, nothing written."""
    bad = {
        "乡镇": [
            ["编码", "名称", "类型", "贫困乡镇", "摘帽日期", "备注"],  # unknown column
            ["T01", "旺隆镇", "大镇", "也许", "2016-13-40", "x"],  # choice, boolean, date
            ["T02", "", "乡", "否", "2016-12-01", ""],  # missing name; exit without poverty
            ["T01", "重复", "镇", "否", None, ""],  # duplicate code
        ],
        "村": [
            ["编码", "乡镇编码", "名称"],
            ["V01", "T99", "无乡村"],  # unknown township
        ],
        "贫困户": [
            ["户编号", "村编码", "户主姓名", "家庭人口", "帮扶类型", "识别日期", "脱贫日期", "人均纯收入"],
            [
                "H001",
                "V01",
                "张三",
                0,
                "产业扶持",
                "2016-05-01",
                "2015-01-01",
                -5,
            ],  # size, exit before, income
            ["H002", "V01", "李四", "三", "扶贫", "昨天", None, "很多"],  # not int, choice, date, number
        ],
        "干部": [
            ["编号", "姓名", "职务类型", "乡镇编码", "村编码", "驻村身份", "联系电话"],
            ["C01", "赵驻村", "驻村干部", township_a.code, None, None, "1380000"],  # no village, bad phone
            ["C02", "钱书记", "村党组织书记", None, None, "涉农干部", None],  # no village, slot
            ["C03", "孙书记", "校长", township_a.code, None, None, None],  # unknown role
        ],
        "任务": [
            [
                "任务编号",
                "任务名称",
                "脱贫要素",
                "乡镇编码",
                "村编码",
                "户编号",
                "责任人编号",
                "完成时限",
                "目标值",
            ],
            ["K01", "修路", "项目", township_a.code, village_b.code, None, "C-none", "2016/09/30", 0],
        ],
    }
    before = counts()

    report = load_paths(write_xlsx(tmp_path / "bad.xlsx", bad))

    assert not report.written
    assert counts() == before
    assert not ImportLog.objects.exists()  # logging is the caller's step, and this was not written either
    errors = report.errors
    expected = [
        "乡镇 row 1, 备注:",
        "乡镇 row 2, 类型:",
        "乡镇 row 2, 贫困乡镇:",
        "乡镇 row 2, 摘帽日期:",
        "乡镇 row 3, 名称:",
        "乡镇 row 3, 摘帽日期:",
        "乡镇 row 4, 编码:",
        "村 row 2, 乡镇编码:",
        "贫困户 row 2, 家庭人口:",
        "贫困户 row 2, 人均纯收入:",
        "贫困户 row 3, 家庭人口:",
        "贫困户 row 3, 帮扶类型:",
        "贫困户 row 3, 识别日期:",
        "贫困户 row 3, 人均纯收入:",
        "干部 row 2, 村编码:",
        "干部 row 2, 联系电话:",
        "干部 row 3, 村编码:",
        "干部 row 3, 驻村身份:",
        "干部 row 4, 职务类型:",
        "任务 row 2, 村编码:",
        "任务 row 2, 责任人编号:",
        "任务 row 2, 完成时限:",
        "任务 row 2, 目标值:",
    ]
    for prefix in expected:
        assert any(e.startswith(prefix) for e in errors), (prefix, errors)
    # the exit-before-registration rule is only checked once both dates parse; H001's do
    assert any(e.startswith("贫困户 row 2, 脱贫日期:") for e in errors), errors
    assert "C-none" in next(e for e in errors if e.startswith("任务 row 2, 责任人编号:"))


@pytest.mark.django_db
def test_village_outside_the_tasks_township_and_household_outside_its_village_are_reported(
    tmp_path, village_a, village_b, secretary_a
):
    household = Household.objects.create(
        code="H-B",
        village=village_b,
        head="乙户",
        size=2,
        assistance="industry",
        registered_on=dt.date(2015, 1, 1),
    )
    path = write_csv_rows(
        tmp_path / "tasks.csv",
        [
            ["code", "title", "factor", "township", "village", "household", "owner", "due_on", "target"],
            [
                "K1",
                "跨乡任务",
                "policy",
                village_a.township.code,
                village_b.code,
                None,
                "C-secretary_a",
                "2016-09-30",
                1,
            ],
            [
                "K2",
                "跨村户",
                "policy",
                village_a.township.code,
                village_a.code,
                household.code,
                "C-secretary_a",
                "2016-09-30",
                1,
            ],
            [
                "K3",
                "户无村",
                "policy",
                village_a.township.code,
                None,
                household.code,
                "C-secretary_a",
                "2016-09-30",
                1,
            ],
        ],
    )
    report = load_paths(path)
    assert not report.written
    assert Task.objects.count() == 0
    assert any(e.startswith("tasks.csv row 2, village:") for e in report.errors), report.errors
    assert any(e.startswith("tasks.csv row 3, household:") for e in report.errors), report.errors
    assert any(e.startswith("tasks.csv row 4, household:") for e in report.errors), report.errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("registry.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "不是有效的 Excel"),
        ("townships.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "不是文本格式"),
        ("townships.csv", b"", "空文件"),
        ("registry.xlsx", b"", "空文件"),
        ("townships.csv", "编码,名称,类型\n".encode(), "没有数据行"),
        ("photo.png", b"\x89PNG", "只能导入"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("people.csv", b"code\n1\n", "无法从文件名"),
    ],
)
def test_files_that_cannot_be_loaded_get_a_clear_message(name, data, needle):
    report = registry.load([(name, data)])
    assert not report.written
    assert any(needle in e for e in report.errors), report.errors
    assert Township.objects.count() == 0


@pytest.mark.django_db
def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "MAX_FILE_BYTES", 100)
    path = tmp_path / "households.csv"
    path.write_bytes(households_csv(10))
    report = load_paths(path)
    assert not report.written
    assert "超过" in report.errors[0] and "households.csv" in report.errors[0]


@pytest.mark.django_db
def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(registry, "MAX_ROWS", 5)
    report = registry.load([("households.csv", households_csv(6))])
    assert not report.written
    assert "上限" in report.errors[0]


@pytest.mark.django_db
def test_unknown_sheet_name_in_a_workbook_is_an_error(tmp_path):
    report = load_paths(write_xlsx(tmp_path / "r.xlsx", {"乡镇表": [["编码"], ["T1"]]}))
    assert not report.written
    assert report.errors[0].startswith("乡镇表 row 1")


@pytest.mark.django_db
def test_dry_run_reports_counts_and_writes_nothing(sample_xlsx):
    report = load_paths(sample_xlsx, write=False)
    assert report.ok and not report.written
    assert report.counts["villages"]["create"] == 3
    assert counts() == dict.fromkeys(counts(), 0)


def load_households_with_queries(village, count, django_assert_max_num_queries, limit):
    data = households_csv(count, village=village.code)
    with django_assert_max_num_queries(limit):
        report = registry.load([("households.csv", data)])
    assert report.written, report.errors
    return report


@pytest.mark.django_db
# Both sizes fit in one INSERT batch on every backend (SQLite allows 999 parameters per
# statement: about 70 history rows); beyond that, statements grow per batch of rows, never per row.
@pytest.mark.parametrize("count", [5, 60])
def test_query_count_of_a_load_does_not_grow_with_rows(count, village_a, django_assert_max_num_queries):
    # savepoint, existing codes, referenced villages, insert rows, insert history rows, the
    # satisfaction results' households counted again per village and per unit (delete, read,
    # insert: villages/satisfaction/tallies.py; no unit here, so nothing to insert), the
    # headline's ledger of the township written again (its township, delete, read, insert:
    # villages/headline.py), whether the exit summary table is built
    # (accountability/summaries.py), release
    load_households_with_queries(village_a, count, django_assert_max_num_queries, 16)
    assert Household.objects.count() == count
    # a re-load with every row changed: existing, refs, one UPDATE, one history INSERT, the
    # households counted again and their answers' tallies given their village and unit (one
    # UPDATE), the ledger (4), summary check
    changed = households_csv(count, village=village_a.code).replace(b"2015-01-01", b"2015-02-01")
    with django_assert_max_num_queries(17):
        report = registry.load([("households.csv", changed)])
    assert report.counts["households"]["update"] == count


@pytest.mark.django_db
def test_workbook_with_only_headers_has_no_data_rows(tmp_path):
    headers_only = {title: rows[:1] for title, rows in SAMPLE.items()}
    report = load_paths(write_xlsx(tmp_path / "r.xlsx", headers_only))
    assert report.errors == ["r.xlsx 没有数据行。"]
