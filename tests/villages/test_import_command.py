"""python manage.py import_registry: exit codes, output, dry run, template, import log."""

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from tests.villages.files import SAMPLE, write_csv, write_sample_csvs, write_xlsx
from villages.models import Household, ImportLog, Township


@pytest.mark.django_db
def test_command_loads_files_and_logs_the_load(tmp_path, capsys, admin_user):
    paths = write_sample_csvs(tmp_path)

    call_command("import_registry", *map(str, paths), "--user", admin_user.username)

    out = capsys.readouterr().out
    assert "households (households.csv): 3 rows — create 3, update 0, unchanged 0" in out
    assert Household.objects.count() == 3
    entry = ImportLog.objects.get()
    assert (entry.user, entry.succeeded, entry.source) == (admin_user, True, "command")
    assert entry.files == [p.name for p in paths]
    assert entry.counts["townships"] == {"create": 2, "update": 0, "unchanged": 0}
    assert Household.history.first().history_user == admin_user


@pytest.mark.django_db
def test_command_exits_non_zero_lists_every_problem_and_writes_nothing(tmp_path, capsys):
    bad = write_csv(
        tmp_path / "townships.csv", [["编码", "名称", "类型"], ["T1", "甲", "市"], ["T2", "", "乡"]]
    )

    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_registry", str(bad))

    err = capsys.readouterr().err
    assert "townships.csv row 2, 类型:" in err
    assert "townships.csv row 3, 名称:" in err
    assert Township.objects.count() == 0
    entry = ImportLog.objects.get()
    assert not entry.succeeded and len(entry.errors) == 2


@pytest.mark.django_db
def test_command_exit_code_is_non_zero_from_the_shell(tmp_path):
    """CommandError becomes exit status 1 when run as `manage.py import_registry`."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = os.environ.copy()
    if connection.vendor == "postgresql":  # the test database has the tables (and no rows)
        conf = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST'] or 'localhost'}:{conf['PORT'] or 5432}"
            f"/{conf['NAME']}"
        )
    else:  # SQLite's test database lives in memory: give the command a copy of it in a file
        # (SQLite's backup API copies the migrated tables, without running the migrations again)
        import sqlite3

        copy = tmp_path / "shell.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        env["DATABASE_URL"] = f"sqlite:///{copy}"
    bad = write_csv(tmp_path / "villages.csv", [["code", "township", "name"], ["V1", "NOPE", "村"]])
    result = subprocess.run(
        [sys.executable, str(manage), "import_registry", "--dry-run", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 1, result.stderr
    assert "villages.csv row 2, township:" in result.stderr


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_keeps_no_log(tmp_path, capsys):
    call_command("import_registry", "--dry-run", str(write_xlsx(tmp_path / "r.xlsx", SAMPLE)))
    assert "create 3" in capsys.readouterr().out
    assert Township.objects.count() == 0
    assert not ImportLog.objects.exists()


@pytest.mark.django_db
def test_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="not found"):
        call_command("import_registry", str(tmp_path / "nope.xlsx"))


@pytest.mark.django_db  # the surveys sheet has one column per livelihood item in the database
def test_template_is_an_empty_workbook_with_every_sheet_in_load_order(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_registry", "--template", str(path))

    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[:6] == ["乡镇", "村", "贫困户", "干部", "任务", "年度统计"]
    assert workbook.sheetnames[-3:] == ["宣传培训", "增收成效", "满意度测评"]  # loaded last
    households = workbook["贫困户"]
    assert [c.value for c in households[1]] == [
        "户编号",
        "村编码",
        "户主姓名",
        "家庭人口",
        "帮扶类型",
        "识别日期",
        "脱贫日期",
        "人均纯收入",
    ]
    assert households.max_row == 1
    assert "key: assistance" in households["E1"].comment.text
    assert "industry（产业扶持）" in households["E1"].comment.text


@pytest.mark.django_db
def test_filled_in_template_loads(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_registry", "--template", str(path))
    workbook = openpyxl.load_workbook(path)
    workbook["乡镇"].append(["T7", "葫市镇", "镇", "否", None])
    workbook["村"].append(["V7", "T7", "云台村", None, None, None])
    workbook.save(path)

    call_command("import_registry", str(path))

    assert Township.objects.get(code="T7").villages.get().name == "云台村"
