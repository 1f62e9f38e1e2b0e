"""Benchmark figure for the registry import (FORMATS.md, issue 5): rows per second loading
households through ``villages.registry.load`` (the engine behind ``import_registry``), next
to Django's ``loaddata`` of the same rows as a JSON fixture.

Both runs happen in the current database inside a transaction that is rolled back, so
nothing stays behind (sequences may advance; gaps in ids are harmless). ``loaddata`` saves
one row at a time and writes no audit history; the registry load writes history rows too.
"""

import csv
import json
import tempfile
import time
from pathlib import Path

from django.core.management import call_command
from django.db import transaction
from django.db.models import Max

from villages import registry
from villages.models import Household, Township, Village

PREFIX = "BENCH-"


class _Rollback(Exception):
    pass


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def _household_row(i, villages):
    return [
        f"{PREFIX}H{i:07d}",
        f"{PREFIX}V{i % villages:04d}",
        f"户主{i}",
        1 + i % 6,
        ("industry", "security", "employment", "relocation", "ecology")[i % 5],
        "2015-03-01",
        "2016-10-01" if i % 3 == 0 else "",
        f"{2800 + i % 900}.50",
    ]


def build_csvs(directory, households, villages):
    directory = Path(directory)
    township = _write_csv(
        directory / "townships.csv",
        [["code", "name", "kind", "poverty"], [f"{PREFIX}T", "基准镇", "town", "yes"]],
    )
    village_rows = [["code", "township", "name", "poverty"]]
    village_rows += [[f"{PREFIX}V{v:04d}", f"{PREFIX}T", f"基准{v}村", "yes"] for v in range(villages)]
    village = _write_csv(directory / "villages.csv", village_rows)
    rows = [["code", "village", "head", "size", "assistance", "registered_on", "exited_on", "income"]]
    rows += [_household_row(i, villages) for i in range(households)]
    household = _write_csv(directory / "households.csv", rows)
    return [township, village, household]


def build_fixture(path, households, villages):
    """The same rows as a JSON fixture, with primary keys after the current ones."""

    def next_pk(model):
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    t_pk, v_pk, h_pk = next_pk(Township), next_pk(Village), next_pk(Household)
    objects = [
        {
            "model": "villages.township",
            "pk": t_pk,
            "fields": {"code": f"{PREFIX}T", "name": "基准镇", "kind": "town", "poverty": True},
        }
    ]
    objects += [
        {
            "model": "villages.village",
            "pk": v_pk + v,
            "fields": {"code": f"{PREFIX}V{v:04d}", "township": t_pk, "name": f"基准{v}村", "poverty": True},
        }
        for v in range(villages)
    ]
    for i in range(households):
        code, _v, head, size, assistance, registered, exited, income = _household_row(i, villages)
        objects.append(
            {
                "model": "villages.household",
                "pk": h_pk + i,
                "fields": {
                    "code": code,
                    "village": v_pk + i % villages,
                    "head": head,
                    "size": size,
                    "assistance": assistance,
                    "registered_on": registered,
                    "exited_on": exited or None,
                    "income": income,
                },
            }
        )
    Path(path).write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    return path


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
    rows = 1 + villages + households
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        paths = build_csvs(directory, households, villages)

        def load():
            report = registry.load([(p.name, p) for p in paths], write=True)
            if not report.written:
                raise RuntimeError("benchmark load failed: " + "; ".join(report.errors[:5]))
            return report

        import_seconds, _report = _timed_and_rolled_back(load)
        fixture = build_fixture(Path(directory) / "registry_bench.json", households, villages)
        loaddata_seconds, _ = _timed_and_rolled_back(
            lambda: call_command("loaddata", str(fixture), verbosity=0)
        )
    return {
        "households": households,
        "rows": rows,
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_second": round(rows / import_seconds),
        "loaddata_seconds": round(loaddata_seconds, 2),
        "loaddata_rows_per_second": round(rows / loaddata_seconds),
    }
