"""The A9/A10 rules in the model (issue 11): the rank of an action is the cadre's, and the
five spot-checks follow the chain city leaders → supervision groups → supervision bureau →
unit heads → deputies → section-level → ordinary cadres. Each is refused by full_clean, by
the page's form and by the admin, with a Chinese message, and nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability import periods
from accountability.models import AccountabilityAction, Finding, Inspection, Rank
from tests.villages.files import csv_bytes
from villages.models import Cadre, ChainLevel, Unit
from villages.registry import engine as registry

pytestmark = pytest.mark.django_db

ACTION_NEW = reverse("accountability:action_new")
INSPECTION_NEW = reverse("accountability:inspection_new")
REFUSED_SECRETARY = "村党组织书记的职级类别只能是：一般干部。"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def cadre(code, role, **fields):
    return Cadre.objects.create(code=code, name=f"干部{code}", role=role, **fields)


# ------------------------------------------------------------------ the rank is the cadre's


def test_the_rank_class_follows_the_role_unless_recorded():
    defaults = {
        Cadre.Role.UNIT_HEAD: Rank.UNIT_HEAD,
        Cadre.Role.CITY_LEADER: Rank.UNIT_HEAD,
        Cadre.Role.SECTION_LEADER: Rank.SECTION_LEVEL,
        Cadre.Role.TOWNSHIP_SECRETARY: Rank.SECTION_LEVEL,
        Cadre.Role.SUPERVISION_GROUP: Rank.SECTION_LEVEL,
        Cadre.Role.VILLAGE_SECRETARY: Rank.ORDINARY,
        Cadre.Role.RESIDENT_CADRE: Rank.ORDINARY,
        Cadre.Role.SECTION_CADRE: Rank.ORDINARY,
        Cadre.Role.ORDINARY: Rank.ORDINARY,
        Cadre.Role.SUPERVISOR: Rank.ORDINARY,
    }
    assert set(defaults) == set(Cadre.Role.values)
    for role, rank in defaults.items():
        assert Cadre(role=role).rank_class == rank
    assert Cadre(role=Cadre.Role.RESIDENT_CADRE, rank=Rank.SECTION_LEVEL).rank_class == Rank.SECTION_LEVEL


def test_a_village_secretary_cannot_be_recorded_as_a_unit_head(village_a):
    secretary = Cadre(
        code="S1",
        name="支书",
        role=Cadre.Role.VILLAGE_SECRETARY,
        township=village_a.township,
        village=village_a,
    )
    secretary.rank = Rank.UNIT_HEAD
    with pytest.raises(ValidationError) as refused:
        secretary.full_clean()
    assert refused.value.message_dict["rank"] == [REFUSED_SECRETARY]
    secretary.rank = ""
    secretary.full_clean()  # left to the role: 一般干部


def test_the_admin_refuses_the_rank_the_role_does_not_allow_and_writes_nothing(client, admin_user, village_a):
    client.force_login(admin_user)
    before = Cadre.objects.count(), Cadre.history.count()
    response = client.post(
        reverse("admin:villages_cadre_add"),
        {
            "code": "S1",
            "name": "支书",
            "role": "village_secretary",
            "township": village_a.township_id,
            "village": village_a.pk,
            "rank": "unit_head",
        },
    )
    assert response.status_code == 200
    assert REFUSED_SECRETARY in response.context["adminform"].form.errors["rank"]
    assert (Cadre.objects.count(), Cadre.history.count()) == before


def test_the_action_takes_the_cadres_rank_whatever_is_posted(
    client, supervisor, village_secretary, resident_cadre
):
    """The form offers no rank; a rank posted anyway is ignored: a village secretary recorded
    in an action never raises the 一把手 count."""
    client.force_login(supervisor)
    form = client.get(ACTION_NEW).content.decode()
    assert 'name="rank"' not in form
    data = {"kind": "warning_talk", "decided_on": "2016-06-01", "reason": "滞后", "rank": "unit_head"}
    assert client.post(ACTION_NEW, {**data, "cadre": village_secretary.cadre.pk}).status_code == 302
    resident = resident_cadre.cadre
    resident.rank = Rank.SECTION_LEVEL
    resident.full_clean()
    resident.save()
    assert client.post(ACTION_NEW, {**data, "cadre": resident.pk}).status_code == 302
    ranks = dict(AccountabilityAction.objects.values_list("cadre__role", "rank"))
    assert ranks == {"village_secretary": "ordinary", "resident_cadre": "section_level"}
    talks = client.get(reverse("accountability:action_list"), {"format": "json"}).json()["warning_talk"]
    assert talks == {"unit_head": 0, "section_level": 1, "ordinary": 1}


def test_the_rank_is_a_snapshot_of_the_day_of_the_decision(resident_cadre):
    resident = resident_cadre.cadre
    action = AccountabilityAction(
        kind="warning_talk", cadre=resident, rank="unit_head", decided_on=dt.date(2016, 3, 1), reason="滞后"
    )
    action.full_clean()
    action.save()
    assert action.rank == Rank.ORDINARY  # the typed one is replaced by the cadre's
    resident.rank = Rank.SECTION_LEVEL  # promoted later
    resident.save()
    action.refresh_from_db()
    action.reason = "滞后（补充）"
    action.full_clean()
    assert action.rank == Rank.ORDINARY  # kept: the rank he had when talked to
    other = cadre("H1", Cadre.Role.UNIT_HEAD)
    action.cadre = other
    action.full_clean()
    assert action.rank == Rank.UNIT_HEAD  # another cadre: his rank


def test_the_admin_takes_the_cadres_rank(client, admin_user, village_secretary):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accountability_accountabilityaction_add"),
        {
            "kind": "warning_talk",
            "cadre": village_secretary.cadre.pk,
            "rank": "unit_head",
            "decided_on": "2016-06-01",
            "reason": "滞后",
        },
    )
    assert response.status_code == 302
    assert AccountabilityAction.objects.get().rank == Rank.ORDINARY


def load_cadres(tmp_path, rows):
    path = tmp_path / "cadres.csv"
    path.write_bytes(csv_bytes(rows))
    return registry.load([(path.name, path)])


def test_the_cadres_sheet_takes_an_optional_rank_and_refuses_one_the_role_does_not_allow(tmp_path, village_a):
    header = ["编号", "姓名", "职务类型", "乡镇编码", "村编码", "职级类别"]
    report = load_cadres(
        tmp_path,
        [
            header,
            ["C1", "支书", "村党组织书记", village_a.township.code, village_a.code, "单位主要领导（一把手）"],
            ["C2", "局长", "单位主要领导", None, None, None],
        ],
    )
    assert not report.written and not Cadre.objects.exists()
    assert any(
        e.startswith("cadres.csv row 2, 职级类别:") and REFUSED_SECRETARY in e for e in report.errors
    ), report.errors

    report = load_cadres(
        tmp_path,
        [
            header,
            ["C1", "支书", "村党组织书记", village_a.township.code, village_a.code, None],
            ["C2", "督查员", "督查人员", None, None, "科级领导干部"],
        ],
    )
    assert report.written, report.errors
    assert {c.code: c.rank_class for c in Cadre.objects.all()} == {"C1": "ordinary", "C2": "section_level"}
    # without the column (the sheet as it was): left to the role
    report = load_cadres(tmp_path, [["编号", "姓名", "职务类型"], ["C3", "科长", "科级干部"]])
    assert report.written and Cadre.objects.get(code="C3").rank_class == Rank.SECTION_LEVEL


# ------------------------------------------------------------------ the spot-check chain (A9)


@pytest.fixture
def chain(db):
    """One cadre at every level of the chain; the unit-level ones in one unit."""
    unit, other_unit = Unit.objects.create(name="市农牧局"), Unit.objects.create(name="市林业局")
    return {
        "leader": cadre("L", Cadre.Role.CITY_LEADER),
        "group": cadre("G", Cadre.Role.SUPERVISION_GROUP),
        "bureau": cadre("B", Cadre.Role.SUPERVISOR),
        "head": cadre("H", Cadre.Role.UNIT_HEAD, unit=unit),
        "deputy": cadre("D", Cadre.Role.SECTION_LEADER, unit=unit),
        "section": cadre("S", Cadre.Role.SECTION_CADRE, unit=unit),
        "ordinary": cadre("O", Cadre.Role.ORDINARY, unit=unit),
        "elsewhere": cadre("E", Cadre.Role.SECTION_LEADER, unit=other_unit),
    }


def spot(level, inspector, inspected):
    return Inspection(
        kind="spot_check",
        spot_level=level,
        held_on=dt.date(2016, 5, 1),
        inspector=inspector,
        inspected_cadre=inspected,
    )


def test_the_chain_orders_the_roles_top_down(chain):
    levels = [
        chain[k].chain_level for k in ("leader", "group", "bureau", "head", "deputy", "section", "ordinary")
    ]
    assert levels == sorted(levels) == list(ChainLevel)


@pytest.mark.parametrize(
    ("level", "inspector", "inspected"),
    [
        ("city_leaders", "leader", "group"),
        ("supervision_bureau", "bureau", "head"),
        ("unit_heads", "head", "deputy"),
        ("deputies", "deputy", "section"),
        ("section_cadres", "section", "ordinary"),
    ],
)
def test_each_spot_level_checks_the_next_level_down(chain, level, inspector, inspected):
    spot(level, chain[inspector], chain[inspected]).full_clean()
    with pytest.raises(ValidationError):  # and not the other way round
        spot(level, chain[inspected], chain[inspector]).full_clean()


def test_a_village_secretary_cannot_inspect_or_be_spot_checked_as_a_unit_head(village_secretary):
    secretary = village_secretary.cadre
    with pytest.raises(ValidationError) as refused:
        spot("supervision_bureau", secretary, secretary).full_clean()
    errors = refused.value.message_dict
    assert errors["inspector"] == [
        f"“市督查局抽查单位主要领导”的督查人应是市督查局；{secretary.name}是村党组织书记。"
    ]
    assert errors["inspected_cadre"] == [
        f"“市督查局抽查单位主要领导”的被抽查干部应是单位主要领导；{secretary.name}是村党组织书记。"
    ]


def test_a_spot_check_names_both_cadres_and_stays_within_the_unit(chain):
    with pytest.raises(ValidationError) as refused:
        spot("unit_heads", None, None).full_clean()
    assert refused.value.message_dict == {
        "inspector": ["五抽查必须填写督查人。"],
        "inspected_cadre": ["五抽查必须填写被抽查干部。"],
    }
    with pytest.raises(ValidationError) as refused:
        spot("unit_heads", chain["head"], chain["elsewhere"]).full_clean()
    assert refused.value.message_dict["inspected_cadre"] == [
        "“单位主要领导抽查分管领导”只抽查本单位的干部：干部E不是市农牧局的干部。"
    ]


def test_the_inspection_page_refuses_the_village_secretary_chain_and_writes_nothing(
    client, supervisor, village_secretary
):
    client.force_login(supervisor)
    secretary = village_secretary.cadre
    data = {
        "kind": "spot_check",
        "spot_level": "supervision_bureau",
        "held_on": "2016-06-01",
        "inspector": secretary.pk,
        "inspected_cadre": secretary.pk,
        "summary": "",
        "findings-TOTAL_FORMS": "0",
        "findings-INITIAL_FORMS": "0",
    }
    response = client.post(INSPECTION_NEW, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "的督查人应是市督查局" in page and "的被抽查干部应是单位主要领导" in page
    assert not Inspection.objects.exists() and not Inspection.history.exists()


def test_the_admin_refuses_the_village_secretary_chain_and_writes_nothing(
    client, admin_user, village_secretary
):
    client.force_login(admin_user)
    secretary = village_secretary.cadre
    response = client.post(
        reverse("admin:accountability_inspection_add"),
        {
            "kind": "spot_check",
            "spot_level": "supervision_bureau",
            "held_on": "2016-06-01",
            "inspector": secretary.pk,
            "inspected_cadre": secretary.pk,
            "findings-TOTAL_FORMS": "0",
            "findings-INITIAL_FORMS": "0",
            "findings-MIN_NUM_FORMS": "0",
            "findings-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "的督查人应是市督查局" in errors["inspector"][0]
    assert "的被抽查干部应是单位主要领导" in errors["inspected_cadre"][0]
    assert not Inspection.objects.exists()


# ------------------------------------------------------------------ must-checks cover five (A8)

ALL_FIVE = ["identification", "project_integration", "task_progress", "cadres_on_post", "funds_use"]


def test_a_must_check_covers_the_five_categories_or_says_which_it_skips():
    assert Inspection.must_check_errors("must_check", ALL_FIVE) == []
    assert Inspection.must_check_errors("must_check", ["identification", "funds_use"]) == [
        "五必查必须覆盖五类：项目整合情况、任务推进情况、干部到位情况没有结果。"
        "不检查的类别请选择“未检查”并写明原因。"
    ]
    assert Inspection.must_check_errors("unannounced", ["funds_use"]) == []  # others check what they check


def test_a_skipped_category_needs_its_reason_and_only_a_must_check_skips(village_a):
    must = Inspection.objects.create(
        kind="must_check", held_on=dt.date(2016, 5, 1), township=village_a.township, village=village_a
    )
    skipped = Finding(inspection=must, category="funds_use", severity="not_checked", description="")
    with pytest.raises(ValidationError) as refused:
        skipped.full_clean()
    assert refused.value.message_dict["description"] == ["未检查的类别必须写明原因。"]
    skipped.description = "本季度无扶贫资金拨付"
    skipped.full_clean()
    assert not skipped.has_problem
    other = Inspection.objects.create(
        kind="unannounced", held_on=dt.date(2016, 5, 1), township=village_a.township
    )
    with pytest.raises(ValidationError) as refused:
        Finding(inspection=other, category="funds_use", severity="not_checked", description="x").full_clean()
    assert refused.value.message_dict["severity"] == ["只有五必查需要说明未检查的类别。"]


def admin_inspection(findings):
    data = {
        "kind": "must_check",
        "spot_level": "",
        "held_on": "2016-06-01",
        "findings-TOTAL_FORMS": str(len(findings)),
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "0",
        "findings-MAX_NUM_FORMS": "1000",
    }
    for i, (category, severity, description) in enumerate(findings):
        data.update(
            {
                f"findings-{i}-category": category,
                f"findings-{i}-severity": severity,
                f"findings-{i}-description": description,
            }
        )
    return data


def test_the_admin_refuses_a_must_check_of_two_categories_and_writes_nothing(client, admin_user, village_a):
    client.force_login(admin_user)
    url = reverse("admin:accountability_inspection_add")
    data = admin_inspection([("identification", "ok", ""), ("funds_use", "ok", "")])
    data.update({"township": village_a.township_id, "village": village_a.pk})
    response = client.post(url, data)
    assert response.status_code == 200
    errors = [str(e) for f in response.context["inline_admin_formsets"] for e in f.formset.non_form_errors()]
    assert any("五必查必须覆盖五类：项目整合情况、任务推进情况、干部到位情况没有结果" in e for e in errors), (
        errors
    )
    assert not Inspection.objects.exists() and not Finding.objects.exists()

    rows = [(c, "ok", "") for c in ALL_FIVE[:3]] + [(c, "not_checked", "本次不查") for c in ALL_FIVE[3:]]
    data = admin_inspection(rows)
    data.update({"township": village_a.township_id, "village": village_a.pk})
    assert client.post(url, data).status_code == 302
    assert Finding.objects.filter(severity="not_checked").count() == 2


def test_the_inspection_page_refuses_a_must_check_of_two_categories_and_writes_nothing(
    client, supervisor, village_a
):
    client.force_login(supervisor)
    data = {
        "kind": "must_check",
        "spot_level": "",
        "held_on": "2016-06-01",
        "village": village_a.pk,
        "summary": "",
        "findings-TOTAL_FORMS": "5",
        "findings-INITIAL_FORMS": "0",
    }
    for i, category in enumerate(ALL_FIVE):
        data[f"findings-{i}-category"] = category
        data[f"findings-{i}-severity"] = "ok" if i < 2 else ""
    response = client.post(INSPECTION_NEW, data)
    assert response.status_code == 400
    assert "五必查必须覆盖五类：任务推进情况、干部到位情况、资金使用情况没有结果" in response.content.decode()
    assert not Inspection.objects.exists() and not Finding.objects.exists()
    for i in range(2, 5):
        data[f"findings-{i}-severity"] = "not_checked"
        data[f"findings-{i}-description"] = "上月已专项检查"
    assert client.post(INSPECTION_NEW, data).status_code == 302
    inspection = Inspection.objects.get()
    page = client.get(reverse("accountability:inspection_detail", args=[inspection.pk])).content.decode()
    assert "未检查（写明原因）" in page and "上月已专项检查" in page


def test_the_data_migration_moves_typed_ranks_to_the_cadres(village_secretary, resident_cadre):
    """Existing actions had their rank typed: one the cadre's role allows is kept (and a
    non-default one becomes the cadre's), one it does not allow (a village secretary as
    一把手) becomes the cadre's rank class."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accountability.migrations.0015_action_rank_from_the_cadre")
    head = cadre("H1", Cadre.Role.UNIT_HEAD)

    def typed(who, rank):
        return AccountabilityAction.objects.create(
            kind="warning_talk", cadre=who, rank=rank, decided_on=dt.date(2016, 3, 1), reason="x"
        )

    wrong = typed(village_secretary.cadre, Rank.UNIT_HEAD)
    promoted = typed(resident_cadre.cadre, Rank.SECTION_LEVEL)
    also_wrong = typed(head, Rank.ORDINARY)
    migration.ranks_from_the_cadres(apps, None)
    for action in (wrong, promoted, also_wrong):
        action.refresh_from_db()
    assert (wrong.rank, promoted.rank, also_wrong.rank) == (Rank.ORDINARY, Rank.SECTION_LEVEL, Rank.UNIT_HEAD)
    resident_cadre.cadre.refresh_from_db()
    assert resident_cadre.cadre.rank == Rank.SECTION_LEVEL
