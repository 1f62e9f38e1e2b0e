"""The searchable pickers' JSON (/pickers/cadres/, /pickers/tasks/): scoped to what the user
may see, at least one character, at most 20 results a page, and bad queries refused in
Chinese."""

import pytest
from django.urls import reverse

from accountability.records.pickers import PAGE_SIZE
from tests.accountability.tasks_factories import make_task
from villages.models import Cadre

pytestmark = pytest.mark.django_db

CADRES = reverse("accountability:picker_cadres")
TASKS = reverse("accountability:picker_tasks")


def found(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    return [row["label"] for row in response.json()["results"]]


def test_supervisor_finds_cadres_of_the_whole_county_by_name_or_code(
    client, supervisor, secretary_a, secretary_b, village_secretary
):
    client.force_login(supervisor)
    assert found(client, CADRES, q="secretary") == [
        "secretary_a · 甲镇 · C-secretary_a",
        "village_secretary · 甲镇 甲一村 · C-village_secretary",
        "secretary_b · 乙乡 · C-secretary_b",
    ]
    assert found(client, CADRES, q="c-secretary_b") == ["secretary_b · 乙乡 · C-secretary_b"]


def test_township_secretary_finds_only_his_townships_cadres(
    client, secretary_a, secretary_b, village_secretary, resident_cadre
):
    client.force_login(secretary_a)
    assert found(client, CADRES, q="_") == [
        "resident_cadre · 甲镇 甲一村 · C-resident_cadre",
        "secretary_a · 甲镇 · C-secretary_a",
        "village_secretary · 甲镇 甲一村 · C-village_secretary",
    ]


def test_village_cadre_finds_only_his_villages_cadres(client, resident_cadre, village_secretary, secretary_a):
    client.force_login(resident_cadre)
    assert found(client, CADRES, q="secretary") == ["village_secretary · 甲镇 甲一村 · C-village_secretary"]


def test_tasks_are_the_users_tasks(client, supervisor, secretary_a, secretary_b):
    make_task(secretary_a, "T-A-1", title="修建产业路")
    make_task(secretary_b, "T-B-1", title="修建水池")
    client.force_login(secretary_a)
    assert found(client, TASKS, q="修建") == ["T-A-1 修建产业路"]
    client.force_login(supervisor)
    assert found(client, TASKS, q="修建") == ["T-A-1 修建产业路", "T-B-1 修建水池"]
    assert found(client, TASKS, q="t-b") == ["T-B-1 修建水池"]


def test_at_most_twenty_results_a_page(client, supervisor, township_a):
    Cadre.objects.bulk_create(
        Cadre(code=f"K{i:02}", name=f"干部{i:02}", role=Cadre.Role.ORDINARY, township=township_a)
        for i in range(45)
    )
    client.force_login(supervisor)

    pages = [client.get(CADRES, {"q": "干部", "page": n}).json() for n in (1, 2, 3)]

    assert [len(p["results"]) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert [p["more"] for p in pages] == [True, True, False]
    labels = [row["label"] for p in pages for row in p["results"]]
    assert len(set(labels)) == 45


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": ""}, "请至少输入1个字再搜索。"),
        ({"q": "   "}, "请至少输入1个字再搜索。"),
        ({}, "请至少输入1个字再搜索。"),
        ({"q": "x" * 51}, "搜索内容过长（最多50个字）。"),
        ({"q": "x", "page": "0"}, "页码无效。"),
        ({"q": "x", "page": "-1"}, "页码无效。"),
        ({"q": "x", "page": "abc"}, "页码无效。"),
    ],
)
@pytest.mark.parametrize("url", [CADRES, TASKS])
def test_bad_searches_are_refused_in_chinese(client, supervisor, url, query, message):
    client.force_login(supervisor)
    response = client.get(url, query)
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_the_recording_forms_use_the_pickers(client, supervisor):
    client.force_login(supervisor)
    for name, url, field in [
        ("contract", reverse("accountability:contract_new"), "signed_by"),
        ("commendation", reverse("accountability:commendation_new"), "cadre"),
        ("exposure", reverse("accountability:exposure_new"), "task"),
        ("inspection", reverse("accountability:inspection_new"), "inspector"),
        ("inspection", reverse("accountability:inspection_new"), "inspected_cadre"),
        ("action", reverse("accountability:action_new"), "cadre"),
        ("action", reverse("accountability:action_new"), "task"),
    ]:
        page = client.get(url).content.decode()
        picker = CADRES if field != "task" else TASKS
        assert f'name="{field}"' in page and f'data-picker="{picker}"' in page, name
        assert "js/picker" in page


def test_without_javascript_the_cadre_select_is_grouped_by_township(
    client, supervisor, secretary_a, secretary_b, village_secretary
):
    client.force_login(supervisor)
    page = client.get(reverse("accountability:commendation_new")).content.decode()
    select = page[page.index('name="cadre"') : page.index("</select>", page.index('name="cadre"'))]
    assert select.index('<optgroup label="甲镇">') < select.index("secretary_a · 甲镇")
    assert select.index("village_secretary · 甲镇 甲一村") < select.index('<optgroup label="乙乡">')
    assert select.index('<optgroup label="乙乡">') < select.index("secretary_b · 乙乡")
    assert select.index("secretary_b · 乙乡") < select.index('<optgroup label="未属乡镇">')
    assert select.index('<optgroup label="未属乡镇">') < select.index("supervisor")


ANNUAL_REPORT_ROLES = "?role=township_secretary&role=village_secretary&role=resident_cadre"


def test_the_annual_report_picks_among_backbone_cadres_only(
    client, supervisor, secretary_a, village_secretary, resident_cadre, township_a
):
    """全年述职 is given by township secretaries, village secretaries and resident cadres
    (AnnualReport.REPORTING_ROLES): the select offers them only, and so does the search."""
    Cadre.objects.create(
        code="K-ORD", name="普通干部secretary", role=Cadre.Role.ORDINARY, township=township_a
    )
    client.force_login(supervisor)

    page = client.get(reverse("accountability:annual_report_new", args=[2015])).content.decode()
    select = page[page.index('name="cadre"') : page.index("</select>", page.index('name="cadre"'))]
    assert f'data-picker="{CADRES}{ANNUAL_REPORT_ROLES.replace("&", "&amp;")}"' in select
    assert "js/picker" in page
    assert '<optgroup label="甲镇">' in select  # grouped by township without JavaScript
    assert "secretary_a · 甲镇" in select and "resident_cadre · 甲镇 甲一村" in select
    assert "普通干部" not in select and "supervisor" not in select

    response = client.get(CADRES + ANNUAL_REPORT_ROLES + "&q=secretary")
    assert [row["label"] for row in response.json()["results"]] == [
        "secretary_a · 甲镇 · C-secretary_a",
        "village_secretary · 甲镇 甲一村 · C-village_secretary",
    ]
    assert "普通干部secretary · 甲镇 · K-ORD" in found(client, CADRES, q="secretary")


def test_an_unknown_cadre_role_is_refused_in_chinese(client, supervisor):
    client.force_login(supervisor)
    response = client.get(CADRES, {"q": "x", "role": "emperor"})
    assert response.status_code == 400
    assert response.json() == {"error": "干部类别无效。"}
