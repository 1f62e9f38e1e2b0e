"""``python manage.py benchmark --scale small|county|province [--json]``

Builds a synthetic county (devdata/synthetic.py) in a database of its own — for
PostgreSQL ``<NAME>_bench``, for SQLite a temporary file — never the user's data; serves each
dashboard through Django's test client (at least 20 times) and reports median and p95 server
time and SQL queries per page. The benchmark database is dropped afterwards.
"""

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

from accountability.dashboards import selectors, summaries
from accountability.dashboards.selectors import Scope
from devdata import import_benchmark, synthetic
from villages import roles

MIN_RUNS = 20


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


class Command(BaseCommand):
    help = "Benchmark the dashboards on a synthetic county in a separate, temporary database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="small")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--live",
            action="store_true",
            help="measure the live queries only: do not build the summary tables",
        )
        parser.add_argument("--runs", type=int, default=MIN_RUNS, help=f"requests per page (>= {MIN_RUNS})")
        parser.add_argument(
            "--import-rows",
            type=int,
            default=0,
            help="also time a registry import of N households against loaddata of the same rows",
        )

    def handle(self, *args, **options):
        scale, runs, import_rows = options["scale"], options["runs"], options["import_rows"]
        as_json = options["json"]
        summary_tables = not options["live"]
        if runs < MIN_RUNS:
            raise CommandError(f"--runs must be at least {MIN_RUNS}")
        if import_rows < 0:
            raise CommandError("--import-rows must not be negative")

        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        tmpdir = None
        if connection.vendor == "sqlite":
            tmpdir = tempfile.TemporaryDirectory(prefix="chishui-bench-")
            bench_name = str(Path(tmpdir.name) / "bench.sqlite3")
        else:
            bench_name = f"{old_name}_bench"
        settings_dict.setdefault("TEST", {})["NAME"] = bench_name

        setup_test_environment()
        log = sys.stderr if as_json else self.stdout
        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            started = time.perf_counter()
            rows = synthetic.build(scale)
            build_seconds = time.perf_counter() - started
            log.write(f"built {scale} synthetic county in {build_seconds:.1f} s\n")
            if summary_tables:
                started = time.perf_counter()
                built = summaries.rebuild()
                log.write(f"built the summary tables ({built}) in {time.perf_counter() - started:.1f} s\n")
            pages = self.measure(runs)
            result = {
                "scale": scale,
                "database": f"{connection.vendor}:{bench_name}",
                "summary_tables": summary_tables,
                "rows": rows,
                "pages": pages,
            }
            if import_rows:
                result["import"] = import_benchmark.run(import_rows)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
            if tmpdir is not None:
                tmpdir.cleanup()

        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.report(result)

    def measure(self, runs):
        user = User.objects.create_user(username="benchmark-supervisor")
        user.groups.add(Group.objects.get_or_create(name=roles.COUNTY_SUPERVISOR)[0])
        client = Client()
        client.force_login(user)
        county = Scope()
        township = Scope(township=synthetic.Township.objects.order_by("code").first())
        week, month, quarter = (
            selectors.latest_week(county),
            selectors.latest_month(county),
            selectors.latest_quarter(county),
        )
        urls = {
            "weekly": f"/dashboard/weekly/?week={week}",
            "weekly_township": f"/dashboard/weekly/?week={week}&township={township.township.code}",
            "weekly_json": f"/dashboard/weekly/?week={week}&format=json",
            "monthly": f"/dashboard/monthly/?month={month}",
            "monthly_township": f"/dashboard/monthly/?month={month}&township={township.township.code}",
            "quarterly": f"/dashboard/quarterly/?quarter={quarter}",
            "quarterly_township": f"/dashboard/quarterly/?quarter={quarter}&township={township.township.code}",
        }
        pages = {}
        for name, url in urls.items():
            client.get(url)  # warm up: template loading, first-connection costs
            times, queries = [], set()
            for _run in range(runs):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                queries.add(len(captured))
            if len(queries) != 1:
                raise CommandError(f"{url}: the query count changed between runs: {sorted(queries)}")
            pages[name] = {
                "queries": queries.pop(),
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(percentile(times, 0.95), 1),
                "runs": runs,
            }
        return pages

    def report(self, result):
        self.stdout.write(f"scale {result['scale']} on {result['database']}")
        for model, count in result["rows"].items():
            self.stdout.write(f"  {model:<22}{count:>10,}")
        self.stdout.write(f"  {'page':<22}{'queries':>8}{'median ms':>12}{'p95 ms':>10}")
        for name, page in result["pages"].items():
            self.stdout.write(
                f"  {name:<22}{page['queries']:>8}{page['median_ms']:>12.1f}{page['p95_ms']:>10.1f}"
            )
        if "import" in result:
            figures = result["import"]
            self.stdout.write(
                f"  registry import of {figures['households']:,} households ({figures['rows']:,} rows)"
            )
            self.stdout.write(
                f"  {'import_registry':<22}{figures['import_seconds']:>8.1f} s{figures['import_rows_per_second']:>10,} rows/s"
            )
            self.stdout.write(
                f"  {'loaddata':<22}{figures['loaddata_seconds']:>8.1f} s{figures['loaddata_rows_per_second']:>10,} rows/s"
            )
