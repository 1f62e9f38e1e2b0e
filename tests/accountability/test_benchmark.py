"""``manage.py benchmark --scale small --json`` builds its own database, serves every
dashboard at least 20 times and prints one JSON object; the user's database is untouched.
That test runs the command in a subprocess because the separate database is the point."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_benchmark_small_prints_one_json_object_with_import_figures_and_leaves_the_database_alone():
    from django.db import connection

    result = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "--scale", "small", "--json", "--import-rows", "300"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"scale", "database", "summary_tables", "rows", "pages", "import"}
    assert report["summary_tables"] is True
    figures = report["import"]
    assert figures["households"] == 300 and figures["rows"] > 300
    assert figures["import_rows_per_second"] > 0 and figures["loaddata_rows_per_second"] > 0
    assert report["scale"] == "small" and "bench" in report["database"]
    assert report["rows"]["township"] == 3 and report["rows"]["progressreport"] > 0
    assert {"weekly", "monthly", "quarterly"} <= set(report["pages"])
    for page in report["pages"].values():
        assert page["runs"] >= 20
        assert isinstance(page["queries"], int) and page["queries"] > 0
        assert 0 < page["median_ms"] <= page["p95_ms"]
    bench_name = report["database"].split(":", 1)[1]
    if connection.vendor == "postgresql":  # the benchmark database was dropped afterwards
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
            assert cursor.fetchone() is None
    else:
        assert not Path(bench_name).exists()


def test_benchmark_refuses_fewer_than_20_runs():
    # the argument check comes before any database is made: no subprocess needed
    with pytest.raises(CommandError, match="at least 20"):
        call_command("benchmark", "--scale", "small", "--runs", "5")
