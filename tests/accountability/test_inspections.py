"""Inspections (督查, A7–A9): supervisors record five must-checks with findings, spot checks
down the hierarchy and unannounced checks; township secretaries read their township's."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import Finding, Inspection
from villages.models import Township, Village

pytestmark = pytest.mark.django_db

NEW = reverse("accountability:inspection_new")
LIST = reverse("accountability:inspection_list")
CATEGORIES = Finding.Category.values


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def post_data(findings=None, **fields):
    """An inspection form with the five category rows; ``findings`` maps a row index to its
    severity, description and rectify_by."""
    data = {
        "kind": "must_check",
        "spot_level": "",
        "held_on": "2016-06-01",
        "township": "",
        "village": "",
        "inspector": "",
        "inspected_cadre": "",
        "summary": "",
        "findings-TOTAL_FORMS": "5",
        "findings-INITIAL_FORMS": "0",
    }
    for i, category in enumerate(CATEGORIES):
        severity, description, rectify_by = (findings or {}).get(i, ("", "", ""))
        data.update(
            {
                f"findings-{i}-category": category,
                f"findings-{i}-severity": severity,
                f"findings-{i}-description": description,
                f"findings-{i}-rectify_by": rectify_by,
            }
        )
    data.update(fields)
    return data


def counts():
    return Inspection.objects.count(), Finding.objects.count(), Inspection.history.count()


def test_supervisor_records_a_must_check_with_findings_in_one_go(client, supervisor, village_a):
    client.force_login(supervisor)
    response = client.post(
        NEW,
        post_data(
            findings={
                0: ("serious", "3户识别不准", "2016-06-30"),
                3: ("minor", "1名驻村干部不在岗", "2016-06-15"),
                4: ("ok", "", ""),
            },
            village=village_a.pk,
            inspector=supervisor.cadre.pk,
            summary="五必查",
        ),
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accountability:inspection_detail", args=[inspection.pk])
    assert inspection.township == village_a.township  # taken from the village
    assert inspection.recorded_by == supervisor
    found = {f.category: (f.severity, f.description, f.rectify_by) for f in inspection.findings.all()}
    assert found == {
        "identification": ("serious", "3户识别不准", dt.date(2016, 6, 30)),
        "cadres_on_post": ("minor", "1名驻村干部不在岗", dt.date(2016, 6, 15)),
        "funds_use": ("ok", "", None),
    }
    history = inspection.history.get()
    assert history.history_user == supervisor

    page = client.get(response.url).content.decode()
    assert "3户识别不准" in page and "严重问题" in page and "supervisor" in page


def test_spot_check_needs_its_level_and_an_unannounced_check_has_none(client, supervisor):
    client.force_login(supervisor)
    response = client.post(NEW, post_data(kind="spot_check"))
    assert response.status_code == 400
    assert "五抽查必须选择抽查层级。" in response.content.decode()
    response = client.post(NEW, post_data(kind="unannounced", spot_level="unit_heads"))
    assert "只有五抽查才填写抽查层级。" in response.content.decode()
    assert counts() == (0, 0, 0)

    response = client.post(
        NEW, post_data(kind="spot_check", spot_level="deputies", inspected_cadre=supervisor.cadre.pk)
    )
    assert response.status_code == 302
    assert Inspection.objects.get().spot_level == "deputies"


@pytest.mark.parametrize(
    ("fields", "findings", "message"),
    [
        ({"held_on": "2016-06-09"}, {0: ("ok", "", "")}, "日期不能晚于今天。"),
        ({"held_on": "2016-13-01"}, {0: ("ok", "", "")}, "输入一个有效的日期"),
        ({}, {0: ("ok", "", "")}, "五必查必须选择被检查的乡镇或村。"),
        ({"village": "A"}, {}, "五必查至少要填写一个类别的检查结果。"),
        ({"village": "A"}, {1: ("minor", "", "2016-07-01")}, "发现问题时必须写明具体情况。"),
        ({"village": "A"}, {1: ("serious", "资金挪用", "")}, "发现问题时必须规定整改时限。"),
        ({"village": "A"}, {1: ("ok", "", "2016-07-01")}, "未发现问题时不设整改时限。"),
        ({"village": "A"}, {1: ("", "忘了选程度", "")}, "填写了发现情况，请选择问题程度。"),
        ({"village": "A"}, {1: ("minor", "晚了", "2016-05-01")}, "整改时限不能早于督查日期。"),
        ({"village": "A"}, {1: ("terrible", "x", "2016-07-01")}, "选择无效：请从列表中选择。"),
        ({"village": "A", "township": "B"}, {0: ("ok", "", "")}, "该村不属于所选乡镇。"),
        ({"village": "A", "kind": "weekly"}, {0: ("ok", "", "")}, "选择无效：请从列表中选择。"),
        ({"village": "999999"}, {0: ("ok", "", "")}, "选择无效：请从列表中选择。"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_writes_nothing(
    client, supervisor, village_a, village_b, fields, findings, message
):
    client.force_login(supervisor)
    places = {"A": village_a.pk, "B": village_b.township.pk}
    fields = {k: places.get(v, v) for k, v in fields.items()}
    response = client.post(NEW, post_data(findings=findings, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert counts() == (0, 0, 0)


def test_the_same_category_twice_is_refused(client, supervisor, village_a):
    client.force_login(supervisor)
    data = post_data(findings={0: ("ok", "", ""), 1: ("ok", "", "")}, village=village_a.pk)
    data["findings-1-category"] = CATEGORIES[0]
    response = client.post(NEW, data)
    assert response.status_code == 400
    assert "“精准识别情况”填写了两次，每类只能有一条。" in response.content.decode()
    assert counts() == (0, 0, 0)


def inspection(township=None, village=None, kind="unannounced", held_on=dt.date(2016, 5, 1), findings=()):
    record = Inspection.objects.create(
        kind=kind,
        spot_level="unit_heads" if kind == "spot_check" else "",
        held_on=held_on,
        township=township,
        village=village,
    )
    for category, severity in findings:
        Finding.objects.create(inspection=record, category=category, severity=severity, description="情况")
    return record


def test_township_secretary_sees_his_townships_inspections_read_only(
    client, secretary_a, village_a, township_b
):
    own = inspection(township=village_a.township, village=village_a, held_on=dt.date(2016, 5, 3))
    other = inspection(township=township_b, held_on=dt.date(2016, 5, 4))
    client.force_login(secretary_a)
    page = client.get(LIST).content.decode()
    assert "2016-05-03" in page and "2016-05-04" not in page
    assert "录入督查" not in page
    assert client.get(reverse("accountability:inspection_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("accountability:inspection_detail", args=[other.pk])).status_code == 404
    assert client.post(NEW, post_data(village=village_a.pk, findings={0: ("ok", "", "")})).status_code == 403
    assert Inspection.objects.count() == 2


def test_list_filters_by_kind_problem_category_township_and_dates(client, supervisor, village_a, township_b):
    township_a = village_a.township
    inspection(
        township_a, kind="must_check", held_on=dt.date(2016, 3, 1), findings=[("funds_use", "serious")]
    )
    inspection(township_a, kind="must_check", held_on=dt.date(2016, 3, 2), findings=[("funds_use", "ok")])
    inspection(township_b, kind="spot_check", held_on=dt.date(2016, 4, 1))
    inspection(
        township_b, kind="unannounced", held_on=dt.date(2016, 5, 1), findings=[("task_progress", "minor")]
    )
    client.force_login(supervisor)

    def dates(**query):
        page = client.get(LIST, query).content.decode()
        return [d for d in ("2016-03-01", "2016-03-02", "2016-04-01", "2016-05-01") if d in page]

    assert dates(kind="must_check") == ["2016-03-01", "2016-03-02"]
    assert dates(problem="funds_use") == ["2016-03-01"]  # an "ok" finding is no problem
    assert dates(problem="task_progress") == ["2016-05-01"]
    assert dates(township=township_b.pk) == ["2016-04-01", "2016-05-01"]
    assert dates(held_from="2016-03-02", held_to="2016-04-30") == ["2016-03-02", "2016-04-01"]


def test_bad_filter_shows_a_chinese_message(client, supervisor, township_a):
    inspection(township_a, held_on=dt.date(2016, 3, 1))
    client.force_login(supervisor)
    page = client.get(LIST, {"held_from": "去年"}).content.decode()
    assert "筛选条件无效" in page and "2016-03-01" not in page


def test_csv_export_lists_the_filtered_inspections(client, supervisor, village_a, township_b):
    inspection(village_a.township, village_a, kind="must_check", findings=[("funds_use", "serious")])
    inspection(township_b, kind="spot_check", held_on=dt.date(2016, 4, 1))
    client.force_login(supervisor)
    response = client.get(LIST, {"kind": "must_check", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("督查日期,督查类型")
    assert len(lines) == 2 and "甲一村" in lines[1] and ",1,1,1," in lines[1]


def make_inspections(n):
    start = Township.objects.count()
    townships = [
        Township.objects.create(code=f"T-I{i}", name=f"督{i}乡", kind="township")
        for i in range(start, start + n)
    ]
    for t in townships:
        village = Village.objects.create(code=f"V-{t.code}", township=t, name=f"{t.name}村")
        inspection(
            t, village, kind="must_check", findings=[("funds_use", "serious"), ("identification", "ok")]
        )


@pytest.mark.parametrize("url", [LIST, LIST + "?problem=funds_use", LIST + "?export=csv"])
def test_list_query_count_does_not_grow(client, supervisor, url, django_assert_max_num_queries):
    client.force_login(supervisor)
    make_inspections(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    make_inspections(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_new_inspection_form_query_count_does_not_grow(client, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    make_inspections(2)
    with django_assert_max_num_queries(12) as small:
        assert client.get(NEW).status_code == 200
    make_inspections(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(NEW).status_code == 200


def test_detail_without_history_says_so(client, supervisor):
    """Inspections loaded in bulk (the demo, an import) have no history rows: the history
    table says so instead of showing an empty table."""
    record = inspection()
    record.history.all().delete()
    client.force_login(supervisor)
    page = client.get(reverse("accountability:inspection_detail", args=[record.pk])).content.decode()
    assert "还没有修改记录。" in page
