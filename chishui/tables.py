"""What every page of figures shares in its django-tables2 tables (the dashboards, the
organization overview): a table over the plain rows a selector returns, whose unit names
link to the drill-down, and money shown with thousands separators. Both apps use it, and
villages may not import accountability, so it lives here."""

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class UnitRowsTable(tables.Table):
    """A table over selector rows; ``drill_url(code)`` turns unit names into drill-down links."""

    def __init__(self, data, drill_url=None, **kwargs):
        self.drill_url = drill_url
        kwargs.setdefault("orderable", False)
        super().__init__(data, **kwargs)

    def render_name(self, value, record):
        if self.drill_url and record.get("code"):
            return format_html('<a href="{}">{}</a>', self.drill_url(record["code"]), value)
        return value

    def value_name(self, value):
        return value

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("暂无数据")


class MoneyColumn(tables.Column):
    """Yuan with thousands separators on the page (11,357,000.00); the exports keep the number."""

    def render(self, value):
        return floatformat(value, "2g")

    def value(self, value):
        return value
