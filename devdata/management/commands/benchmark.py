"""``python manage.py benchmark --scale small|county|province [--json] [--load]``

Builds a synthetic county (devdata/synthetic.py) in a database of its own — for
PostgreSQL ``<NAME>_bench``, for SQLite a temporary file — never the user's data; serves each
page through Django's test client (at least 20 times) with production settings (DEBUG off,
template debugging off, the file cache of settings.py in a temporary directory), after the
start-up every gunicorn worker makes (chishui/startup.py ``ready_to_serve``), and reports
median and p95 server time and SQL queries per page. The dashboards, the satisfaction results
and the organization overview are measured as users meet them, from the cache after the
first request, and cold (``<name>_cold``: the first request after a weekly report's write,
which makes every cached page stale but the headline; the pages that read the headline also
as ``<name>_households_cold``, after a write of households: the cache emptied).

``--load`` then starts gunicorn (3 workers, on 127.0.0.1 only, a free port, DEBUG off)
against the same database, drives ``--clients`` concurrent clients (threads of the standard
library's http.client, a logged-in session cookie, keep-alive where the server keeps the
connection) for ``--seconds`` per page, reports requests per second, p50/p95 latency and
errors, and stops gunicorn. The benchmark database is dropped afterwards, unless ``--keep``
(PostgreSQL): then ``--reuse`` measures it again without building it (a province takes tens
of minutes to build), and drops it unless ``--keep`` is given again.
"""

import copy
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

from accountability.dashboards import selectors, summaries
from accountability.dashboards.selectors import Scope
from accountability.models import Task
from chishui import cache as shared_cache
from chishui.startup import ready_to_serve
from devdata import import_benchmark, load, synthetic
from villages import roles
from villages.models import Cadre

MIN_RUNS = 20
# The cached pages also measured cold: the first visitor after a weekly report's write, the
# most frequent write (before each request, what ``summaries.changed`` of a report
# invalidates: every cached piece but the headline, kept under the households version).
COLD = ("weekly", "monthly", "quarterly", "yearly", "satisfaction", "organization", "task_list")
# The pages that read the headline (villages/headline.py) also measured after a write of
# households, returns or statistics, rarer (the registry, the admin): the cache emptied.
HOUSEHOLDS_COLD = ("monthly", "yearly")


def analyze(connection):
    """Gather the planner's statistics of every table, as autovacuum does soon after a load
    this size: without them a fresh database is planned blind (a nested loop of one index
    scan per survey answer instead of a hash join), a state a real database does not stay in."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def after_a_report():
    """What a weekly report's write invalidates (``summaries.changed`` of a report): every
    cached page, not the headline."""
    shared_cache.invalidate(households=False)


def percentile(values, fraction):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def production_settings(cache_dir):
    """DEBUG off, templates without debugging information (the cached loader is Django's
    default), the file cache of settings.py in ``cache_dir``."""
    templates = copy.deepcopy(settings.TEMPLATES)
    for engine in templates:
        engine.setdefault("OPTIONS", {})["debug"] = False
    return override_settings(
        DEBUG=False,
        TEMPLATES=templates,
        CACHES={
            "default": {
                "BACKEND": "chishui.cache.FileCache",
                "LOCATION": str(cache_dir),
                "OPTIONS": {"MAX_ENTRIES": 20_000},
            }
        },
    )


class Command(BaseCommand):
    help = "Benchmark the pages on a synthetic county in a separate, temporary database."

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
        parser.add_argument(
            "--load",
            action="store_true",
            help="also serve the pages with gunicorn (3 workers, 127.0.0.1) to concurrent clients",
        )
        parser.add_argument(
            "--profile",
            metavar="PAGE",
            help="also print a cProfile of 5 requests of this page (e.g. weekly) with the cache emptied, on stderr",
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="PostgreSQL: keep the benchmark database afterwards (for --reuse)",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="PostgreSQL: measure the database a --keep run left, without building it",
        )
        parser.add_argument("--clients", type=int, default=20, help="concurrent clients with --load")
        parser.add_argument(
            "--seconds", type=float, default=20, help=f"seconds per page with --load (<= {load.MAX_SECONDS})"
        )

    def handle(self, *args, **options):
        scale, runs, import_rows = options["scale"], options["runs"], options["import_rows"]
        as_json = options["json"]
        summary_tables = not options["live"]
        if runs < MIN_RUNS:
            raise CommandError(f"--runs must be at least {MIN_RUNS}")
        if import_rows < 0:
            raise CommandError("--import-rows must not be negative")
        if options["load"]:
            load.check(options["clients"], options["seconds"])
        keep, reuse = options["keep"], options["reuse"]
        if (keep or reuse) and connection.vendor != "postgresql":
            raise CommandError("--keep and --reuse need PostgreSQL (SQLite's database is a temporary file)")

        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        tmpdir = tempfile.TemporaryDirectory(prefix="chishui-bench-")
        if connection.vendor == "sqlite":
            bench_name = str(Path(tmpdir.name) / "bench.sqlite3")
        else:
            bench_name = f"{old_name}_bench"
        settings_dict.setdefault("TEST", {})["NAME"] = bench_name

        setup_test_environment()
        log = sys.stderr if as_json else self.stdout
        try:
            if reuse:
                connection.close()
                settings_dict["NAME"] = bench_name
                rows = synthetic.row_counts()
                log.write(f"measuring the kept database {bench_name}\n")
            else:
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
                started = time.perf_counter()
                rows = synthetic.build(scale)
                build_seconds = time.perf_counter() - started
                log.write(f"built {scale} synthetic county in {build_seconds:.1f} s\n")
                if summary_tables:
                    started = time.perf_counter()
                    built = summaries.rebuild()
                    log.write(
                        f"built the summary tables ({built}) in {time.perf_counter() - started:.1f} s\n"
                    )
                analyze(connection)
            with production_settings(Path(tmpdir.name) / "cache"):
                user, pages, urls = self.measure(runs)
                if options["profile"]:
                    self.profile(urls, options["profile"])
            result = {
                "scale": scale,
                "database": f"{connection.vendor}:{bench_name}",
                "summary_tables": summary_tables,
                "rows": rows,
                "pages": pages,
            }
            if import_rows:
                result["import"] = import_benchmark.run(import_rows)
            if options["load"]:
                targets = {name: urls[name] for name in load.PAGES}
                result["load"] = load.run(
                    connection, user, targets, options["clients"], options["seconds"], Path(tmpdir.name), log
                )
        finally:
            if keep:
                connection.close()
                settings_dict["NAME"] = old_name
                log.write(f"kept the database {bench_name} (measure it again with --reuse)\n")
            else:
                connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
            tmpdir.cleanup()

        if as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.report(result)

    def urls(self):
        county = Scope()
        township = Scope(township=synthetic.Township.objects.order_by("code").first())
        week, month, quarter, year = (
            selectors.latest_week(county),
            selectors.latest_month(county),
            selectors.latest_quarter(county),
            selectors.latest_year(county),
        )
        code = township.township.code
        tasks = Task.objects.order_by("pk").values_list("pk", flat=True)
        task = tasks[tasks.count() // 2]
        return {
            "weekly": f"/dashboard/weekly/?week={week}",
            "weekly_township": f"/dashboard/weekly/?week={week}&township={code}",
            "weekly_json": f"/dashboard/weekly/?week={week}&format=json",
            "monthly": f"/dashboard/monthly/?month={month}",
            "monthly_township": f"/dashboard/monthly/?month={month}&township={code}",
            "quarterly": f"/dashboard/quarterly/?quarter={quarter}",
            "quarterly_township": f"/dashboard/quarterly/?quarter={quarter}&township={code}",
            "yearly": f"/dashboard/yearly/?year={year or synthetic.YEAR}",
            "organization": "/organization/",
            "satisfaction": "/satisfaction/",
            "year_end": f"/year-end/{synthetic.YEAR}/",
            "task_list": "/tasks/",
            "task": f"/tasks/{task}/",
        }

    def measure(self, runs):
        user = User.objects.get_or_create(username="benchmark-supervisor")[0]
        user.groups.add(Group.objects.get_or_create(name=roles.COUNTY_SUPERVISOR)[0])
        client = Client()
        client.force_login(user)
        urls = self.urls()
        # what a gunicorn worker does before its first request (chishui/wsgi.py)
        ready_to_serve()
        pages = {}
        for name, url in urls.items():
            pages[name] = self.measure_page(client, url, runs)
        for name in COLD:
            pages[f"{name}_cold"] = self.measure_page(client, urls[name], runs, cold=after_a_report)
        for name in HOUSEHOLDS_COLD:
            pages[f"{name}_households_cold"] = self.measure_page(client, urls[name], runs, cold=cache.clear)
        # the task list as the first township's secretary meets it (his tasks, his 提醒 panel)
        secretary = Client()
        secretary.force_login(self.township_secretary())
        pages["task_list_secretary"] = self.measure_page(secretary, urls["task_list"], runs)
        pages["task_list_secretary_cold"] = self.measure_page(
            secretary, urls["task_list"], runs, cold=after_a_report
        )
        return user, pages, urls

    def township_secretary(self):
        """A login for the first township's secretary (the synthetic cadres have none)."""
        cadre = (
            Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY)
            .order_by("township__code", "code")
            .first()
        )
        user = User.objects.get_or_create(username="benchmark-secretary")[0]
        user.groups.add(Group.objects.get_or_create(name=roles.TOWNSHIP_SECRETARY)[0])
        cadre.user = user
        cadre.save(update_fields=["user"])
        return user

    def profile(self, urls, name):
        if name not in urls:
            raise CommandError(f"--profile: no page {name!r} (pages: {', '.join(urls)})")
        user = User.objects.get(username="benchmark-supervisor")
        client = Client()
        client.force_login(user)
        profiler = cProfile.Profile()
        for _run in range(5):
            cache.clear()
            profiler.runcall(client.get, urls[name])
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)

    def measure_page(self, client, url, runs, cold=None):
        """``cold``: called before each request (what a write invalidates)."""
        client.get(url)  # warm up: template loading, first-connection costs, the cache
        times, queries = [], set()
        for _run in range(runs):
            if cold:
                cold()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            queries.add(len(captured))
        if len(queries) != 1:
            raise CommandError(f"{url}: the query count changed between runs: {sorted(queries)}")
        return {
            "queries": queries.pop(),
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "runs": runs,
        }

    def report(self, result):
        self.stdout.write(f"scale {result['scale']} on {result['database']}")
        for model, count in result["rows"].items():
            self.stdout.write(f"  {model:<22}{count:>10,}")
        self.stdout.write(f"  {'page':<22}{'queries':>8}{'median ms':>12}{'p95 ms':>10}")
        for name, page in result["pages"].items():
            self.stdout.write(
                f"  {name:<22}{page['queries']:>8}{page['median_ms']:>12.1f}{page['p95_ms']:>10.1f}"
            )
        if "load" in result:
            figures = result["load"]
            self.stdout.write(
                f"  under load: gunicorn, {figures['workers']} workers, {figures['clients']} clients, "
                f"{figures['seconds']:g} s a page"
            )
            self.stdout.write(f"  {'page':<22}{'req/s':>8}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
            for name, page in figures["pages"].items():
                self.stdout.write(
                    f"  {name:<22}{page['requests_per_second']:>8.1f}{page['p50_ms']:>10.1f}"
                    f"{page['p95_ms']:>10.1f}{page['errors']:>8}"
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
