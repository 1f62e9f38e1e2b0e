"""django-tables2 tables of the supervisors' recording pages. Their querysets come from
``records.selectors`` (scoped and joined): no column reaches across a relation by itself.
The exports (CSV/XLSX, chishui/exports.py) carry the same columns, without the edit links."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accountability.records.pickers import cadre_label


def edit_column(url_name):
    return tables.LinkColumn(
        url_name,
        args=[tables.A("pk")],
        text=_("修改"),
        verbose_name="",
        orderable=False,
        empty_values=(),
        exclude_from_export=True,
    )


class ContractTable(tables.Table):
    year = tables.Column(
        verbose_name=_("年度"),
        linkify=lambda record: reverse("accountability:contract_detail", args=[record.pk]),
    )
    party = tables.Column(verbose_name=_("签订方"))
    township = tables.Column(verbose_name=_("乡镇"), accessor="township__name", order_by=("township__code",))
    village = tables.Column(
        verbose_name=_("村"), accessor="village__name", default="—", order_by=("village__code",)
    )
    signed_by = tables.Column(
        verbose_name=_("签订人"), accessor="signed_by__name", order_by=("signed_by__name",)
    )
    signed_on = tables.DateColumn(verbose_name=_("签订日期"), format="Y-m-d")
    target_households = tables.Column(verbose_name=_("目标脱贫户数"), attrs={"td": {"class": "num"}})
    target_people = tables.Column(verbose_name=_("目标脱贫人数"), attrs={"td": {"class": "num"}})
    target_villages = tables.Column(verbose_name=_("目标出列村数"), attrs={"td": {"class": "num"}})
    target_tasks = tables.Column(verbose_name=_("目标任务数"), attrs={"td": {"class": "num"}})
    target_funds = tables.Column(verbose_name=_("目标资金（元）"), attrs={"td": {"class": "num"}})
    township_exit = tables.BooleanColumn(verbose_name=_("承诺摘帽"), yesno=(_("是"), _("否")))

    class Meta:
        orderable = True
        order_by = ("-year", "township", "party")
        attrs = {"class": "table contract-table"}
        empty_text = _("没有符合条件的责任书。")

    def render_party(self, record):
        return record.get_party_display()

    def value_township_exit(self, value):
        return _("是") if value else _("否")


class ExposureTable(tables.Table):
    aired_on = tables.DateColumn(verbose_name=_("播出日期"), format="Y-m-d", order_by=("aired_on", "id"))
    kind = tables.Column(verbose_name=_("类型"))
    programme = tables.Column(verbose_name=_("栏目/节目名称"))
    title = tables.Column(verbose_name=_("标题"), orderable=False)
    township = tables.Column(verbose_name=_("乡镇"), accessor="township__name", order_by=("township__code",))
    task = tables.Column(verbose_name=_("任务"), accessor="task__code", default="—")
    edit = edit_column("accountability:exposure_edit")

    class Meta:
        orderable = True
        order_by = ("-aired_on",)
        attrs = {"class": "table exposure-table"}
        empty_text = _("没有符合条件的电视问政记录。")

    def render_kind(self, record):
        return record.get_kind_display()


class CommendationTable(tables.Table):
    decided_on = tables.DateColumn(verbose_name=_("日期"), format="Y-m-d", order_by=("decided_on", "id"))
    kind = tables.Column(verbose_name=_("类型"))
    cadre = tables.Column(verbose_name=_("干部"), accessor="cadre__name", order_by=("cadre__name",))
    township = tables.Column(
        verbose_name=_("乡镇"),
        accessor="cadre__township__name",
        default="—",
        order_by=("cadre__township__code",),
    )
    title = tables.Column(verbose_name=_("荣誉或职务"), orderable=False)
    edit = edit_column("accountability:commendation_edit")

    class Meta:
        orderable = True
        order_by = ("-decided_on",)
        attrs = {"class": "table commendation-table"}
        empty_text = _("没有符合条件的表彰提拔记录。")

    def render_kind(self, record):
        return record.get_kind_display()

    def render_cadre(self, record):
        return cadre_label(record.cadre)

    def value_cadre(self, record):
        return record.cadre.name
