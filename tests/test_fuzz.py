"""Hostile input never gets a 500, and a refused POST writes nothing.

Every URL pattern of the site (the resolver is walked, so a new view cannot be forgotten:
it must appear in ``VIEWS``) is requested by every role of the cast, with GET and POST,
its path converters filled with hostile numbers or strings, and its query parameters and
form fields (listed per view in ``VIEWS``, read from the views and forms) set either to a
valid value or to a hostile one: negative, huge, NUL, non-ASCII, wrong types, far dates,
empty, very long. The values are drawn by a ``random.Random`` with a fixed seed, so every
run sends the same requests. The admin is skipped except a few changelists.
"""

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from accountability import models as acc
from accountability import periods
from tests.accountability.tasks_factories import make_report, make_task
from tests.villages import organization_factories
from tests.villages.satisfaction_factories import household, load_items, survey_round
from villages import models as vil
from villages.organization import views as organization

SEED = 2016
EXAMPLES = 2  # GET and POST requests per view and role

HOSTILE = [
    "-1",
    "0",
    "2147483648",
    "-9223372036854775809",
    "9" * 60,
    "1e9999",
    "NaN",
    "-0.0000001",
    "\x00",
    "a\x00b",
    "",
    " ",
    "x" * 5000,
    "９９",
    "二〇一六",
    "😀" * 10,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%(x)s",
    "../../etc/passwd",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2016-02-30",
    "9999-W52",
    "0000-W01",
    "2016-W99",
    "2016-Q9",
    "2016-13",
    "true",
    "[]",
    "{}",
]
HOSTILE_INTS = [0, 1, 2147483647, 2147483648, 9223372036854775808, 10**30]
HOSTILE_STRINGS = ["\x00", "x" * 300, "😀", "MQ", "set-password", "-1"]

# Row counts compared before and after each refused POST. ImportLog is left out on purpose:
# a refused registry upload is logged.
MODELS = [
    acc.Contract,
    acc.Task,
    acc.ProgressReport,
    acc.Evidence,
    acc.WeekLock,
    acc.Problem,
    acc.Evaluation,
    acc.Inspection,
    acc.Finding,
    acc.AccountabilityAction,
    acc.YearEndScore,
    acc.Exposure,
    acc.Commendation,
    acc.YearEndRun,
    acc.HalfYearReview,
    acc.AnnualReport,
    vil.Township,
    vil.Village,
    vil.Household,
    vil.Cadre,
    vil.SurveyRound,
    vil.SurveyAnswer,
    vil.OutreachEvent,
    vil.LivelihoodOutcome,
    vil.PartyOrganization,
    vil.EconomicOrganization,
    vil.WorkTeam,
    vil.PairingProject,
    vil.CollectiveProject,
    vil.VillageFinance,
    vil.Cadre,
    User,
]


@dataclass
class View:
    """Query parameters (GET) and form fields (POST) of one view, each with a valid value;
    ``{name}`` in a value is replaced by the id of that object of ``world``."""

    get: dict = field(default_factory=dict)
    post: dict = field(default_factory=dict)


LIST = {"sort": "-due_on", "page": "1", "per_page": "10", "export": "csv"}
DASHBOARD = {
    "township": "{township_code}",
    "village": "{village_code}",
    "format": "json",
    "export": "csv",
    "table": "units",
    "units-page": "2",
    "units-per_page": "5",
    "units-sort": "name",
}

# The fields of the supervisors' records (contracts, exposures, commendations)
CONTRACT = {
    "party": "township_committee",
    "year": "2015",
    "township": "{township}",
    "village": "",
    "signed_by": "{cadre}",
    "signed_on": "2015-01-15",
    "target_households": "10",
    "target_people": "30",
    "target_villages": "1",
    "target_tasks": "4",
    "target_funds": "5000.50",
    "township_exit": "on",
}
EXPOSURE = {
    "kind": "exposed",
    "aired_on": "2016-06-01",
    "programme": "电视问政",
    "township": "{township}",
    "title": "进度滞后",
    "task": "{task}",
}
COMMENDATION = {"kind": "promoted", "cadre": "{cadre}", "decided_on": "2016-06-01", "title": "提拔"}

# The fields of every kind of organization record (the URL's slug picks the form; a form
# ignores the fields of the others).
ORGANIZATION = {
    "code": "OR-FUZZ",
    "name": "组织",
    "level": "village_branch",
    "township": "{township}",
    "village": "{village}",
    "secretary": "{cadre_code}",
    "kind": "cooperative",
    "coverage": "joint",
    "party_organization": "{party_organization}",
    "instructor": "{cadre_code}",
    "sent_by": "{unit}",
    "started_on": "2016-03-01",
    "ends_on": "2018-03-01",
    "withdrawn_on": "",
    "reserve_cadres_trained": "2",
    "enterprise": "{enterprise}",
    "household": "{household_code}",
    "household_codes": "{household_code}",
    "funds": "1000.50",
    "year": "2016",
    "fiscal_funds": "500",
    "loan_subsidy": "100",
    "cadre_pay_monthly": "2764",
    "office_funds": "45000",
    "collective_accumulation": "1000",
}
TEAM_MEMBER = {
    "code": "M-FUZZ",
    "name": "队员",
    "team_slot": "graduate",
    "unit": "{unit}",
    "phone": "13800000000",
}

VIEWS = {
    # django.contrib.auth and i18n
    "login": View(get={"next": "/tasks/"}, post={"username": "supervisor", "password": "x", "next": "/"}),
    "logout": View(post={"next": "/"}),
    "password_change": View(
        post={"old_password": "x", "new_password1": "an0ther-Passw0rd", "new_password2": "an0ther-Passw0rd"}
    ),
    "password_change_done": View(),
    "set_language": View(post={"language": "en", "next": "/tasks/"}),
    # villages
    "villages:home": View(),
    "villages:registry_import": View(post={"files": "townships.csv"}),
    "villages:registry_import_confirm": View(post={"token": "A" * 32}),
    "villages:registry_template": View(),
    "villages:import_log": View(get={"page": "1"}),
    # accountability: tasks and problems
    "accountability:task_list": View(
        get={
            "village": "{village}",
            "factor": "industry",
            "status": "overdue",
            "overdue": "yes",
            "reported": "no",
            **LIST,
        }
    ),
    "accountability:task_detail": View(
        post={"week": "2016-W23", "version": "0", "value": "12.5", "note": "进展"}
    ),
    "accountability:evidence_file": View(),
    "accountability:week_lock": View(post={"week": "2016-W22"}),
    "accountability:problem_list": View(
        get={"status": "open", "village": "{village}", "factor": "industry", **LIST},
        post={"village": "{village}", "factor": "industry", "description": "危房未改造"},
    ),
    "accountability:problem_detail": View(),
    "accountability:problem_close": View(post={"resolution": "已解决"}),
    "accountability:problem_to_task": View(
        post={"title": "改造危房", "owner": "{cadre}", "due_on": "2016-09-30", "target": "3", "unit": "户"}
    ),
    # dashboards
    "accountability:dashboard_weekly": View(get={"week": "2016-W23", **DASHBOARD}),
    "accountability:dashboard_monthly": View(get={"month": "2016-06", **DASHBOARD}),
    "accountability:dashboard_quarterly": View(get={"quarter": "2016-Q2", **DASHBOARD, "table": "league"}),
    "accountability:dashboard_yearly": View(get={"year": "2016", **DASHBOARD, "table": "by_year"}),
    # oversight
    "accountability:evaluation_list": View(
        get={"year": "2016", "cycle": "quarterly", "period": "1", "level": "township_village", **LIST}
    ),
    "accountability:evaluation_new": View(
        get={"cycle": "quarterly", "year": "2016", "period": "1"},
        post={
            "cycle": "quarterly",
            "year": "2016",
            "period": "1",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-subject": "{village}",
            "form-0-version": "0",
            "form-0-score": "88.5",
            "form-0-comment": "好",
        },
    ),
    "accountability:inspection_list": View(
        get={
            "kind": "must_check",
            "problem": "funds_use",
            "rectification": "overdue",
            "township": "{township}",
            "held_from": "2016-01-01",
            "held_to": "2016-12-31",
            **LIST,
        }
    ),
    "accountability:inspection_new": View(
        post={
            "kind": "must_check",
            "spot_level": "",
            "held_on": "2016-06-01",
            "township": "{township}",
            "village": "{village}",
            "inspector": "{cadre}",
            "inspected_cadre": "{cadre}",
            "summary": "督查",
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-0-category": "funds_use",
            "findings-0-severity": "minor",
            "findings-0-description": "台账不全",
            "findings-0-rectify_by": "2016-07-01",
        }
    ),
    "accountability:inspection_detail": View(),
    "accountability:finding_rectify": View(post={"rectified_on": "2016-06-05"}),
    "accountability:action_list": View(
        get={"kind": "warning_talk", "rank": "ordinary", "year": "2016", **LIST}
    ),
    "accountability:action_new": View(
        get={"inspection": "{inspection}"},
        post={
            "kind": "warning_talk",
            "cadre": "{cadre}",
            "rank": "ordinary",
            "decided_on": "2016-06-02",
            "reason": "滞后",
            "inspection": "{inspection}",
            "task": "{task}",
        },
    ),
    "accountability:reminder_list": View(
        get={
            "week": "2016-W23",
            "kind": "digest",
            "channel": "webhook",
            "status": "failed",
            "township": "{township}",
            **LIST,
            "sort": "-tried_at",
        }
    ),
    "accountability:reminder_send": View(post={"task": "{task_code}", "next": "/dashboard/weekly/"}),
    "accountability:year_end_latest": View(),
    "accountability:year_end": View(
        get={
            "c-page": "1",
            "c-per_page": "10",
            "t-page": "2",
            "t-sort": "-total",
            "d-page": "1",
            "version": "1",
            "format": "json",
            "export": "csv",
            "table": "townships",
        }
    ),
    "accountability:year_end_publish": View(),
    "accountability:half_year_review_new": View(
        post={
            "half": "1",
            "township": "{township}",
            "held_on": "2016-06-01",
            "verdict": "lagging",
            "problems": "问题",
            "conclusions": "意见",
        }
    ),
    "accountability:annual_report_new": View(
        post={"cadre": "{cadre}", "delivered_on": "2015-12-20", "summary": "述职", "result": "good"}
    ),
    # accountability: what supervisors record (A2, A7, C4) and the pickers
    "accountability:contract_list": View(
        get={
            "year": "2016",
            "township": "{township}",
            "party": "township_committee",
            "signer": "书记",
            **LIST,
        }
    ),
    "accountability:contract_detail": View(),
    "accountability:contract_new": View(post=CONTRACT),
    "accountability:contract_edit": View(post={**CONTRACT, "version": "1"}),
    "accountability:exposure_list": View(
        get={"year": "2016", "kind": "exposed", "township": "{township}", **LIST}
    ),
    "accountability:exposure_new": View(post=EXPOSURE),
    "accountability:exposure_edit": View(post={**EXPOSURE, "version": "1"}),
    "accountability:commendation_list": View(
        get={"year": "2016", "kind": "promoted", "township": "{township}", **LIST}
    ),
    "accountability:commendation_new": View(post=COMMENDATION),
    "accountability:commendation_edit": View(post={**COMMENDATION, "version": "1"}),
    "accountability:picker_cadres": View(get={"q": "sec", "page": "1"}),
    "accountability:picker_tasks": View(get={"q": "T-", "page": "1"}),
    # villages: satisfaction (C1, C2, C5)
    "villages:satisfaction": View(
        get={
            "year": "2016",
            "format": "json",
            "export": "csv",
            "table": "villages",
            "villages-page": "2",
            "villages-per_page": "20",
            "villages-sort": "name",
            "items-sort": "-answers",
        }
    ),
    "villages:satisfaction_units": View(
        get={
            "year": "2016",
            "format": "json",
            "export": "xlsx",
            "table": "cadres",
            "cadres-page": "2",
            "cadres-per_page": "20",
            "units-sort": "-households",
        }
    ),
    "villages:survey_rounds": View(
        post={"year": "2017", "number": "1", "held_on": "2017-04-10", "ends_on": "2017-04-30"}
    ),
    "villages:survey_round_close": View(),
    "villages:survey": View(get={"round": "{survey_round}", "q": "{household_code}"}),
    "villages:survey_pending": View(get={"village": "{village_code}", "township": "{township_code}"}),
    "villages:survey_entry": View(
        post={"round": "{survey_round}", "item_housing": "3", "item_drinking_water": "2", "item_roads": "1"}
    ),
    "villages:outreach_new": View(
        post={
            "code": "OE-FUZZ",
            "kind": "night_school",
            "title": "农民夜校",
            "township": "{township}",
            "village": "{village}",
            "held_on": "2016-06-01",
            "attendance": "30",
        }
    ),
    "villages:outcome_new": View(
        post={
            "code": "LO-FUZZ",
            "kind": "rural_inn",
            "village": "{village}",
            "people": "2",
            "started_on": "2016-06-01",
            "note": "乡村旅舍",
        }
    ),
    # villages: organization (B1–B4, C3)
    "villages:organization": View(get={"year": "2016", **DASHBOARD, "table": "finance"}),
    "villages:organization_records": View(get={"page": "1", "sort": "-name", "per_page": "10"}),
    "villages:organization_add": View(post=ORGANIZATION),
    "villages:organization_edit": View(post=ORGANIZATION),
    "villages:organization_member_add": View(post=TEAM_MEMBER),
    "villages:organization_member_edit": View(post=TEAM_MEMBER),
}
# Password reset sends a mail: its pages are only served with an SMTP server (chishui/urls.py).
if settings.PASSWORD_RESET_ENABLED:
    VIEWS |= {
        "password_reset": View(post={"email": "someone@example.cn"}),
        "password_reset_done": View(),
        "password_reset_confirm": View(post={"new_password1": "an0ther-Passw0rd", "new_password2": "x"}),
        "password_reset_complete": View(),
    }

# A few admin changelists, with the changelist's own parameters and their filters.
ADMIN = {
    "admin:villages_household_changelist": View(
        get={"q": "张", "o": "1", "p": "1", "village__id__exact": "{village}", "all": ""}
    ),
    "admin:accountability_task_changelist": View(
        get={"q": "任务", "o": "-2", "p": "0", "factor__exact": "industry"}
    ),
    "admin:villages_surveyanswer_changelist": View(
        get={"q": "x", "level__exact": "3", "round__id__exact": "1"}
    ),
    "admin:accountability_inspection_changelist": View(get={"q": "督查", "held_on__gte": "2016-01-01"}),
}

ROLES = [
    None,
    "no_role_user",
    "admin_user",
    "supervisor",
    "secretary_a",
    "secretary_b",
    "village_secretary",
    "resident_cadre",
    "survey_worker",
]


def url_patterns(patterns=None, namespace=""):
    """(name with namespace, pattern) of every URL pattern outside the admin."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}{pattern.name}" if pattern.name else None), pattern


def test_every_url_pattern_is_in_the_table():
    names = [name for name, _pattern in url_patterns()]

    assert None not in names, "every URL pattern needs a name to be fuzzed"
    assert sorted(set(names) - set(VIEWS)) == [], "add the new view's parameters to VIEWS"
    assert sorted(set(VIEWS) - set(names)) == [], "VIEWS names a view that no longer exists"


@pytest.fixture
def world(
    monkeypatch, today, secretary_a, secretary_b, village_secretary, resident_cadre, supervisor, admin_user
):
    """One row of each kind the views look up, in township A."""
    monkeypatch.setattr(periods, "today", lambda: today)
    village = resident_cadre.cadre.village
    task = make_task(secretary_a, "T-FUZZ-1", village=village)
    report = make_report(task, dt.date(2016, 5, 30), "10", secretary_a)
    evidence = acc.Evidence.objects.create(
        report=report, name="a.pdf", size=3, file="evidence/missing.pdf", uploaded_by=secretary_a
    )
    problem = acc.Problem.objects.create(
        township=village.township, village=village, factor="industry", description="产业路未通"
    )
    inspection = acc.Inspection.objects.create(
        kind="must_check", held_on=dt.date(2016, 5, 1), township=village.township, village=village
    )
    finding = acc.Finding.objects.create(
        inspection=inspection,
        category="funds_use",
        severity="minor",
        description="台账不全",
        rectify_by=dt.date(2016, 6, 30),
    )
    acc.AccountabilityAction.objects.create(
        kind="warning_talk",
        cadre=resident_cadre.cadre,
        rank="ordinary",
        decided_on=dt.date(2016, 5, 2),
        reason="滞后",
    )
    run_2015 = acc.YearEndRun.objects.create(
        year=2015, number=1, computed_at=dt.datetime(2016, 1, 5, tzinfo=dt.UTC)
    )
    acc.YearEndScore.objects.create(
        run=run_2015,
        year=2015,
        township=village.township,
        work_score=Decimal(80),
        satisfaction_score=Decimal(90),
        total=Decimal(84),
    )
    contract = acc.Contract.objects.create(
        party="township_committee",
        year=2016,
        township=village.township,
        signed_by=secretary_a.cadre,
        signed_on=dt.date(2016, 1, 15),
    )
    exposure = acc.Exposure.objects.create(
        kind="exposed",
        aired_on=dt.date(2016, 5, 3),
        programme="电视问政",
        township=village.township,
        title="x",
    )
    commendation = acc.Commendation.objects.create(
        kind="commended", cadre=resident_cadre.cadre, decided_on=dt.date(2016, 5, 4), title="表彰"
    )
    # the 2015 league is published (the rows are written to the draft first: published ones are frozen)
    acc.YearEndRun.objects.filter(pk=run_2015.pk).update(
        status="published", published_at=run_2015.computed_at
    )
    load_items()
    surveyed = household(village, "H-FUZZ-1")
    opened = survey_round(2016, 1)
    organization_factories.build(village.township, 1)
    team = vil.WorkTeam.objects.get(village__code="OV000")
    records = {  # one record of each kind the organization pages edit
        slug: kind.model.objects.order_by("pk").first() for slug, kind in organization.KINDS.items()
    }
    return {
        "township": village.township.pk,
        "township_code": village.township.code,
        "village": village.pk,
        "village_code": village.code,
        "cadre": secretary_a.cadre.pk,
        "task": task.pk,
        "task_code": task.code,
        "inspection": inspection.pk,
        "cadre_code": secretary_a.cadre.code,
        "survey_round": opened.pk,
        "household_code": surveyed.code,
        "party_organization": records["party-orgs"].pk,
        "enterprise": records["economic-orgs"].pk,
        "unit": team.sent_by_id,
        "path": {
            "accountability:task_detail": {"pk": task.pk},
            "accountability:evidence_file": {"pk": evidence.pk},
            "accountability:problem_detail": {"pk": problem.pk},
            "accountability:problem_close": {"pk": problem.pk},
            "accountability:problem_to_task": {"pk": problem.pk},
            "accountability:inspection_detail": {"pk": inspection.pk},
            "accountability:finding_rectify": {"pk": inspection.pk, "finding_pk": finding.pk},
            "accountability:year_end": {"year": 2015},
            "accountability:contract_detail": {"pk": contract.pk},
            "accountability:contract_edit": {"pk": contract.pk},
            "accountability:exposure_edit": {"pk": exposure.pk},
            "accountability:commendation_edit": {"pk": commendation.pk},
            "accountability:year_end_publish": {"year": 2015, "number": 1},
            "accountability:half_year_review_new": {"year": 2016},
            "accountability:annual_report_new": {"year": 2015},
            "villages:survey_round_close": {"pk": opened.pk},
            "villages:survey_pending": {"round_id": opened.pk},
            "villages:survey_entry": {"round_id": opened.pk, "code": surveyed.code},
            "villages:organization_records": [{"slug": slug} for slug in records],
            "villages:organization_add": [{"slug": slug} for slug in records],
            "villages:organization_edit": [{"slug": slug, "pk": r.pk} for slug, r in records.items()],
            "villages:organization_member_add": {"team_pk": team.pk},
            "villages:organization_member_edit": {"team_pk": team.pk, "pk": team.members().first().pk},
        },
    }


def path_kwargs(rng, name, pattern, world):
    """The real objects' ids half the time, hostile values (per converter type, those its regex
    accepts) otherwise. ``world["path"]`` may list several sets of real values: one is drawn."""
    reals = world["path"].get(name, {})
    if isinstance(reals, list):
        reals = rng.choice(reals)
    kwargs = {}
    for key, converter in pattern.pattern.converters.items():
        real = reals.get(key)
        if real is not None and rng.random() < 0.5:
            kwargs[key] = real
        elif isinstance(converter, IntConverter):
            kwargs[key] = rng.choice(HOSTILE_INTS)
        else:
            kwargs[key] = rng.choice([s for s in HOSTILE_STRINGS if re.fullmatch(converter.regex, s)])
    return kwargs


def fill(rng, params, world):
    """Each parameter valid (the table's value) or hostile, about half and half; now and then
    a parameter is left out or sent twice."""
    data = []
    for key, valid in params.items():
        roll = rng.random()
        if roll < 0.1:
            continue
        value = valid.format(**world) if roll < 0.5 else rng.choice(HOSTILE)
        data.append((key, value))
        if roll > 0.95:
            data.append((key, rng.choice(HOSTILE)))
    if rng.random() < 0.2:
        data.append((rng.choice(HOSTILE)[:20] or "k", rng.choice(HOSTILE)))
    return data


def row_counts():
    """Every table's row count, in one query (it runs around each of the ~1,000 POSTs)."""
    tables = [model._meta.db_table for model in dict.fromkeys(MODELS)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


def users_by_role(request):
    return {role: request.getfixturevalue(role) if role else None for role in ROLES}


def test_no_input_gets_a_500_and_a_refused_post_writes_nothing(client, request, world):
    rng = random.Random(SEED)
    users = users_by_role(request)
    client.raise_request_exception = False
    patterns = dict(url_patterns())
    targets = [(name, patterns[name]) for name in VIEWS] + [(name, None) for name in ADMIN]
    errors = []
    requests = 0
    for role, user in users.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, pattern in targets:
            view = VIEWS.get(name) or ADMIN[name]
            for _example in range(EXAMPLES):
                kwargs = path_kwargs(rng, name, pattern, world) if pattern else {}
                url = reverse(name, kwargs=kwargs)
                query = urlencode(fill(rng, view.get, world))
                response = client.get(f"{url}?{query}" if query else url)
                requests += 1
                if response.status_code >= 500:
                    errors.append(("GET", role, url, query, response.status_code))
                if pattern is None:
                    continue  # admin changelists: GET only
                before = row_counts()
                data = fill(rng, view.post, world)
                response = client.post(url, urlencode(data), content_type="application/x-www-form-urlencoded")
                requests += 1
                if response.status_code >= 500:
                    errors.append(("POST", role, url, data, response.status_code))
                elif response.status_code >= 400 and row_counts() != before:
                    errors.append(("POST wrote on refusal", role, url, data, response.status_code))
                if name == "logout" and user is not None:
                    client.force_login(user)

    assert requests > 500
    assert errors == []
