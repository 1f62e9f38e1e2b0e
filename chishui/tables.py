"""What every page of figures shares in its django-tables2 tables (the dashboards, the
organization overview, the satisfaction results, the task list): rows rendered by
precomputed per-column formatters (``RowsTable``), a table over the plain rows a selector
returns, whose unit names link to the drill-down, and money shown with thousands separators
(funds in 万元 on the page, yuan in the exports). Both apps use it, and villages may not
import accountability, so it lives here."""

import html
from decimal import Decimal

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import numberformat
from django.utils.encoding import force_str
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tables2.utils import Accessor, AttributeDict, signature

# A column a phone does not need (static/css/site.css hides it under 600 px): the key ones
# (the unit or task, the share, what is late) stay in view without sideways scrolling.
SECONDARY = {"th": {"class": "secondary"}, "td": {"class": "secondary"}}

# django-tables2's template (settings.DJANGO_TABLES2_TEMPLATE) with the body rows of
# ``RowsTable.body_rows``
ROWS_TEMPLATE = "table.html"

# what django-tables2 passes a render method that asks for it (``bound_row`` aside)
CELL_ARGUMENTS = {"value", "record", "column", "bound_column", "table"}


def number_formatter():
    """``value -> str``: Django's ``number_format`` in the current language, its formats
    looked up once (a table renders in one language) instead of once a number, and each
    number formatted once."""
    lang = get_language()
    decimal_separator, grouping, thousand_separator = (
        get_format(name, lang, use_l10n=True)
        for name in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    )

    formatted = {}  # a table repeats its numbers (0, 100.0): each formatted once

    def number(value):
        # by type and spelling: 1, 1.0 and Decimal("1.00") are equal but print differently
        key = (type(value), value if type(value) is int else repr(value))
        text = formatted.get(key)
        if text is None:
            text = formatted[key] = numberformat.format(
                value,
                decimal_separator,
                None,
                grouping,
                thousand_separator,
                force_grouping=False,
                use_l10n=True,
            )
        return text

    return number


def cell_html(content, number):
    """What the template's ``{{ cell }}`` prints (localised, then escaped unless safe), the
    common kinds of content without the template engine's generic steps; ``number``: a
    ``number_formatter()``."""
    kind = type(content)
    if kind is SafeString:
        return content
    if kind is str:
        return html.escape(content)  # django.utils.html.escape, without its laziness check
    if kind is int or kind is float or kind is Decimal:
        return html.escape(number(content))
    return conditional_escape(localize(template_localtime(content)))


def escaped(value):
    """``conditional_escape(value)``: what ``format_html`` does to each argument, without
    django.utils.html.escape's check for lazy arguments (a plain function call a cell)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def link_html(url, text):
    """``format_html('<a href="{}">{}</a>', url, text)``: the links of the tables' cells
    (drill-down, task pages, ``linkify``)."""
    return SafeString(f'<a href="{escaped(url)}">{escaped(text)}</a>')


def _attrs_html(attrs, part):
    """The template's ``{{ table.attrs.<part>.as_html }}``: "" unless that part is an
    ``AttributeDict``."""
    value = attrs.get(part)
    return value.as_html() if hasattr(value, "as_html") else ""


def render_attrs(attrs, **defaults):
    """The template tag ``{% render_attrs table.attrs class="table" %}`` (``class_`` for
    ``class``)."""
    merged = AttributeDict({key.rstrip("_"): value for key, value in defaults.items()})
    merged.update(attrs)
    return merged.as_html()


_signatures = {}


def method_signature(fn):
    """django-tables2's ``signature(fn)`` (``inspect.signature`` underneath, tens of
    microseconds a call), worked out once per function for a method (the same for every
    table of its class: a bound method's ``self`` is left out either way); other callables
    each time."""
    function = getattr(fn, "__func__", None)
    if function is None:
        return signature(fn)
    found = _signatures.get(function)
    if found is None:
        found = _signatures[function] = signature(fn)
    return found


def _computed(attrs):
    """Whether an attribute dict has a value worked out per cell (a callable)."""
    return any(callable(v) or (isinstance(v, dict) and _computed(v)) for v in attrs.values())


# the values whose <td …> is kept per table when it follows from the value alone: those whose
# type and repr() say what they are
KEPT_KINDS = {int, float, Decimal, bool, str, SafeString, type(None)}


def _of_value_only(attrs):
    """Whether every value worked out per cell in an attribute dict asks for the cell's
    value alone (``lambda value: ...``), not its record, column or table: then a cell's
    attributes follow from its value."""
    for v in attrs.values():
        if isinstance(v, dict):
            if not _of_value_only(v):
                return False
        elif callable(v):
            wanted, catch_all = method_signature(v)
            if catch_all or not set(wanted) <= {"value"}:
                return False
    return True


class RowsTable(tables.Table):
    """A django-tables2 table whose body rows are rendered by ``body_rows``: cell for cell
    what django-tables2's own template renders (tests/tables.py compares the two for every
    such table), at a fraction of its cost (docs/performance.md). django-tables2 works out,
    for every cell, the column's attributes, the render method's signature, the accessor,
    and renders it through the template engine; here each column's formatter is worked out
    once a table (``cell_plan``) and the cells are plain function calls. The header, the
    pages and the empty text stay django-tables2's template (``ROWS_TEMPLATE``)."""

    def __init_subclass__(cls, **kwargs):
        """A table without an empty text of its own says its base's ("暂无数据"):
        django-tables2 does not inherit a ``Meta`` a subclass does not declare, so most
        summary tables showed an empty body when they had no rows."""
        super().__init_subclass__(**kwargs)
        if cls._meta.empty_text is None:
            cls._meta.empty_text = next(
                (
                    base._meta.empty_text
                    for base in cls.__mro__[1:]
                    if getattr(base, "_meta", None) and base._meta.empty_text is not None
                ),
                None,
            )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_name", ROWS_TEMPLATE)
        super().__init__(*args, **kwargs)

    def html(self, request):
        """The whole table as ``{% render_table %}`` renders it with ``ROWS_TEMPLATE``. A
        plain table — no sorting links, no footer, on one page, as the summary pages show
        their first rows — is put together here (the wrapper, the header cells, the body
        rows), without the template engine's per-table cost (about a millisecond a table);
        any other goes through the template (``as_html``). tests/tables.py compares the two
        for every summary table."""
        if self.template_name != ROWS_TEMPLATE or not self._plain():
            return self.as_html(request)
        self.before_render(request)
        number = number_formatter()
        parts = [
            f'<div class="table-container table-responsive">\n<table {render_attrs(self.attrs, class_="table")}>'
        ]
        if self.show_header:
            parts.append(f"<thead {_attrs_html(self.attrs, 'thead')}>\n<tr>")
            parts.extend(
                f"<th {column.attrs['th'].as_html()}>{cell_html(column.header, number)}</th>"
                for column in self.columns
            )
            parts.append("</tr>\n</thead>")
        parts.append(f"<tbody {_attrs_html(self.attrs, 'tbody')}>")
        rows = list(self.body_rows(number))
        if rows:
            parts.extend(rows)
        elif self.empty_text:
            parts.append(
                f'<tr><td colspan="{len(self.columns)}">{cell_html(self.empty_text, number)}</td></tr>'
            )
        parts.append("</tbody>\n</table>\n</div>")
        return mark_safe("\n".join(parts))

    def _plain(self):
        """Whether the template would render no sorting link, no footer and no pages."""
        page = getattr(self, "page", None)
        return (
            not self.has_footer()
            and not any(column.orderable for column in self.columns)
            and not (page and self.paginator.num_pages > 1)
        )

    def body_rows(self, number=None):
        """The rows of the page (all of them when not paged) as HTML, one ``<tr>`` each."""
        number = number or number_formatter()
        plans = [self.cell_plan(column, number) for column in self.columns]
        static_rows = not _computed(self.row_attrs)
        row_html = {}
        for row in self.paginated_rows:
            record = row.record
            if static_rows:  # the row's attributes depend on its parity only
                parity = row.row_counter % 2
                attrs = row_html.get(parity)
                if attrs is None:
                    attrs = row_html[parity] = row.attrs.as_html()
            else:
                attrs = row.attrs.as_html()
            cells = "".join([cell(row, record) for cell in plans])
            yield mark_safe(f"<tr {attrs}>{cells}</tr>")

    def cell_plan(self, bound_column, number):
        """A function ``(row, record) -> "<td …>…</td>"`` for one column, doing what
        ``BoundRow.get_cell`` and the template's ``<td {{ column.attrs.td.as_html }}>{{ cell }}</td>``
        do: the accessor's value (a model field's choice label), the column's default when
        the value is empty, its render method, its link, then localised and escaped (or the
        column's ``localize`` filter). Attributes computed per cell (callables) are worked
        out per cell as django-tables2 does; a render method that asks for more than value,
        record, column, bound_column and table goes through ``get_cell``."""
        column = bound_column.column
        render = bound_column.render
        wanted, catch_all = method_signature(render)
        if catch_all or not set(wanted) <= CELL_ARGUMENTS:
            content_of = self._cell_by_django_tables2(bound_column)
        else:
            content_of = self._cell_content(bound_column, render, wanted)

        if column.localize is None:

            def output(content):
                return cell_html(content, number)

        else:
            output = self._localize_filter(column.localize)

        if _computed(self.attrs) or _computed(column.attrs):
            # the <td …> of each value once, when the attributes follow from the value alone
            # (the share's colour): django-tables2 works them out again for every cell
            starts = {} if _of_value_only(self.attrs) and _of_value_only(column.attrs) else None

            def td(content, record):
                # what BoundRow.items() leaves for the template's column.attrs.td
                bound_column.current_value, bound_column.current_record = content, record
                return f"<td {bound_column.attrs['td'].as_html()}>"

            def cell(row, record):
                content = content_of(row, record)
                kind = type(content)
                if starts is None or kind not in KEPT_KINDS:
                    return f"{td(content, record)}{output(content)}</td>"
                # by type and spelling (0.0 and -0.0 are equal, but not to a callable that
                # prints them); a record of None is passed on as no record at all
                key = (kind, repr(content), record is None)
                start = starts.get(key)
                if start is None:
                    start = starts[key] = td(content, record)
                return f"{start}{output(content)}</td>"

            return cell

        start = f"<td {bound_column.attrs['td'].as_html()}>"

        def static_cell(row, record):
            return f"{start}{output(content_of(row, record))}</td>"

        return static_cell

    def _cell_by_django_tables2(self, bound_column):
        name = bound_column.name
        return lambda row, record: row.get_cell(name)

    def _cell_content(self, bound_column, render, wanted):
        """``(row, record) -> content`` of a cell: what ``BoundRow.get_cell`` returns."""
        column = bound_column.column
        accessor = Accessor(bound_column.accessor)
        key = str(bound_column.accessor)
        labels = None  # a model field with choices shows its label
        model = getattr(self.data, "model", None)
        if model is not None:
            try:
                field = accessor.get_field(model)
            except (AttributeError, FieldDoesNotExist):
                field = None
            if getattr(field, "choices", None):
                if accessor.SEPARATOR in key:  # a related model's field: django-tables2's way
                    return self._cell_by_django_tables2(bound_column)
                # what get_FOO_display gives, the labels translated once a page, not twice a row
                labels = {value: str(label) for value, label in field.flatchoices}
        default, link, empty = bound_column.default, bound_column.link, column.empty_values
        # a column without a render method of its own shows the value itself
        plain = type(column).render is tables.Column.render and getattr(render, "__self__", None) is column
        if link and not link.attrs and callable(link.url) and signature(link.url) == (("record",), None):
            # linkify=lambda record: ...: the <a> LinkTransform builds, without working out
            # its attributes and the url's signature a cell
            url = link.url

            def link(content, record, **kwargs):
                return link_html(url(record), content)

        bits = accessor.bits

        def resolve(record):
            """``accessor.resolve(record, quiet=True)``, walking plain dicts directly."""
            if type(record) is dict:
                if key in record:  # Accessor.resolve's own shortcut
                    return record[key]
                current = record
                for bit in bits:
                    if type(current) is not dict or bit not in current:
                        break  # a list index, an attribute: Accessor's way
                    current = current[bit]
                    if current is None:
                        return None
                    if callable(current):
                        break
                else:
                    return current
            return accessor.resolve(record, quiet=True)

        def content(row, record):
            if labels is not None:
                value = getattr(record, key)
                value = force_str(labels.get(value, value), strings_only=True)
            elif model is None and isinstance(record, models.Model):  # a list of model rows
                return row.get_cell(bound_column.name)
            else:
                value = resolve(record)
            if value in empty:
                return default
            if plain and not link:
                return value
            kwargs = {
                "value": value,
                "record": record,
                "column": column,
                "bound_column": bound_column,
                "table": self,
            }
            result = render(**{name: kwargs[name] for name in wanted})
            return link(result, **kwargs, bound_row=row) if link else result

        return content

    @staticmethod
    def _localize_filter(on):
        """A column's ``localize=True/False``: the template's ``cell|localize`` or
        ``cell|unlocalize``, through the template engine itself."""
        template = Template("{% load l10n %}{{ cell|" + ("localize" if on else "unlocalize") + " }}")
        return lambda content: template.render(Context({"cell": content}))


class UnitRowsTable(RowsTable):
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
        return link_html(url, code) if url else code

    def render_name(self, value, record):
        if self.drill_url and record.get("code"):
            return link_html(self.drill_url(record["code"]), value)
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
