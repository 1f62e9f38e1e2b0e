"""A synthetic county for the benchmark and the dashboards' query-count tests.

Deterministic (seeded), built with ``bulk_create`` in batches, independent of the demo
builder. Scales:

- ``small``: 3 townships, 12 villages, ~360 households, 30 tasks with weekly reports;
- ``county``: a county's real year: 17 townships, 122 villages, ~14,000 households (the
  demo's), 1,530 tasks reported on over 52 weeks (~50,000 reports), three survey rounds of a
  household sample;
- ``province``: 50 counties' worth (850 townships, 6,100 villages, ~700,000 households,
  76,500 tasks × 52 weeks, ~2.5 million reports), with a smaller survey sample per village.

Generation stays bounded in memory: every model is written in batches of ``BATCH`` rows as
it is generated — the few thousand places, people, tasks and oversight rows as model
instances with ``bulk_create``; the bulk rows (households, weekly reports, survey answers:
millions at province scale, where building model instances was most of the time) as plain
tuples through the database cursor (``PlainRows``: PostgreSQL's ``COPY``, SQLite's
``executemany``), the fields they are not given at their defaults, as ``bulk_create`` would.

The same households also come as a registry to import (``registry_rows``, written as the
import's CSV sheets by ``write_registry_sheets`` and as a ``loaddata`` fixture of the same
rows by ``write_registry_fixture``) for the registry import benchmark
(``devdata/import_benchmark.py``): one generator of households, ``household_fields``.
"""

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    Exposure,
    Factor,
    Finding,
    Inspection,
    ProgressReport,
    Rank,
    Task,
)
from accountability.oversight.services import grade_for
from accountability.periods import Week
from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    LivelihoodItem,
    PairingProject,
    SurveyAnswer,
    SurveyRound,
    Township,
    Unit,
    Village,
)
from villages.satisfaction import services as satisfaction_services

YEAR = 2016
YEAR_START, YEAR_END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    townships: int
    villages: int
    households_per_village: int
    tasks_per_township: int
    weeks: int
    survey_households_per_village: int


SCALES = {
    "small": Scale(
        townships=3,
        villages=12,
        households_per_village=30,
        tasks_per_township=10,
        weeks=52,
        survey_households_per_village=4,
    ),
    "county": Scale(
        townships=17,
        villages=122,
        households_per_village=115,
        tasks_per_township=90,
        weeks=52,
        survey_households_per_village=10,
    ),
    "province": Scale(
        townships=850,
        villages=6100,
        households_per_village=115,
        tasks_per_township=90,
        weeks=52,
        survey_households_per_village=2,
    ),
}


def _day(rng, start, end):
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


ASSISTANCE = Household.Assistance.values
HOUSEHOLD_FIELDS = ("head", "size", "assistance", "registered_on", "exited_on", "income")


def household_fields(rng, number):
    """The own fields of the ``number``-th household of a village (or of a registry): more
    than half leave poverty during the year. Place and links are the caller's."""
    exited = _day(rng, YEAR_START, YEAR_END) if rng.random() < 0.55 else None
    return {
        "head": f"户主{number}",
        "size": rng.randint(1, 6),
        "assistance": ASSISTANCE[number % 5],
        "registered_on": dt.date(2014, 1 + number % 12, 1 + number % 28),
        "exited_on": exited,
        "income": Decimal(2800 + number % 900) + Decimal("0.50"),
    }


def _bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


class PlainRows:
    """Rows of ``model`` written as plain tuples of the values of ``fields`` (attnames, e.g.
    ``task_id``) through the database cursor, ``BATCH`` at a time: no model instances. Every
    other field but the primary key gets its default (``auto_now``/``auto_now_add``: the time
    of the writer's creation), prepared once for the database as ``bulk_create`` prepares
    it; a field with neither a value nor a default is an error. Like ``bulk_create``, it
    sends no signals and writes no history rows. Call ``flush()`` after the last ``add``."""

    def __init__(self, model, fields):
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        now = timezone.now()
        rest, defaults = [], []
        for field in meta.concrete_fields:
            if field.primary_key or field in given:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() or field.null:
                value = field.get_default()
            else:
                raise ValueError(f"{meta.label}.{field.name}: no value and no default")
            rest.append(field)
            defaults.append(field.get_db_prep_save(value, connection))
        columns = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
        table = connection.ops.quote_name(meta.db_table)
        self.copy = connection.vendor == "postgresql"
        if self.copy:
            self.sql = f"COPY {table} ({columns}) FROM STDIN"
            self.suffix = "".join("\t" + _copy_text(value) for value in defaults) + "\n"
        else:
            marks = ", ".join(["%s"] * (len(given) + len(rest)))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            self.defaults = tuple(defaults)
        self.rows = []
        self.written = 0

    def add(self, *values):
        self.rows.append(values)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if self.copy:
                text = "".join("\t".join(map(_copy_text, row)) + self.suffix for row in self.rows)
                cursor.copy_expert(self.sql, io.StringIO(text))
            else:
                cursor.executemany(
                    self.sql, [tuple(map(_sqlite_value, row)) + self.defaults for row in self.rows]
                )
        self.written += len(self.rows)
        self.rows = []


def _copy_text(value):
    """A value in PostgreSQL COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return str(value)


def _sqlite_value(value):
    """A value as Django's SQLite backend stores it (dates as ISO text, decimals as text)."""
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def ensure_livelihood_items():
    """The 23 livelihood items: the reference fixture, unless already loaded."""
    if not LivelihoodItem.objects.exists():
        call_command("loaddata", "livelihood_items", verbosity=0)
    return list(LivelihoodItem.objects.order_by("order"))


@transaction.atomic
def build(scale="small", seed=2016, prefix="S"):
    """Create a synthetic county (see the module docstring); returns row counts per model."""
    size = SCALES[scale] if isinstance(scale, str) else scale
    rng = random.Random(seed)
    year_start, year_end = YEAR_START, YEAR_END
    reporter, _created = User.objects.get_or_create(username=f"{prefix.lower()}-synthetic-reporter")
    units = _bulk(Unit, [Unit(name=f"{prefix}帮扶单位{i:02d}") for i in range(10)])

    townships = _bulk(
        Township,
        [
            Township(
                code=f"{prefix}T{i:03d}",
                name=f"{prefix}{i}镇",
                kind=Township.Kind.TOWN,
                poverty=i % 6 == 0,
                exited_on=_day(rng, year_start, year_end) if i % 6 == 0 and i % 12 == 0 else None,
            )
            for i in range(size.townships)
        ],
    )
    villages = []
    for i in range(size.villages):
        township = townships[i % size.townships]
        poverty = i % 3 == 0
        villages.append(
            Village(
                code=f"{prefix}V{i:05d}",
                township=township,
                name=f"{prefix}{i}村",
                poverty=poverty,
                exited_on=_day(rng, year_start, year_end) if poverty and i % 2 == 0 else None,
            )
        )
    villages = _bulk(Village, villages)

    secretaries = _bulk(
        Cadre,
        [
            Cadre(code=f"{prefix}CT{i:04d}", name=f"书记{i}", role=Cadre.Role.TOWNSHIP_SECRETARY, township=t)
            for i, t in enumerate(townships)
        ],
    )
    village_secretaries = _bulk(
        Cadre,
        [
            Cadre(
                code=f"{prefix}CV{i:05d}",
                name=f"支书{i}",
                role=Cadre.Role.VILLAGE_SECRETARY,
                township_id=v.township_id,
                village=v,
            )
            for i, v in enumerate(villages)
        ],
    )
    _bulk(
        Cadre,
        [
            Cadre(
                code=f"{prefix}CR{i:05d}",
                name=f"驻村{i}",
                role=Cadre.Role.RESIDENT_CADRE,
                township_id=v.township_id,
                village=v,
                team_slot=Cadre.TeamSlot.AGRI_CADRE,
                unit=units[i % len(units)],
            )
            for i, v in enumerate(villages)
            if v.poverty
        ],
    )
    secretary_of = {c.township_id: c for c in secretaries}
    village_secretary_of = {c.village_id: c for c in village_secretaries}

    # households, with exits spread over the year
    households = PlainRows(Household, ["code", "village_id", "unit_id", *HOUSEHOLD_FIELDS])
    for v in villages:
        for j in range(size.households_per_village):
            fields = household_fields(rng, j)
            households.add(
                f"{v.code}-{j:04d}", v.pk, units[j % len(units)].pk, *(fields[f] for f in HOUSEHOLD_FIELDS)
            )
    households.flush()
    # what every write of households ends with: their counts and the headline's ledger
    satisfaction_services.households_written()

    # contracts (A2): township committees and village branches
    villages_of = {}
    for v in villages:
        villages_of.setdefault(v.township_id, []).append(v)
    contracts = []
    for t in townships:
        n = len(villages_of.get(t.pk, [])) * size.households_per_village
        contracts.append(
            Contract(
                party=Contract.Party.TOWNSHIP_COMMITTEE,
                year=YEAR,
                township=t,
                signed_by=secretary_of[t.pk],
                signed_on=year_start,
                target_households=int(n * 0.5),
                target_people=int(n * 1.7),
                target_villages=sum(1 for v in villages_of.get(t.pk, []) if v.poverty) // 2,
                target_tasks=size.tasks_per_township,
                township_exit=t.poverty,
            )
        )
    for v in villages:
        contracts.append(
            Contract(
                party=Contract.Party.VILLAGE_BRANCH,
                year=YEAR,
                township_id=v.township_id,
                village=v,
                signed_by=village_secretary_of[v.pk],
                signed_on=year_start,
                target_households=int(size.households_per_village * 0.5),
                target_people=int(size.households_per_village * 1.7),
                target_villages=int(v.poverty),
            )
        )
    _bulk(Contract, contracts)

    # tasks (A5) and their weekly reports (A6)
    tasks = []
    for t in townships:
        own_villages = villages_of.get(t.pk, [])
        for k in range(size.tasks_per_township):
            village = own_villages[k % len(own_villages)] if own_villages and k % 2 else None
            starts = _day(rng, year_start, dt.date(YEAR, 6, 30))
            tasks.append(
                Task(
                    code=f"{t.code}-K{k:03d}",
                    title=f"{t.name}任务{k}",
                    factor=Factor.values[k % 6],
                    township=t,
                    village=village,
                    owner=village_secretary_of[village.pk] if village else secretary_of[t.pk],
                    starts_on=starts,
                    due_on=_day(rng, starts + dt.timedelta(days=60), year_end),
                    target=Decimal(100),
                    unit="项",
                )
            )
    tasks = _bulk(Task, tasks)
    first_week = Week.of(year_start)
    weeks = [(week.start, week.end) for week in (first_week.shift(w) for w in range(size.weeks))]
    reports = PlainRows(ProgressReport, ["task_id", "week", "value", "percent", "reporter_id"])
    for task in tasks:
        percent = 0.0
        task_pk, starts_on = task.pk, task.starts_on
        for week_start, week_end in weeks:
            if week_end < starts_on or rng.random() < 0.15:
                continue
            if percent >= 100:
                break
            percent = min(100.0, percent + rng.uniform(0, 4.2))
            value = Decimal(str(round(percent, 1)))
            reports.add(task_pk, week_start, value, task.percent_for(value), reporter.pk)
    reports.flush()
    Task.objects.refresh_progress()  # each task's copy of its latest report

    _bulk(
        Exposure,
        [
            Exposure(
                kind=Exposure.Kind.EXPOSED if i % 3 else Exposure.Kind.PRAISED,
                aired_on=_day(rng, year_start, year_end),
                township=task.township,
                task=task,
                programme="电视问政",
                title=f"电视问政：{task.title}",
            )
            for i, task in enumerate(tasks[:: max(1, len(tasks) // 40)])
        ],
    )

    # quarterly assessment (A3, A8), inspections (A9), accountability (A10)
    evaluations = []
    for q in range(1, 5):
        for v in villages:
            score = Decimal(str(round(rng.uniform(55, 98), 1)))
            evaluations.append(
                Evaluation(
                    level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
                    cycle=Evaluation.Cycle.QUARTERLY,
                    year=YEAR,
                    period=q,
                    evaluator=secretary_of[v.township_id],
                    village=v,
                    score=score,
                    grade=grade_for(score),
                    evaluated_on=dt.date(YEAR, 3 * q, 25),
                )
            )
    _bulk(Evaluation, evaluations)
    inspections = []
    for q in range(4):
        for t in townships:
            own = villages_of.get(t.pk) or [None]
            inspections.append(
                Inspection(
                    kind=Inspection.Kind.MUST_CHECK,
                    held_on=_day(rng, dt.date(YEAR, 3 * q + 1, 1), dt.date(YEAR, 3 * q + 3, 28)),
                    township=t,
                    village=own[q % len(own)],
                    summary="五必查",
                )
            )
    inspections = _bulk(Inspection, inspections)
    severities = Finding.Severity.values
    _bulk(
        Finding,
        [
            Finding(
                inspection=i, category=category, severity=severities[rng.choices([0, 1, 2], [6, 3, 1])[0]]
            )
            for i in inspections
            for category in Finding.Category.values
        ],
    )
    cadres = secretaries + village_secretaries
    actions = []
    for n in range(max(4, len(townships) * 3)):
        cadre = cadres[rng.randrange(len(cadres))]
        actions.append(
            AccountabilityAction(
                kind=AccountabilityAction.Kind.values[n % 4],
                cadre=cadre,
                rank=Rank.values[n % 3],
                decided_on=_day(rng, year_start, year_end),
                reason="工作滞后",
            )
        )
    _bulk(AccountabilityAction, actions)

    # satisfaction (C2): three rounds, a sample of households per village
    items = ensure_livelihood_items()
    rounds = []
    for number, held in enumerate((dt.date(YEAR, 4, 20), dt.date(YEAR, 8, 20), dt.date(YEAR, 12, 10)), 1):
        rounds.append(
            SurveyRound.objects.get_or_create(year=YEAR, number=number, defaults={"held_on": held})[0]
        )
    # the sample: each village's first households (in the order they were written)
    sample_codes = [
        f"{v.code}-{j:04d}"
        for v in villages
        for j in range(min(size.survey_households_per_village, size.households_per_village))
    ]
    household_pk = {}
    for start in range(0, len(sample_codes), 500):
        household_pk.update(
            Household.objects.filter(code__in=sample_codes[start : start + 500]).values_list("code", "pk")
        )
    answers = PlainRows(SurveyAnswer, ["round_id", "household_id", "item_id", "level"])
    for v in villages:
        sample = [
            household_pk[f"{v.code}-{j:04d}"]
            for j in range(min(size.survey_households_per_village, size.households_per_village))
        ]
        for survey in rounds:
            for h in sample:
                for item in items:
                    answers.add(survey.pk, h, item.pk, rng.choices([1, 2, 3], [1, 3, 6])[0])
    answers.flush()

    # funds: "1+X" pairing (B2) and collective projects (B4)
    enterprises = _bulk(
        EconomicOrganization,
        [
            EconomicOrganization(name=f"{prefix}企业{i}", kind=EconomicOrganization.Kind.PRIVATE_ENTERPRISE)
            for i in range(max(3, len(townships)))
        ],
    )
    _bulk(
        PairingProject,
        [
            PairingProject(
                enterprise=enterprises[i % len(enterprises)],
                village=v,
                name=f"{v.name}结对项目",
                funds=Decimal(rng.randrange(20_000, 200_000)),
                started_on=_day(rng, year_start, year_end),
            )
            for i, v in enumerate(villages)
            if v.poverty
        ],
    )
    _bulk(
        CollectiveProject,
        [
            CollectiveProject(
                code=f"{v.code}-C",
                village=v,
                name=f"{v.name}集体经济项目",
                year=YEAR,
                fiscal_funds=Decimal(rng.randrange(100_000, 500_000)),
                loan_subsidy=Decimal(rng.randrange(0, 100_000)),
            )
            for v in villages
            if v.poverty
        ],
    )
    return row_counts()


COUNTED = [
    Township,
    Village,
    Cadre,
    Household,
    Contract,
    Task,
    ProgressReport,
    Exposure,
    Evaluation,
    Inspection,
    Finding,
    AccountabilityAction,
    SurveyAnswer,
    PairingProject,
    CollectiveProject,
]


def row_counts():
    return {model._meta.model_name: model.objects.count() for model in COUNTED}


# ------------------------------------------------------------------ the same, as a registry

REGISTRY_PREFIX = "BENCH-"
HOUSEHOLD_HEADER = ["code", "village", "head", "size", "assistance", "registered_on", "exited_on", "income"]


@dataclass(frozen=True)
class Registry:
    """A synthetic registry: one township, its villages and their households, as the rows
    of the import's sheets (FORMATS.md, English headers)."""

    township: list  # [code, name, kind, poverty]
    villages: list  # [[code, township, name, poverty]]
    households: list  # [[code, village, head, size, assistance, registered_on, exited_on, income]]

    @property
    def rows(self):
        return 1 + len(self.villages) + len(self.households)


def registry_rows(households, villages, seed=2016):
    """``households`` households spread over ``villages`` villages of one township."""
    rng = random.Random(seed)
    township = [f"{REGISTRY_PREFIX}T", "基准镇", "town", "yes"]
    village_rows = [[f"{REGISTRY_PREFIX}V{v:04d}", township[0], f"基准{v}村", "yes"] for v in range(villages)]
    household_rows = []
    for i in range(households):
        fields = household_fields(rng, i)
        household_rows.append(
            [
                f"{REGISTRY_PREFIX}H{i:07d}",
                village_rows[i % villages][0],
                fields["head"],
                fields["size"],
                fields["assistance"],
                fields["registered_on"].isoformat(),
                fields["exited_on"].isoformat() if fields["exited_on"] else "",
                str(fields["income"]),
            ]
        )
    return Registry(township=township, villages=village_rows, households=household_rows)


def _write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)
    return path


def write_registry_sheets(directory, registry):
    """The registry as the import's three CSV sheets; returns their paths in load order."""
    directory = Path(directory)
    return [
        _write_csv(directory / "townships.csv", [["code", "name", "kind", "poverty"], registry.township]),
        _write_csv(directory / "villages.csv", [["code", "township", "name", "poverty"], *registry.villages]),
        _write_csv(directory / "households.csv", [HOUSEHOLD_HEADER, *registry.households]),
    ]


def write_registry_fixture(path, registry):
    """The same rows as a ``loaddata`` JSON fixture, with primary keys after the current ones."""

    def next_pk(model):
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    t_pk, v_pk, h_pk = next_pk(Township), next_pk(Village), next_pk(Household)
    code, name, kind, _poverty = registry.township
    objects = [
        {
            "model": "villages.township",
            "pk": t_pk,
            "fields": {"code": code, "name": name, "kind": kind, "poverty": True},
        }
    ]
    village_pk = {}
    for number, (v_code, _township, v_name, _v_poverty) in enumerate(registry.villages):
        village_pk[v_code] = v_pk + number
        objects.append(
            {
                "model": "villages.village",
                "pk": v_pk + number,
                "fields": {"code": v_code, "township": t_pk, "name": v_name, "poverty": True},
            }
        )
    for number, (h_code, village, head, size, assistance, registered, exited, income) in enumerate(
        registry.households
    ):
        objects.append(
            {
                "model": "villages.household",
                "pk": h_pk + number,
                "fields": {
                    "code": h_code,
                    "village": village_pk[village],
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
