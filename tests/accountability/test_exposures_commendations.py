"""TV exposures (电视问政, A7) and commendations and promotions (表彰提拔, C4) on their
pages: supervisors record and edit them, bad input is refused in Chinese and writes nothing,
a township secretary reads his township's exposures, the lists filter and export."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import Commendation, Exposure
from tests.accountability.tasks_factories import make_task

pytestmark = pytest.mark.django_db

EXPOSURE_NEW = reverse("accountability:exposure_new")
EXPOSURES = reverse("accountability:exposure_list")
COMMENDATION_NEW = reverse("accountability:commendation_new")
COMMENDATIONS = reverse("accountability:commendation_list")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def exposure_data(township, **fields):
    return {
        "kind": "exposed",
        "aired_on": "2016-06-01",
        "programme": "赤水电视台《电视问政》",
        "township": township.pk,
        "title": "产业路进度滞后",
        "task": "",
        **fields,
    }


def commendation_data(subject, **fields):
    return {
        "kind": "promoted",
        "cadre": subject.pk,
        "decided_on": "2016-06-01",
        "title": "提拔为副科级",
        **fields,
    }


def exposure_counts():
    return Exposure.objects.count(), Exposure.history.count()


def commendation_counts():
    return Commendation.objects.count(), Commendation.history.count()


def test_supervisor_records_an_exposure_of_a_task(client, supervisor, secretary_a, township_a):
    task = make_task(secretary_a, "T-A-1")
    client.force_login(supervisor)

    response = client.post(EXPOSURE_NEW, exposure_data(township_a, task=task.pk))

    assert response.status_code == 302
    assert response.url == EXPOSURES + "?year=2016"
    exposure = Exposure.objects.get()
    assert (exposure.programme, exposure.aired_on, exposure.task) == (
        "赤水电视台《电视问政》",
        dt.date(2016, 6, 1),
        task,
    )
    assert exposure.history.get().history_user == supervisor
    page = client.get(response.url).content.decode()
    assert "赤水电视台《电视问政》" in page and "T-A-1" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"programme": ""}, "programme", None),
        ({"aired_on": "2016-06-09"}, "aired_on", "日期不能晚于今天。"),
        ({"aired_on": "昨天"}, "aired_on", None),
        ({"task": "OTHER_TASK"}, "task", "所选任务不属于该乡镇。"),
        ({"kind": "hidden"}, "kind", "选择无效：请从列表中选择。"),
        ({"title": ""}, "title", None),
    ],
)
def test_bad_exposures_are_refused_and_write_nothing(
    client, supervisor, secretary_b, township_a, fields, field, message
):
    other = make_task(secretary_b, "T-B-1")
    fields = {k: other.pk if v == "OTHER_TASK" else v for k, v in fields.items()}
    client.force_login(supervisor)

    response = client.post(EXPOSURE_NEW, exposure_data(township_a, **fields))

    assert response.status_code == 400
    assert exposure_counts() == (0, 0)
    errors = response.context["form"].errors[field]
    if message:
        assert message in errors
    assert all(not e.startswith(("Ensure", "Enter", "Select", "This field")) for e in errors)


def test_exposure_edit_is_versioned_and_kept(client, supervisor, township_a):
    exposure = Exposure.objects.create(
        kind="exposed",
        aired_on=dt.date(2016, 5, 3),
        programme="电视问政",
        township=township_a,
        title="旧标题",
    )
    client.force_login(supervisor)
    url = reverse("accountability:exposure_edit", args=[exposure.pk])

    saved = client.post(url, exposure_data(township_a, title="新标题", version="1"))
    stale = client.post(url, exposure_data(township_a, title="另一个标题", version="1"))

    assert (saved.status_code, stale.status_code) == (302, 409)
    exposure.refresh_from_db()
    assert (exposure.title, exposure.version) == ("新标题", 2)
    history = client.get(url).context["history"]
    assert ("标题", "旧标题", "新标题") in history[0]["changes"]
    assert history[0]["record"].history_user == supervisor


def test_secretary_reads_only_his_townships_exposures(client, secretary_a, township_a, township_b):
    own = Exposure.objects.create(
        kind="praised", aired_on=dt.date(2016, 5, 3), programme="电视问政", township=township_a, title="甲"
    )
    Exposure.objects.create(
        kind="exposed", aired_on=dt.date(2016, 5, 4), programme="电视问政", township=township_b, title="乙"
    )
    client.force_login(secretary_a)

    page = client.get(EXPOSURES)

    assert list(page.context["table"].data) == [own]
    assert reverse("accountability:exposure_edit", args=[own.pk]) not in page.content.decode()
    assert reverse("accountability:exposure_new") not in page.content.decode()


def test_exposure_list_filters_and_exports(client, supervisor, township_a, township_b):
    first = Exposure.objects.create(
        kind="praised", aired_on=dt.date(2015, 5, 3), programme="电视问政", township=township_a, title="=甲"
    )
    second = Exposure.objects.create(
        kind="exposed", aired_on=dt.date(2016, 5, 4), programme="电视问政", township=township_b, title="乙"
    )
    client.force_login(supervisor)

    def shown(**query):
        return list(client.get(EXPOSURES, query).context["table"].data)

    assert shown(year=2015) == [first]
    assert shown(kind="exposed") == [second]
    assert shown(township=township_a.pk) == [first]
    csv = client.get(EXPOSURES, {"export": "csv", "year": 2015}).content.decode("utf-8-sig")
    assert csv.splitlines() == [
        "播出日期,类型,栏目/节目名称,标题,乡镇,任务",
        "2015-05-03,报道经验,电视问政,'=甲,甲镇,",
    ]
    xlsx = client.get(EXPOSURES, {"export": "xlsx"})
    assert xlsx["Content-Disposition"].endswith('exposures.xlsx"')


def test_supervisor_records_and_edits_a_promotion(client, supervisor, resident_cadre):
    client.force_login(supervisor)

    response = client.post(COMMENDATION_NEW, commendation_data(resident_cadre.cadre))

    assert response.status_code == 302
    commendation = Commendation.objects.get()
    url = reverse("accountability:commendation_edit", args=[commendation.pk])
    edited = client.post(url, commendation_data(resident_cadre.cadre, title="提拔为副镇长", version="1"))
    assert edited.status_code == 302
    commendation.refresh_from_db()
    assert (commendation.kind, commendation.title, commendation.version) == ("promoted", "提拔为副镇长", 2)
    assert [h.history_user for h in commendation.history.all()] == [supervisor, supervisor]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"cadre": "999999"}, "cadre", "选择无效：请从列表中选择。"),
        ({"cadre": ""}, "cadre", None),
        ({"decided_on": "2017-01-01"}, "decided_on", "日期不能晚于今天。"),
        ({"kind": "medal"}, "kind", "选择无效：请从列表中选择。"),
        ({"title": "x" * 129}, "title", None),
    ],
)
def test_bad_commendations_are_refused_and_write_nothing(
    client, supervisor, resident_cadre, fields, field, message
):
    client.force_login(supervisor)

    response = client.post(COMMENDATION_NEW, commendation_data(resident_cadre.cadre, **fields))

    assert response.status_code == 400
    assert commendation_counts() == (0, 0)
    errors = response.context["form"].errors[field]
    if message:
        assert message in errors
    assert all(not e.startswith(("Ensure", "Enter", "Select", "This field")) for e in errors)


def test_commendation_list_by_year_kind_and_township(
    client, supervisor, resident_cadre, secretary_b, township_a, township_b
):
    promoted = Commendation.objects.create(
        kind="promoted", cadre=resident_cadre.cadre, decided_on=dt.date(2016, 3, 1), title="提拔"
    )
    commended = Commendation.objects.create(
        kind="commended", cadre=secretary_b.cadre, decided_on=dt.date(2015, 3, 1), title="表彰"
    )
    client.force_login(supervisor)

    def shown(**query):
        return list(client.get(COMMENDATIONS, query).context["table"].data)

    assert shown(year=2015) == [commended]
    assert shown(kind="promoted") == [promoted]
    assert shown(township=township_a.pk) == [promoted]
    assert shown(township=township_b.pk) == [commended]
    csv = client.get(COMMENDATIONS, {"export": "csv", "kind": "promoted"}).content.decode("utf-8-sig")
    assert csv.splitlines() == ["日期,类型,干部,乡镇,荣誉或职务", "2016-03-01,提拔,resident_cadre,甲镇,提拔"]


def test_weekly_dashboard_names_the_programme_of_an_exposure(client, supervisor, township_a):
    Exposure.objects.create(
        kind="exposed", aired_on=dt.date(2016, 6, 7), programme="赤水新闻", township=township_a, title="滞后"
    )
    client.force_login(supervisor)
    data = client.get(
        reverse("accountability:dashboard_weekly"), {"week": "2016-W23", "format": "json"}
    ).json()
    assert [(a["programme"], a["title"]) for a in data["exposure"]["aired"]] == [("赤水新闻", "滞后")]


def test_a_double_submit_records_one_exposure_and_one_commendation(
    client, supervisor, township_a, resident_cadre
):
    client.force_login(supervisor)
    for _ in range(2):
        assert client.post(EXPOSURE_NEW, exposure_data(township_a)).status_code == 302
        assert client.post(COMMENDATION_NEW, commendation_data(resident_cadre.cadre)).status_code == 302
    assert exposure_counts() == (1, 1)
    assert commendation_counts() == (1, 1)
    # a different exposure the same day is still recorded
    client.post(EXPOSURE_NEW, exposure_data(township_a, title="另一条"))
    assert exposure_counts() == (2, 2)
