"""What every page of figures shares in its django-tables2 tables (the dashboards, the
organization overview): a table over the plain rows a selector returns, whose unit names
link to the drill-down, and money shown with thousands separators (funds in 万元 on the page,
yuan in the exports). Both apps use it, and villages may not import accountability, so it
lives here."""

from decimal import Decimal

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# A column a phone does not need (static/css/site.css hides it under 600 px): the key ones
# (the unit or task, the share, what is late) stay in view without sideways scrolling.
SECONDARY = {"th": {"class": "secondary"}, "td": {"class": "secondary"}}


class UnitRowsTable(tables.Table):
    """A table over selector rows; ``drill_url(code)`` turns unit names into drill-down links,
    ``task_urls`` ({task code: URL}, only the tasks the viewer may open) task codes into links
    to the task page."""

    # the column order on the page when it differs from the exports' (key columns first,
    # so that a phone shows them without sideways scrolling); "..." stands for the rest
    page_sequence = None

    def __init__(self, data, drill_url=None, task_urls=None, page=False, **kwargs):
        self.drill_url = drill_url
        self.task_urls = task_urls or {}
        kwargs.setdefault("orderable", False)
        if page and self.page_sequence:
            kwargs.setdefault("sequence", self.page_sequence)
        super().__init__(data, **kwargs)

    def task_link(self, code):
        url = self.task_urls.get(code)
        return format_html('<a href="{}">{}</a>', url, code) if url else code

    def render_name(self, value, record):
        if self.drill_url and record.get("code"):
            return format_html('<a href="{}">{}</a>', self.drill_url(record["code"]), value)
        return value

    def value_name(self, value):
        return value

    def as_values(self, exclude_columns=None):
        """The export: as django-tables2 makes it, with the money columns headed by their
        yuan names (the page shows 万元, the export the yuan it holds)."""
        excluded = exclude_columns or ()
        columns = [
            c for c in self.columns.iterall() if not (c.column.exclude_from_export or c.name in excluded)
        ]
        rows = super().as_values(exclude_columns)
        header = next(rows)
        yield [
            c.column.verbose_name if isinstance(c.column, MoneyColumn) else h
            for c, h in zip(columns, header, strict=True)
        ]
        yield from rows

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("暂无数据")


WAN = Decimal(10_000)


def in_wan(value):
    """Yuan as 万元 with thousands separators and two decimals (11357000 → 1,135.70); the one
    rule for money on the pages (the ``wan`` template filter uses it too)."""
    if value is None or value == "":
        return value
    return floatformat(Decimal(str(value)) / WAN, "2g")


class MoneyColumn(tables.Column):
    """Money: on the page with thousands separators, in 万元 under ``page_name`` when one is
    given (funds: 1,135.70), else in yuan (pay per month: 2,764.00); the exports (of a
    ``UnitRowsTable``) keep the number in yuan under ``verbose_name``."""

    def __init__(self, *args, page_name=None, **kwargs):
        self.page_name = page_name
        super().__init__(*args, **kwargs)

    @property
    def header(self):
        return self.page_name or super().header

    def render(self, value):
        return in_wan(value) if self.page_name else floatformat(value, "2g")

    def value(self, value):
        return value
