"""The organization sheets of the county registry (FORMATS.md "Organization positioning"):
party_orgs, economic_orgs, work_teams, pairing, collective_projects, collective_households
and village_finance. Declared here and registered with the one engine (villages.registry)
after the core sheets, in FORMATS.md's order; the command, the upload page and the template
workbook pick them up from there.

The checks give the models' rules (``clean()`` and constraints) a message per row before
anything is written; the 2111 composition of a team is not a load error (the overview flags
it), withdrawing a team from a village that has not exited is (不脱钩, C3).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villages.registry.engine import (
    CHOICE,
    DATE,
    DECIMAL,
    EXISTING,
    INT,
    REF,
    UNIT_NAME,
    Column,
    SheetSpec,
    Written,
    register,
    stored_value,
)


def _models():
    from villages import models

    return models


def _known(value):
    return value not in (None, "", EXISTING)


def _within(ctx, problems, parent, child_kind, child, column, message):
    """``child`` (a code of ``child_kind``) must lie in ``parent`` (the code of its parent)."""
    known = _known(parent) and _known(child) and ctx.ref(child_kind, child)
    if known and ctx.parent_code(child_kind, child) != parent:
        problems.append((column, message % {"child": child, "parent": parent}))


def _check_party_org(ctx, row, get):
    Level = _models().PartyOrganization.Level
    level, village = get("level"), get("village")
    problems = []
    if level == Level.VILLAGE_BRANCH and not village:
        problems.append(("village", _("村党组织必须填写村编码。")))
    if level == Level.TOWNSHIP_COMMITTEE and village:
        problems.append(("village", _("乡镇（街道）党（工）委不填写村编码。")))
    _within(
        ctx, problems, get("township"), "villages", village, "village",
        _("村“%(child)s”不属于乡镇“%(parent)s”。"),
    )  # fmt: skip
    return problems


def _check_economic_org(ctx, row, get):
    Coverage = _models().EconomicOrganization.Coverage
    coverage = get("coverage")
    problems = []
    if coverage in (Coverage.SINGLE, Coverage.JOINT) and not get("party_org"):
        problems.append(("party_org", _("单独或联合建立党组织的，必须填写党组织编码。")))
    if coverage == Coverage.INSTRUCTOR and not get("instructor"):
        problems.append(("instructor", _("选派党建指导员的，必须填写党建指导员编号。")))
    _within(
        ctx, problems, get("township"), "villages", get("village"), "village",
        _("村“%(child)s”不属于乡镇“%(parent)s”。"),
    )  # fmt: skip
    return problems


def _village_exits(ctx):
    """Exit dates of the villages the work_teams sheet names: from the database, overlaid by
    the villages sheet of the same load (one query per load)."""
    if not hasattr(ctx, "organization_village_exits"):
        sheet = ctx.sheets.get("work_teams")
        codes = {row.values.get("village") for row in sheet.rows} - {None, ""}
        exits = dict(_models().Village.objects.filter(code__in=codes).values_list("code", "exited_on"))
        villages = ctx.sheets.get("villages")
        if villages is not None and "exited_on" in villages.columns:
            for row in villages.rows:
                if row.code in codes:
                    exits[row.code] = row.values.get("exited_on")
        ctx.organization_village_exits = exits
    return ctx.organization_village_exits


def _check_work_team(ctx, row, get):
    WorkTeam = _models().WorkTeam
    started, ends, withdrawn = get("started_on"), get("ends_on"), get("withdrawn_on")
    problems = []
    if started and ends and ends <= started:
        problems.append(("ends_on", _("期满日期必须晚于进驻日期。")))
    if started and withdrawn and withdrawn < started:
        problems.append(("withdrawn_on", _("撤回日期不能早于进驻日期。")))
    elif withdrawn and _known(get("village")):
        village = get("village")
        refused = WorkTeam.withdrawal_error(withdrawn, _village_exits(ctx).get(village), village)
        if refused:
            problems.append(("withdrawn_on", refused))
    return problems


def _not_negative(get, *keys):
    return [(key, _("不能为负数。")) for key in keys if get(key) is not None and get(key) < 0]


def _check_pairing(ctx, row, get):
    problems = _not_negative(get, "funds")
    _within(
        ctx, problems, get("village"), "households", get("household"), "household",
        _("贫困户“%(child)s”不属于结对村“%(parent)s”。"),
    )  # fmt: skip
    return problems


def _check_collective_project(ctx, row, get):
    return _not_negative(get, "fiscal_funds", "loan_subsidy")


def _check_collective_household(ctx, row, get):
    project, household = get("project"), get("household")
    problems = []
    if _known(project) and ctx.ref("collective_projects", project):
        _within(
            ctx, problems, ctx.parent_code("collective_projects", project), "households",
            household, "household", _("贫困户“%(child)s”不在项目所在村“%(parent)s”。"),
        )  # fmt: skip
    return problems


def _check_village_finance(ctx, row, get):
    return _not_negative(get, "cadre_pay_monthly", "office_funds", "collective_accumulation")


def _write_links(ctx, sheet, history):
    """collective_households rows are many-to-many links: new ones are created, known ones are
    left as they are (the whole row is its key)."""
    model = sheet.spec.model
    columns = {c.key: c for c in sheet.spec.columns}
    objs = [
        model(
            collectiveproject_id=stored_value(ctx, columns["project"], row.values["project"]),
            household_id=stored_value(ctx, columns["household"], row.values["household"]),
        )
        for row in sheet.creates
    ]
    return Written(created=model.objects.bulk_create(objs, batch_size=history["batch_size"]))


def register_sheets():
    m = _models
    sheets = [
        SheetSpec(
            key="party_orgs",
            title=gettext_lazy("党组织"),
            order=110,
            get_model=lambda: m().PartyOrganization,
            check=_check_party_org,
            columns=[
                Column("code", "编码", required=True),
                Column("name", "名称", required=True),
                Column("level", "层级", CHOICE, required=True),
                Column("township", "乡镇编码", REF, required=True, ref="townships"),
                Column("village", "村编码", REF, ref="villages", note="村党组织必填，乡镇党委不填"),
                Column("secretary", "书记编号", REF, ref="cadres", note="干部编号"),
            ],
        ),
        SheetSpec(
            key="economic_orgs",
            title=gettext_lazy("经济组织"),
            order=120,
            get_model=lambda: m().EconomicOrganization,
            check=_check_economic_org,
            columns=[
                Column("code", "编码", required=True),
                Column("name", "名称", required=True),
                Column("kind", "类型", CHOICE, required=True),
                Column("township", "乡镇编码", REF, ref="townships"),
                Column("village", "村编码", REF, ref="villages", note="须属于该乡镇"),
                Column("coverage", "党建覆盖方式", CHOICE, required=True),
                Column(
                    "party_org",
                    "党组织编码",
                    REF,
                    field="party_organization",
                    ref="party_orgs",
                    note="单独建立、联合建立时必填",
                ),  # fmt: skip
                Column("instructor", "党建指导员编号", REF, ref="cadres", note="选派党建指导员时必填"),
            ],
        ),
        SheetSpec(
            key="work_teams",
            title=gettext_lazy("驻村工作组"),
            order=130,
            get_model=lambda: m().WorkTeam,
            check=_check_work_team,
            natural_key=("village",),
            columns=[
                Column("village", "村编码", REF, required=True, ref="villages", note="每村一个工作组"),
                Column("unit", "派出单位", UNIT_NAME, field="sent_by"),
                Column("started_on", "进驻日期", DATE, required=True),
                Column("ends_on", "期满日期", DATE, required=True, note="驻村两年"),
                Column("withdrawn_on", "撤回日期", DATE, note="村出列后才能撤回"),
                Column("reserve_trained", "培养后备干部数", INT, field="reserve_cadres_trained"),
            ],
        ),
        SheetSpec(
            key="pairing",
            title=gettext_lazy("结对帮扶"),
            order=140,
            get_model=lambda: m().PairingProject,
            check=_check_pairing,
            columns=[
                Column("code", "项目编号", required=True),
                Column("enterprise", "企业编码", REF, required=True, ref="economic_orgs"),
                Column("village", "村编码", REF, required=True, ref="villages"),
                Column("household", "户编号", REF, ref="households", note="与一户结对时填写"),
                Column("name", "项目名称", required=True),
                Column("funds", "扶持资金（元）", DECIMAL, required=True, note="≥ 0"),
                Column("started_on", "开始日期", DATE, required=True),
            ],
        ),
        SheetSpec(
            key="collective_projects",
            title=gettext_lazy("集体经济项目"),
            order=150,
            get_model=lambda: m().CollectiveProject,
            check=_check_collective_project,
            parent="village",
            columns=[
                Column("code", "项目编号", required=True),
                Column("village", "村编码", REF, required=True, ref="villages"),
                Column("name", "项目名称", required=True),
                Column("year", "年度", INT, required=True),
                Column("fiscal_funds", "财政资金（元）", DECIMAL, note="≥ 0"),
                Column("loan_subsidy", "贷款贴息（元）", DECIMAL, note="≥ 0"),
            ],
        ),
        SheetSpec(
            key="collective_households",
            title=gettext_lazy("集体经济覆盖农户"),
            order=160,
            get_model=lambda: m().CollectiveProject.households.through,
            check=_check_collective_household,
            natural_key=("project", "household"),
            write=_write_links,
            columns=[
                Column(
                    "project",
                    "项目编号",
                    REF,
                    required=True,
                    field="collectiveproject",
                    ref="collective_projects",
                ),
                Column("household", "户编号", REF, required=True, ref="households", note="须属于项目所在村"),
            ],
        ),
        SheetSpec(
            key="village_finance",
            title=gettext_lazy("村级保障"),
            order=170,
            get_model=lambda: m().VillageFinance,
            check=_check_village_finance,
            natural_key=("village", "year"),
            columns=[
                Column("village", "村编码", REF, required=True, ref="villages"),
                Column("year", "年度", INT, required=True),
                Column("cadre_pay_monthly", "村干部月均报酬（元）", DECIMAL, required=True, note="≥ 0"),
                Column("office_funds", "办公经费（元/年）", DECIMAL, required=True, note="≥ 0"),
                Column("collective_accumulation", "集体积累（元）", DECIMAL, required=True, note="≥ 0"),
            ],
        ),
    ]
    for spec in sheets:
        register(spec)
