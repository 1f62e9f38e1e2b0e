"""Benchmark figure for the registry import (FORMATS.md, issue 5): rows per second loading
households through ``villages.registry.load`` (the engine behind ``import_registry``), next
to Django's ``loaddata`` of the same rows as a JSON fixture. The rows come from the one
synthetic generator (``devdata.synthetic.registry_rows``).

Both runs happen in the current database inside a transaction that is rolled back, so
nothing stays behind (sequences may advance; gaps in ids are harmless). ``loaddata`` saves
one row at a time and writes no audit history; the registry load writes history rows too.
"""

import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from devdata import synthetic
from villages import registry


class _Rollback(Exception):
    pass


def _timed_and_rolled_back(action):
    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = action()
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, result


def run(households=100_000, villages=None):
    """Time both loads; returns rows, seconds and rows per second for each."""
    villages = villages or max(1, min(1000, households // 100))
    sheets = synthetic.registry_rows(households, villages)
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        paths = synthetic.write_registry_sheets(directory, sheets)

        def load():
            report = registry.load([(p.name, p) for p in paths], write=True)
            if not report.written:
                raise RuntimeError("benchmark load failed: " + "; ".join(report.errors[:5]))
            return report

        import_seconds, _report = _timed_and_rolled_back(load)
        fixture = synthetic.write_registry_fixture(Path(directory) / "registry_bench.json", sheets)
        loaddata_seconds, _ = _timed_and_rolled_back(
            lambda: call_command("loaddata", str(fixture), verbosity=0)
        )
    return {
        "households": households,
        "rows": sheets.rows,
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_second": round(sheets.rows / import_seconds),
        "loaddata_seconds": round(loaddata_seconds, 2),
        "loaddata_rows_per_second": round(sheets.rows / loaddata_seconds),
    }
