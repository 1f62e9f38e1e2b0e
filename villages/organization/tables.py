"""django-tables2 tables of the organization overview (over the selector's plain dicts, so a
column never reaches into the database; the exports use the same tables) and of the
recording pages' lists (over querysets a selector already joined)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chishui.tables import MoneyColumn, UnitRowsTable


class UnitTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("单位"))
    pairing_projects = tables.Column(verbose_name=_("结对帮扶项目"))
    pairing_funds = MoneyColumn(verbose_name=_("结对帮扶资金（元）"), page_name=_("结对帮扶资金（万元）"))
    collective_projects = tables.Column(verbose_name=_("集体经济项目"))
    collective_funds = MoneyColumn(verbose_name=_("集体经济资金（元）"), page_name=_("集体经济资金（万元）"))
    collective_households = tables.Column(verbose_name=_("覆盖贫困户"))
    work_teams = tables.Column(verbose_name=_("驻村工作组"))
    work_teams_compliant = tables.Column(verbose_name=_("符合2111要求"))


class CoverageTable(UnitRowsTable):
    label = tables.Column(verbose_name=_("类型"))
    total = tables.Column(verbose_name=_("总数"))
    single = tables.Column(verbose_name=_("单独建立"))
    joint = tables.Column(verbose_name=_("联合建立"))
    instructor = tables.Column(verbose_name=_("党建指导员"))
    none = tables.Column(verbose_name=_("未覆盖"))
    covered_share = tables.Column(verbose_name=_("覆盖率（%）"), default="—")


class BranchTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("村"))
    township = tables.Column(verbose_name=_("乡镇"))
    problem = tables.Column(verbose_name=_("问题"))


class TeamTable(UnitRowsTable):
    name = tables.Column(verbose_name=_("村"))
    township = tables.Column(verbose_name=_("乡镇"))
    sent_by = tables.Column(verbose_name=_("派出单位"))
    members = tables.Column(verbose_name=_("队员"))
    agri_cadre = tables.Column(verbose_name=_("涉农干部"))
    reserve_cadre = tables.Column(verbose_name=_("后备干部"))
    rural_youth = tables.Column(verbose_name=_("农村知识青年"))
    graduate = tables.Column(verbose_name=_("大学毕业生"))
    state_cadres = tables.Column(verbose_name=_("国家干部"))
    started_on = tables.Column(verbose_name=_("进驻日期"))
    ends_on = tables.Column(verbose_name=_("期满日期"))
    reserve_trained = tables.Column(verbose_name=_("培养后备干部"))
    compliant = tables.Column(verbose_name=_("2111要求"))

    def render_compliant(self, value, record):
        if value:
            return format_html('<span class="ok">{}</span>', _("符合"))
        return format_html('<span class="flag">{}：{}</span>', _("未达"), "；".join(record["shortfalls"]))

    def value_compliant(self, value, record):
        return str(_("符合")) if value else "；".join(record["shortfalls"])


class FinanceTable(UnitRowsTable):
    year = tables.Column(verbose_name=_("年度"))
    villages = tables.Column(verbose_name=_("村数"))
    cadre_pay_monthly = MoneyColumn(verbose_name=_("村干部月均报酬（元）"))
    office_funds = MoneyColumn(verbose_name=_("村均办公经费（元/年）"))
    collective_accumulation = MoneyColumn(verbose_name=_("集体积累（元）"), page_name=_("集体积累（万元）"))


# ---- recording pages ----------------------------------------------------------------------


class RecordTable(tables.Table):
    """A list of one kind of record; the first column links to its edit page."""

    def __init__(self, data, kind, may_edit, **kwargs):
        self.kind = kind
        self.may_edit = may_edit
        super().__init__(data, **kwargs)

    def render_name(self, value, record):
        if self.may_edit:
            url = reverse("villages:organization_edit", args=[self.kind, record.pk])
            return format_html('<a href="{}">{}</a>', url, value)
        return value

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("暂无记录")
        orderable = False


class PartyOrganizationTable(RecordTable):
    code = tables.Column(verbose_name=_("编码"))
    name = tables.Column(verbose_name=_("名称"))
    level = tables.Column(verbose_name=_("层级"))
    township = tables.Column(verbose_name=_("乡镇"))
    village = tables.Column(verbose_name=_("村"), default="—")
    secretary = tables.Column(accessor="secretary__name", verbose_name=_("书记"), default=_("空缺"))


class EconomicOrganizationTable(RecordTable):
    code = tables.Column(verbose_name=_("编码"))
    name = tables.Column(verbose_name=_("名称"))
    kind = tables.Column(verbose_name=_("类型"))
    township = tables.Column(verbose_name=_("乡镇"), default="—")
    village = tables.Column(verbose_name=_("村"), default="—")
    coverage = tables.Column(verbose_name=_("党建覆盖方式"))
    party_organization = tables.Column(verbose_name=_("所属党组织"), default="—")
    instructor = tables.Column(accessor="instructor__name", verbose_name=_("党建指导员"), default="—")


class WorkTeamTable(RecordTable):
    name = tables.Column(accessor="village__name", verbose_name=_("村"))
    township = tables.Column(accessor="village__township__name", verbose_name=_("乡镇"))
    sent_by = tables.Column(verbose_name=_("派出单位"), default="—")
    started_on = tables.Column(verbose_name=_("进驻日期"))
    ends_on = tables.Column(verbose_name=_("期满日期"))
    withdrawn_on = tables.Column(verbose_name=_("撤回日期"), default="—")
    member_count = tables.Column(verbose_name=_("队员"))


class PairingProjectTable(RecordTable):
    code = tables.Column(verbose_name=_("项目编号"))
    name = tables.Column(verbose_name=_("项目名称"))
    enterprise = tables.Column(verbose_name=_("企业"))
    village = tables.Column(verbose_name=_("结对村"))
    household = tables.Column(accessor="household__head", verbose_name=_("结对户"), default="—")
    funds = MoneyColumn(verbose_name=_("扶持资金（元）"))
    started_on = tables.Column(verbose_name=_("开始日期"))


class CollectiveProjectTable(RecordTable):
    code = tables.Column(verbose_name=_("项目编号"))
    name = tables.Column(verbose_name=_("项目名称"))
    village = tables.Column(verbose_name=_("村"))
    year = tables.Column(verbose_name=_("年度"))
    fiscal_funds = MoneyColumn(verbose_name=_("财政资金（元）"))
    loan_subsidy = MoneyColumn(verbose_name=_("贷款贴息（元）"))
    covered = tables.Column(verbose_name=_("覆盖贫困户"))


class VillageFinanceTable(RecordTable):
    name = tables.Column(accessor="village__name", verbose_name=_("村"))
    year = tables.Column(verbose_name=_("年度"))
    cadre_pay_monthly = MoneyColumn(verbose_name=_("村干部月均报酬（元）"))
    office_funds = MoneyColumn(verbose_name=_("办公经费（元/年）"))
    collective_accumulation = MoneyColumn(verbose_name=_("集体积累（元）"))
