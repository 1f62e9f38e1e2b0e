"""Dashboards that lead to the work: the task codes of 未填报, 逾期 and 电视问政 link to the
task page, only for a viewer who may open it there; the exports and the JSON keep the codes;
money shows in 万元 on the page; colours and phone columns are classes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability.dashboards import selectors
from accountability.dashboards.tables import OverdueTable
from accountability.models import Exposure, ProgressReport, Task

pytestmark = pytest.mark.django_db

WEEK = "2016-W23"


def task(code, township, owner, due_on, village=None):
    return Task.objects.create(
        code=code,
        title=f"任务{code}",
        factor="industry",
        township=township,
        village=village,
        owner=owner,
        due_on=due_on,
        target=Decimal(100),
    )


@pytest.fixture
def work(township_a, township_b, village_a, secretary_a, secretary_b):
    late = task("LATE-A", township_a, secretary_a.cadre, dt.date(2016, 5, 1))  # overdue, not reported
    ProgressReport.objects.create(
        task=late, week=dt.date(2016, 5, 2), value=10, percent=10, reporter=secretary_a
    )
    other = task("LATE-B", township_b, secretary_b.cadre, dt.date(2016, 5, 1))
    Exposure.objects.create(
        kind=Exposure.Kind.EXPOSED, township=township_a, task=late, aired_on=dt.date(2016, 6, 8), title="曝光"
    )
    return {"late": late, "other": other}


def link(task):
    return f'<a href="{reverse("accountability:task_detail", args=[task.pk])}">{task.code}</a>'


def test_supervisor_sees_task_codes_linked_in_every_task_table(client, supervisor, work):
    client.force_login(supervisor)
    response = client.get(f"/dashboard/weekly/?week={WEEK}")
    tables = response.context["tables"]
    for name in ("not_reported", "overdue", "exposure", "aired"):
        html = tables[name]["table"].as_html(response.wsgi_request)
        assert link(work["late"]) in html, name
    assert link(work["other"]) in tables["overdue"]["table"].as_html(response.wsgi_request)


def test_a_secretary_gets_links_to_his_townships_tasks_only(client, secretary_a, work):
    client.force_login(secretary_a)
    page = client.get(f"/dashboard/weekly/?week={WEEK}").content.decode()
    assert link(work["late"]) in page
    assert "LATE-B" not in page  # not on his page at all
    # the one rule the links follow is the task page's: the other township's task is not his
    assert selectors.openable_tasks(secretary_a, {"LATE-A", "LATE-B"}) == {"LATE-A": work["late"].pk}
    assert client.get(reverse("accountability:task_detail", args=[work["other"].pk])).status_code == 404


def test_a_code_the_viewer_may_not_open_is_plain_text(work):
    row = {
        "code": "LATE-B",
        "title": "任务",
        "township": "乙镇",
        "village": "",
        "owner": "某",
        "due_on": "2016-05-01",
        "latest_percent": 0,
        "days_overdue": 40,
    }
    html = OverdueTable([row], task_urls={"LATE-A": "/tasks/1/"}).as_html(None)
    assert "LATE-B" in html and "<a href" not in html
    assert 'class="bad"' in html  # days overdue in red
    assert 'class="secondary"' in html  # owner and village: not on a phone


def test_the_page_puts_the_key_columns_first_and_the_export_keeps_its_order(client, supervisor, work):
    client.force_login(supervisor)
    response = client.get(f"/dashboard/weekly/?week={WEEK}")
    page = [column.name for column in response.context["tables"]["overdue"]["table"].columns]
    assert page[:4] == ["code", "title", "days_overdue", "latest_percent"]
    csv = client.get(f"/dashboard/weekly/?week={WEEK}&export=csv&table=overdue").content.decode("utf-8-sig")
    assert csv.splitlines()[0].split(",")[-1] == "逾期天数"


def test_exports_and_json_keep_the_plain_codes(client, supervisor, work):
    client.force_login(supervisor)
    csv = client.get(f"/dashboard/weekly/?week={WEEK}&export=csv&table=overdue").content.decode("utf-8-sig")
    assert "LATE-A" in csv and "<a" not in csv
    body = client.get(f"/dashboard/weekly/?week={WEEK}&format=json").json()
    assert {row["code"] for row in body["overdue"]} == {"LATE-A", "LATE-B"}
    assert body["exposure"]["aired"][0]["task"] == "LATE-A"


def test_the_links_cost_one_query_whatever_the_number_of_rows(client, supervisor, township_a, secretary_a):
    def count():
        client.force_login(supervisor)
        cache.clear()  # the tasks below are written behind the app's back: build the page anew
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/dashboard/weekly/?week={WEEK}").status_code == 200
        return len(queries)

    task("ONE", township_a, secretary_a.cadre, dt.date(2016, 5, 1))
    one = count()
    for n in range(30):
        task(f"MANY-{n}", township_a, secretary_a.cadre, dt.date(2016, 5, 1))
    assert count() == one
