"""Inspections (督查, A7–A9): supervisors record five must-checks with findings, spot checks
down the hierarchy and unannounced checks; township secretaries read their township's."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accountability import periods
from accountability.models import Finding, Inspection
from accountability.oversight import services as oversight_services
from villages.models import Cadre, Township, Village

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
                1: ("not_checked", "本村无整合项目", ""),
                2: ("not_checked", "任务推进本月已专项督查", ""),
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
        "project_integration": ("not_checked", "本村无整合项目", None),
        "task_progress": ("not_checked", "任务推进本月已专项督查", None),
        "cadres_on_post": ("minor", "1名驻村干部不在岗", dt.date(2016, 6, 15)),
        "funds_use": ("ok", "", None),
    }
    history = inspection.history.get()
    assert history.history_user == supervisor
    # each finding is in the audit history too, recorded by the supervisor
    findings = Finding.history.filter(inspection_id=inspection.pk)
    assert sorted(findings.values_list("category", "history_type", "history_user")) == [
        ("cadres_on_post", "+", supervisor.pk),
        ("funds_use", "+", supervisor.pk),
        ("identification", "+", supervisor.pk),
        ("project_integration", "+", supervisor.pk),
        ("task_progress", "+", supervisor.pk),
    ]

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

    head = Cadre.objects.create(code="U-1", name="单位一把手", role=Cadre.Role.UNIT_HEAD)
    response = client.post(
        NEW,
        post_data(
            kind="spot_check",
            spot_level="supervision_bureau",
            inspector=supervisor.cadre.pk,
            inspected_cadre=head.pk,
        ),
    )
    assert response.status_code == 302
    assert Inspection.objects.get().spot_level == "supervision_bureau"


@pytest.mark.parametrize(
    ("fields", "findings", "message"),
    [
        ({"held_on": "2016-06-09"}, {0: ("ok", "", "")}, "日期不能晚于今天。"),
        ({"held_on": "2016-13-01"}, {0: ("ok", "", "")}, "输入一个有效的日期"),
        ({}, {0: ("ok", "", "")}, "五必查必须选择被检查的乡镇或村。"),
        (
            {"village": "A"},
            {},
            "五必查必须覆盖五类：精准识别情况、项目整合情况、任务推进情况、干部到位情况、资金使用情况没有结果。",
        ),
        (
            {"village": "A"},
            {0: ("ok", "", ""), 1: ("minor", "项目未整合", "2016-07-01"), 2: ("ok", "", "")},
            "五必查必须覆盖五类：干部到位情况、资金使用情况没有结果。不检查的类别请选择“未检查”并写明原因。",
        ),
        ({"village": "A"}, {1: ("not_checked", "", "")}, "未检查的类别必须写明原因。"),
        ({"village": "A"}, {1: ("not_checked", "无项目", "2016-07-01")}, "未检查的类别不设整改时限。"),
        (
            {"village": "A", "kind": "unannounced"},
            {1: ("not_checked", "无项目", "")},
            "只有五必查需要说明未检查的类别。",
        ),
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


@pytest.mark.parametrize(
    "url", [LIST, LIST + "?problem=funds_use", LIST + "?rectification=overdue", LIST + "?export=csv"]
)
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


# --- 整改 (rectification) of the findings ------------------------------------------------


def rectify_url(record, finding):
    return reverse("accountability:finding_rectify", args=[record.pk, finding.pk])


def detail_url(record):
    return reverse("accountability:inspection_detail", args=[record.pk])


def finding_row(page, category_label):
    """The findings-table row of one category."""
    table = page[page.index('id="findings"') :]
    return next(row for row in table.split("<tr")[1:] if category_label in row)


@pytest.fixture
def checked(village_a):
    """An inspection of 2016-05-01 (today is 2016-06-08) with one finding in each state."""
    record = inspection(village_a.township, village_a, kind="must_check")
    make = Finding.objects.create
    findings = {
        "open": make(
            inspection=record,
            category="identification",
            severity="serious",
            description="3户识别不准",
            rectify_by=dt.date(2016, 6, 30),
        ),
        "overdue": make(
            inspection=record,
            category="cadres_on_post",
            severity="minor",
            description="驻村干部不在岗",
            rectify_by=dt.date(2016, 6, 1),
        ),
        "rectified": make(
            inspection=record,
            category="task_progress",
            severity="minor",
            description="进度滞后",
            rectify_by=dt.date(2016, 6, 1),
            rectified_on=dt.date(2016, 5, 20),
        ),
        "ok": make(inspection=record, category="funds_use", severity="ok"),
    }
    return record, findings


def rectified_dates():
    return dict(Finding.objects.values_list("pk", "rectified_on"))


def test_detail_shows_each_findings_rectification_state(client, supervisor, checked):
    record, _findings = checked
    client.force_login(supervisor)
    page = client.get(detail_url(record)).content.decode()
    assert "未整改" in finding_row(page, "精准识别情况")
    assert "逾期未整改" in finding_row(page, "干部到位情况")
    assert "已整改" in finding_row(page, "任务推进情况")
    assert "2016-05-20" in finding_row(page, "任务推进情况")
    assert "整改" not in finding_row(page, "资金使用情况")  # no problem, nothing to rectify
    # the 整改完成 form only on the two problems not yet rectified
    assert page.count('class="rectify-form"') == 2
    assert 'type="submit">整改完成</button>' in finding_row(page, "精准识别情况")
    assert "rectify-form" not in finding_row(page, "任务推进情况")


def test_supervisor_records_rectification_and_the_page_shows_it(client, supervisor, checked):
    record, findings = checked
    overdue = findings["overdue"]
    before = rectified_dates()
    client.force_login(supervisor)
    response = client.post(rectify_url(record, overdue), {"rectified_on": "2016-06-05"})
    assert response.status_code == 302
    assert response.url == detail_url(record) + "#findings"
    overdue.refresh_from_db()
    assert overdue.rectified_on == dt.date(2016, 6, 5)
    # only that finding changed
    assert rectified_dates() == {**before, overdue.pk: dt.date(2016, 6, 5)}

    page = client.get(response.url).content.decode()
    assert "已记录整改完成：干部到位情况，2016-06-05。" in page
    row = finding_row(page, "干部到位情况")
    assert "已整改" in row and "2016-06-05" in row and "逾期" not in row
    assert "rectify-form" not in row
    assert page.count('class="rectify-form"') == 1


def test_a_rectification_on_the_inspection_day_and_today_is_accepted(client, supervisor, checked):
    record, findings = checked
    client.force_login(supervisor)
    assert (
        client.post(rectify_url(record, findings["open"]), {"rectified_on": "2016-05-01"}).status_code == 302
    )
    assert (
        client.post(rectify_url(record, findings["overdue"]), {"rectified_on": "2016-06-08"}).status_code
        == 302
    )
    assert Finding.objects.get(pk=findings["open"].pk).rectified_on == dt.date(2016, 5, 1)
    assert Finding.objects.get(pk=findings["overdue"].pk).rectified_on == dt.date(2016, 6, 8)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2016-06-09", "整改完成日期不能晚于今天。"),
        ("2016-04-30", "整改完成日期不能早于督查日期（2016-05-01）。"),
        ("", "请填写整改完成日期。"),
        ("上周", "输入一个有效的日期"),
        ("2016-02-30", "输入一个有效的日期"),
    ],
)
def test_bad_rectification_date_is_refused_next_to_the_field(client, supervisor, checked, value, message):
    record, findings = checked
    finding = findings["open"]
    before = rectified_dates()
    client.force_login(supervisor)
    response = client.post(rectify_url(record, finding), {"rectified_on": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    # next to the field, in that finding's row
    assert f'id="id_finding_{finding.pk}_rectified_on_errors"' in finding_row(page, "精准识别情况")
    assert message in finding_row(page, "精准识别情况")
    assert rectified_dates() == before


@pytest.mark.parametrize(
    ("which", "message"),
    [("ok", "该类别未发现问题，无需整改。"), ("rectified", "该问题已于2016-05-20整改完成，不能重复记录。")],
)
def test_a_finding_without_an_open_problem_cannot_be_rectified(client, supervisor, checked, which, message):
    record, findings = checked
    before = rectified_dates()
    client.force_login(supervisor)
    response = client.post(rectify_url(record, findings[which]), {"rectified_on": "2016-06-01"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert rectified_dates() == before


def test_only_supervisors_record_rectification(client, secretary_a, secretary_b, admin_user, checked):
    record, findings = checked
    before = rectified_dates()
    url = rectify_url(record, findings["open"])
    client.force_login(secretary_a)
    page = client.get(detail_url(record)).content.decode()
    assert "逾期未整改" in finding_row(page, "干部到位情况")  # sees the state
    assert "rectify-form" not in page and "整改完成</button>" not in page  # but no button
    assert client.post(url, {"rectified_on": "2016-06-01"}).status_code == 403
    client.force_login(admin_user)
    assert "rectify-form" not in client.get(detail_url(record)).content.decode()
    assert client.post(url, {"rectified_on": "2016-06-01"}).status_code == 403
    client.force_login(secretary_b)  # another township's inspection: not found
    assert client.post(url, {"rectified_on": "2016-06-01"}).status_code == 404
    assert rectified_dates() == before


def test_a_finding_of_another_inspection_is_not_found(client, supervisor, checked, township_b):
    record, _findings = checked
    other = inspection(township_b, findings=[("funds_use", "minor")])
    foreign = other.findings.get()
    client.force_login(supervisor)
    response = client.post(rectify_url(record, foreign), {"rectified_on": "2016-06-01"})
    assert response.status_code == 404
    assert (
        client.post(
            reverse("accountability:finding_rectify", args=[record.pk, 999999]),
            {"rectified_on": "2016-06-01"},
        ).status_code
        == 404
    )
    assert Finding.objects.get(pk=foreign.pk).rectified_on is None


def test_list_filters_by_rectification(client, supervisor, checked, township_b):
    # 2016-05-01: one open, one overdue, one rectified problem (the fixture)
    make = Finding.objects.create
    done = inspection(township_b, held_on=dt.date(2016, 3, 1))
    make(inspection=done, category="funds_use", severity="minor", rectified_on=dt.date(2016, 3, 5))
    make(inspection=done, category="identification", severity="ok")
    waiting = inspection(township_b, held_on=dt.date(2016, 4, 1))
    make(inspection=waiting, category="funds_use", severity="serious", rectify_by=dt.date(2016, 7, 1))
    inspection(township_b, held_on=dt.date(2016, 2, 1), findings=[("funds_use", "ok")])  # nothing to rectify
    client.force_login(supervisor)

    def dates(value):
        page = client.get(LIST, {"rectification": value}).content.decode()
        return [d for d in ("2016-02-01", "2016-03-01", "2016-04-01", "2016-05-01") if d in page]

    assert dates("open") == ["2016-04-01", "2016-05-01"]
    assert dates("overdue") == ["2016-05-01"]
    assert dates("rectified") == ["2016-03-01"]  # every problem rectified
    assert dates("") == ["2016-02-01", "2016-03-01", "2016-04-01", "2016-05-01"]
    page = client.get(LIST, {"rectification": "soon"}).content.decode()
    assert "筛选条件无效" in page


# --- who recorded 整改完成: the findings' audit history ------------------------------------


def test_rectification_is_in_the_findings_history_under_the_supervisor(supervisor, checked):
    """Outside a request (no middleware to name the user): the service itself names him."""
    _record, findings = checked
    finding = findings["open"]

    oversight_services.rectify_finding(supervisor, finding, dt.date(2016, 6, 2))

    before, after = finding.history.order_by("history_date", "history_id")
    assert (before.history_type, before.rectified_on, before.history_user) == ("+", None, None)
    assert (after.history_type, after.rectified_on, after.history_user) == (
        "~",
        dt.date(2016, 6, 2),
        supervisor,
    )
    assert [change.field for change in after.diff_against(before).changes] == ["rectified_on"]


def test_detail_shows_who_recorded_each_rectification(client, supervisor, checked):
    record, findings = checked
    client.force_login(supervisor)
    client.post(rectify_url(record, findings["overdue"]), {"rectified_on": "2016-06-05"})
    findings["rectified"].history.all().delete()  # loaded in bulk: no history to tell

    page = client.get(detail_url(record)).content.decode()

    row = finding_row(page, "干部到位情况")
    assert "已整改" in row and "2016-06-05" in row
    recorded = Finding.history.filter(id=findings["overdue"].pk).latest("history_date").history_date
    stamp = timezone.localtime(recorded).strftime("%Y-%m-%d %H:%M")
    assert f"supervisor记录于{stamp}" in row
    row = finding_row(page, "任务推进情况")
    assert "已整改" in row and "2016-05-20" in row and "记录于" not in row
    assert "记录于" not in finding_row(page, "精准识别情况")  # open: nothing recorded yet


def test_a_rectification_recorded_without_a_user_names_nobody(client, supervisor, checked):
    """A finding created already rectified (the admin, a script) shows when, not who."""
    record, _findings = checked
    client.force_login(supervisor)
    row = finding_row(client.get(detail_url(record)).content.decode(), "任务推进情况")
    assert "记录于" in row and "supervisor记录于" not in row


def rectified_inspection(categories, supervisor):
    """An inspection whose findings in ``categories`` were all rectified by the supervisor,
    each also edited once in the admin, with an accountability action for each."""
    record = inspection(kind="must_check", held_on=dt.date(2016, 5, 1))
    cadre = supervisor.cadre
    for category in categories:
        finding = Finding.objects.create(
            inspection=record, category=category, severity="minor", rectify_by=dt.date(2016, 6, 1)
        )
        finding.description = "复查"
        finding._history_user = supervisor
        finding.save()
        oversight_services.rectify_finding(supervisor, finding, dt.date(2016, 5, 20))
        oversight_services.record_action(
            supervisor,
            {
                "kind": "warning_talk",
                "cadre": cadre,
                "rank": "ordinary",
                "decided_on": dt.date(2016, 5, 21),
                "reason": category,
                "inspection": record,
            },
        )
    return record


# session, user, groups, the inspection, the findings' history (with its users), the
# findings, the actions, the inspection's history: the same with one finding and with five
DETAIL_QUERIES = 8


def test_detail_query_count_is_pinned_whatever_the_findings(client, supervisor, django_assert_num_queries):
    small = rectified_inspection(CATEGORIES[:1], supervisor)
    large = rectified_inspection(CATEGORIES, supervisor)
    client.force_login(supervisor)

    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(detail_url(small)).content.decode()
    assert page.count("supervisor记录于") == 1
    with django_assert_num_queries(DETAIL_QUERIES):
        page = client.get(detail_url(large)).content.decode()
    assert page.count("supervisor记录于") == 5
