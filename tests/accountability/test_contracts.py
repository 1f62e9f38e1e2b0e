"""Contracts (军令状, A2) on their pages: supervisors record and edit them (refused input
writes nothing, a stale edit is a conflict), every change is kept and shown as who changed
which target when, and the progress against the targets is the monthly dashboard's."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.dashboards.selectors import monthly_dashboard
from accountability.models import Contract
from accountability.periods import Month
from villages.models import Household
from villages.scope import Scope

pytestmark = pytest.mark.django_db

NEW = reverse("accountability:contract_new")
LIST = reverse("accountability:contract_list")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


@pytest.fixture
def contract(secretary_a, township_a):
    return Contract.objects.create(
        party="township_committee",
        year=2016,
        township=township_a,
        signed_by=secretary_a.cadre,
        signed_on=dt.date(2016, 1, 15),
        target_households=8,
        target_people=20,
        target_villages=1,
        township_exit=True,
    )


def data(signer, township, **fields):
    return {
        "party": "township_committee",
        "year": "2016",
        "township": township.pk,
        "village": "",
        "signed_by": signer.pk,
        "signed_on": "2016-01-15",
        "target_households": "8",
        "target_people": "20",
        "target_villages": "1",
        "target_tasks": "0",
        "target_funds": "0",
        "township_exit": "on",
        **fields,
    }


def counts():
    return Contract.objects.count(), Contract.history.count()


def exit_households(village, months):
    for i, month in enumerate(months):
        Household.objects.create(
            code=f"H{village.code}-{i}",
            village=village,
            head=f"户主{i}",
            size=3,
            assistance="industry",
            registered_on=dt.date(2014, 3, 1),
            exited_on=dt.date(2016, month, 10),
        )


def test_supervisor_records_a_contract_in_the_history(client, supervisor, secretary_a, township_a):
    client.force_login(supervisor)

    response = client.post(NEW, data(secretary_a.cadre, township_a))

    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accountability:contract_detail", args=[contract.pk])
    assert (contract.signed_by, contract.target_households, contract.version) == (secretary_a.cadre, 8, 1)
    assert contract.history.get().history_user == supervisor


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"village": "VILLAGE"}, None, "乡镇党委的责任书不选村；村党支部和驻村工作组的责任书必须选村。"),
        ({"party": "village_branch"}, None, "乡镇党委的责任书不选村；村党支部和驻村工作组的责任书必须选村。"),
        ({"signed_by": "OTHER_SIGNER"}, "signed_by", "签订人不属于该乡镇。"),
        ({"target_households": "-3"}, "target_households", None),
        ({"target_funds": "很多"}, "target_funds", None),
        ({"signed_on": "2016-02-30"}, "signed_on", None),
        ({"year": "1990"}, "year", None),
        ({"signed_by": "999999"}, "signed_by", "选择无效：请从列表中选择。"),
    ],
)
def test_bad_contracts_are_refused_in_chinese_and_write_nothing(
    client, supervisor, secretary_a, secretary_b, township_a, village_a, fields, field, message
):
    replace = {"VILLAGE": village_a.pk, "OTHER_SIGNER": secretary_b.cadre.pk}
    fields = {k: replace.get(v, v) for k, v in fields.items()}
    client.force_login(supervisor)

    response = client.post(NEW, data(secretary_a.cadre, township_a, **fields))

    assert response.status_code == 400
    assert counts() == (0, 0)
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors, form.errors
    if message:
        assert message in errors
    assert all(not e.startswith(("Ensure", "Enter", "Select")) for e in errors)


def test_a_second_contract_of_the_same_party_and_year_is_refused(
    client, supervisor, secretary_a, township_a, contract
):
    client.force_login(supervisor)
    before = counts()

    response = client.post(NEW, data(secretary_a.cadre, township_a))

    assert response.status_code == 400
    assert "该乡镇本年度已有乡镇党委责任书。" in response.context["form"].non_field_errors()
    assert counts() == before


def test_edit_keeps_who_changed_which_target_when(client, supervisor, secretary_a, township_a, contract):
    client.force_login(supervisor)
    url = reverse("accountability:contract_edit", args=[contract.pk])
    assert client.get(url).context["form"]["version"].value() == 1

    response = client.post(url, data(secretary_a.cadre, township_a, target_households="12", version="1"))

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.target_households, contract.version) == (12, 2)
    page = client.get(response.url)
    history = page.context["history"]
    assert history[0]["record"].history_user == supervisor
    assert history[0]["changes"] == [("目标脱贫户数", 8, 12)]
    assert "目标脱贫户数：8 → 12" in page.content.decode()


def test_an_edit_without_changes_writes_nothing(client, supervisor, secretary_a, township_a, contract):
    client.force_login(supervisor)
    url = reverse("accountability:contract_edit", args=[contract.pk])
    before = counts()

    response = client.post(
        url,
        data(secretary_a.cadre, township_a, version="1"),
    )

    assert response.status_code == 302
    assert counts() == before
    contract.refresh_from_db()
    assert contract.version == 1


def test_a_stale_edit_is_a_conflict_and_writes_nothing(client, supervisor, secretary_a, township_a, contract):
    client.force_login(supervisor)
    url = reverse("accountability:contract_edit", args=[contract.pk])
    client.post(url, data(secretary_a.cadre, township_a, target_households="12", version="1"))
    before = counts()

    # a second supervisor saves the form he opened before the first edit
    response = client.post(url, data(secretary_a.cadre, township_a, target_households="9", version="1"))

    assert response.status_code == 409
    assert "该记录已被他人修改（当前为第2版）" in response.content.decode()
    assert counts() == before
    contract.refresh_from_db()
    assert contract.target_households == 12


def test_progress_is_the_monthly_dashboards(client, supervisor, contract, village_a, township_a):
    exit_households(village_a, [2, 3, 3, 5])
    client.force_login(supervisor)

    response = client.get(reverse("accountability:contract_detail", args=[contract.pk]))

    progress = response.context["progress"]
    dashboard = monthly_dashboard(Scope(township_a), Month(2016, 6))
    rows = {row["label"]: row for row in progress["rows"]}
    assert rows["目标脱贫户数"]["pct"] == dashboard["progress"]["households_pct"] == 50.0
    assert rows["目标脱贫人数"]["pct"] == dashboard["progress"]["people_pct"] == 60.0
    assert rows["目标出列村数"]["pct"] == dashboard["progress"]["villages_pct"]
    assert [(m["month"], m["households"], m["households_pct"]) for m in progress["months"]] == [
        ("2016-02", 1, 12.5),
        ("2016-03", 3, 37.5),
        ("2016-05", 4, 50.0),
    ]


def test_a_past_years_progress_is_at_its_december(client, supervisor, secretary_a, township_a, village_a):
    old = Contract.objects.create(
        party="township_committee",
        year=2015,
        township=township_a,
        signed_by=secretary_a.cadre,
        signed_on=dt.date(2015, 1, 15),
        target_households=2,
    )
    client.force_login(supervisor)
    progress = client.get(reverse("accountability:contract_detail", args=[old.pk])).context["progress"]
    assert progress["period"] == "2015-12"


def test_secretary_reads_his_own_contract_and_its_progress(client, secretary_a, contract, village_a):
    exit_households(village_a, [3])
    client.force_login(secretary_a)

    page = client.get(reverse("accountability:contract_detail", args=[contract.pk]))

    assert page.status_code == 200
    assert page.context["progress"]["rows"][0]["done"] == 1
    assert reverse("accountability:contract_edit", args=[contract.pk]) not in page.content.decode()
    assert list(client.get(LIST).context["table"].data) == [contract]


def test_village_signer_lists_only_the_contract_he_signed(
    client, village_secretary, resident_cadre, contract, village_a, township_a
):
    own = Contract.objects.create(
        party="village_branch",
        year=2016,
        township=township_a,
        village=village_a,
        signed_by=village_secretary.cadre,
        signed_on=dt.date(2016, 1, 22),
    )
    Contract.objects.create(
        party="work_team",
        year=2016,
        township=township_a,
        village=village_a,
        signed_by=resident_cadre.cadre,
        signed_on=dt.date(2016, 1, 22),
    )
    client.force_login(village_secretary)
    assert list(client.get(LIST).context["table"].data) == [own]


def test_list_filters_by_year_township_and_signer(client, supervisor, contract, secretary_b, township_b):
    other = Contract.objects.create(
        party="township_committee",
        year=2015,
        township=township_b,
        signed_by=secretary_b.cadre,
        signed_on=dt.date(2015, 1, 15),
    )
    client.force_login(supervisor)

    def shown(**query):
        return list(client.get(LIST, query).context["table"].data)

    assert shown(year=2015) == [other]
    assert shown(township=contract.township_id) == [contract]
    assert shown(signer="secretary_b") == [other]
    refused = client.get(LIST, {"year": "abc"})
    assert list(refused.context["table"].data) == []
    assert "筛选条件无效" in refused.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_contracts_export(client, supervisor, contract, fmt):
    client.force_login(supervisor)
    response = client.get(LIST, {"export": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'contracts.{fmt}"')
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("年度,签订方,乡镇,村,签订人,签订日期,目标脱贫户数")
        assert "2016,乡镇党委,甲镇,,secretary_a,2016-01-15,8,20,1,0,0.00,是" in text


def test_a_double_submit_records_one_contract(client, supervisor, secretary_a, township_a):
    """The second submit meets the one-contract-per-party-and-year rule: it says so, and
    writes nothing."""
    client.force_login(supervisor)
    first = client.post(NEW, data(secretary_a.cadre, township_a))
    second = client.post(NEW, data(secretary_a.cadre, township_a))
    assert (first.status_code, second.status_code) == (302, 400)
    assert "该乡镇本年度已有乡镇党委责任书。" in second.content.decode()
    assert counts() == (1, 1)
