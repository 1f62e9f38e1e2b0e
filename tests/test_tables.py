"""Every table of the dashboards, the organization overview and the satisfaction results
renders its rows by ``chishui.tables.RowsTable.body_rows`` (issue 15): each must stay exactly
what django-tables2 renders — unpaged and paged, sorted, empty, with drill-down and task
links, with column defaults, with numbers, money and dates localised, escaped text, per-cell
attributes (the completion share's colour), the 催报 buttons, in Chinese and English. The
task list is checked the same way in tests/accountability/test_tasks_table.py."""

import datetime as dt
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from django_tables2.utils import signature

from accountability.dashboards import tables as dashboard_tables
from accountability.reminders import tables as reminder_tables
from accountability.reminders.tables import CSRF_SLOT, NEXT_SLOT, RemindColumn, RemindMixin
from accountability.tasks.tables import TaskTable
from chishui.tables import MoneyColumn, RowsTable, UnitRowsTable, escaped, link_html, method_signature
from tests.tables import assert_same_as_django_tables2
from villages.organization import tables as organization_tables
from villages.satisfaction import tables as satisfaction_tables

TEXT = '培训 <b>"夜校"</b> & 考核'
# what a plain column meets: numbers (large, fractional, Decimal, zeros), nothing (the
# column's default), text that must be escaped, HTML already safe, a date, a string date
VALUES = [
    1234567,
    12.5,
    None,
    TEXT,
    dt.date(2016, 6, 1),
    0,
    "",
    Decimal("3.25"),
    mark_safe("<em>安全</em>"),
    "2016-06-01",
    -7.0,
    0.0,  # equal to 0 and -0.0, printed differently: each its own
    Decimal("3.250"),
    -0.0,
]
MONEY = [Decimal("11357000.00"), 2764, None, 0, Decimal("0.50"), 99999.99]
SHARES = [100, 87.5, None, 120.0, 0]  # the completion share's colour: ok, warn, none
CODES = ["CS-001", "CS-002", 'CS-<003>&"', None]
EVENT_KINDS = [{"key": "night_school", "label": "农民夜校"}, {"key": "moral_hall", "label": "道德讲堂"}]
OUTCOME_KINDS = [{"key": "job_transfer", "label": "转移就业"}, {"key": "rural_inn", "label": "乡村旅舍"}]
ROUNDS = (1, 2)


def rows_table_classes():
    """Every RowsTable subclass with columns of its own (not the bases), but the task list
    (its rows are model instances)."""
    found, pending = set(), [RowsTable]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    return sorted(
        (c for c in found if c.base_columns and c is not TaskTable),
        key=lambda c: f"{c.__module__}.{c.__name__}",
    )


def make(table_class, rows, **kwargs):
    if issubclass(table_class, satisfaction_tables.OutreachTable):
        return table_class(rows, EVENT_KINDS, OUTCOME_KINDS, **kwargs)
    if issubclass(table_class, satisfaction_tables.ResultTable):
        return table_class(rows, rounds=ROUNDS, **kwargs)
    table = table_class(
        rows,
        drill_url=lambda code: f"/dashboard/weekly/?township={code}&x=<1>",
        task_urls={"CS-001": "/tasks/1/", 'CS-<003>&"': "/tasks/3/?a=1&b=2"},
        page=True,
        **kwargs,
    )
    table.remind_deferred = True  # as the dashboards render them: the CSRF token comes later
    return table


def set_path(row, path, value):
    """``row`` with ``value`` where the accessor ``path`` (``a__b``, ``rounds__0``) reads it."""
    bits = path.split("__")
    node = row
    for bit, following in zip(bits[:-1], bits[1:], strict=True):
        node = node.setdefault(bit, [] if following.isdigit() else {})
    last = bits[-1]
    if isinstance(node, list):
        node.extend([None] * (int(last) + 1 - len(node)))
        node[int(last)] = value
    else:
        node[last] = value


def sample_rows(table_class, count):
    """``count`` rows for every column of the table, each column meeting each kind of value
    it can show; the first column holds distinct texts, so that the table sorts by it."""
    columns = make(table_class, []).columns
    rows = []
    for i in range(count):
        row = {"code": CODES[i % len(CODES)], "shortfalls": ["队员不足", "<未满2年>"]}
        for position, bound in enumerate(columns.iterall()):
            column, name = bound.column, bound.name
            if position == 0:
                value = f"甲&乙-{(i * 5) % count:02d}"
            elif isinstance(column, RemindColumn):
                continue  # the row's code
            elif isinstance(column, MoneyColumn):
                value = MONEY[i % len(MONEY)]
            elif name == "households_pct":
                value = SHARES[i % len(SHARES)]
            elif name == "compliant":
                value = i % 2 == 0
            elif name in ("code", "task"):
                value = CODES[(i + 1) % len(CODES)]
            else:
                value = VALUES[(i + position) % len(VALUES)]
            set_path(row, str(bound.accessor), value)
        rows.append(row)
    return rows


class MayRemind:
    """A viewer who may send reminders (the 催报 column shown)."""

    is_authenticated = True

    def has_perm(self, perm):
        return True


TABLES = rows_table_classes()


def test_every_table_of_the_summary_pages_renders_its_rows_directly():
    """All the tables the three summary pages declare (not the organization records' lists,
    ``RecordTable``), so all of them are checked below."""
    declared = {
        value
        for module in (dashboard_tables, organization_tables, satisfaction_tables)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, tables.Table)
        and value.base_columns
        and value.__module__ == module.__name__
        and not issubclass(value, organization_tables.RecordTable)
    }

    assert declared and declared <= set(TABLES)
    assert {c.__module__ for c in TABLES} == {c.__module__ for c in declared}


@pytest.mark.parametrize("table_class", TABLES, ids=lambda c: f"{c.__module__.split('.')[0]}.{c.__name__}")
@pytest.mark.parametrize(
    ("query", "per_page", "shown"),
    [
        ("", None, 7),  # every row, as the summary pages show their first rows
        ("", 3, 3),
        ("page=3", 3, 1),
        ("sort=-{first}&page=2", 3, 3),
        ("sort={first}", 5, 5),
    ],
)
def test_the_rows_are_what_django_tables2_renders(table_class, query, per_page, shown):
    rows = sample_rows(table_class, 7)
    first = next(iter(make(table_class, []).columns.iterall())).name
    sorted_ = "sort" in query

    def make_table(**kwargs):
        return make(table_class, rows, orderable=sorted_, **kwargs)

    user = MayRemind() if issubclass(table_class, RemindMixin) else None
    bodies = assert_same_as_django_tables2(make_table, query.format(first=first), per_page, user)

    for body in bodies.values():
        assert body.count("<tr ") == shown
        assert "&lt;b&gt;" in body or "&amp;乙" in body  # escaped once, not twice
        assert "&amp;amp;" not in body
    if issubclass(table_class, RemindMixin):
        assert CSRF_SLOT in bodies["en"]
        assert ">Remind</button>" in bodies["en"] and ">催报</button>" in bodies["zh-hans"]


def test_localised_cells_differ_by_language_and_agree_with_django_tables2():
    """The check means something: a date and the defaults come out differently in the two
    languages, and each language's rendering is the same as django-tables2's."""
    rows = [{"name": "甲", "code": "A", "rounds": [None, 98.5], "registered": dt.date(2016, 6, 1)}]

    bodies = assert_same_as_django_tables2(
        lambda **kwargs: satisfaction_tables.TownshipTable(rows, rounds=ROUNDS, **kwargs)
    )

    assert "2016年6月1日" in bodies["zh-hans"] and "June 1, 2016" in bodies["en"]
    assert ">无测评</td>" in bodies["zh-hans"] and ">No survey</td>" in bodies["en"]
    assert ">98.5</td>" in bodies["en"]


def test_per_cell_attributes_follow_each_cell():
    """The monthly share's colour is worked out per cell from the cell's value."""
    rows = [
        {"name": "甲", "code": "A", "households_pct": 100},
        {"name": "乙", "code": "B", "households_pct": 50.5},
        {"name": "丙", "code": "C", "households_pct": None},
    ]

    body = assert_same_as_django_tables2(
        lambda **kwargs: dashboard_tables.MonthlyUnitTable(rows, **kwargs), languages=("zh-hans",)
    )["zh-hans"]

    assert '<td class="ok">100</td>' in body
    assert '<td class="warn">50.5</td>' in body
    assert "<td >—</td>" in body


@pytest.mark.parametrize("table_class", TABLES, ids=lambda c: f"{c.__module__.split('.')[0]}.{c.__name__}")
def test_an_empty_table_is_what_django_tables2_renders(table_class):
    """Every summary table says so when it has no rows (django-tables2 does not inherit a
    ``Meta`` a subclass does not declare: RowsTable passes its base's empty text on)."""
    bodies = assert_same_as_django_tables2(lambda **kwargs: make(table_class, [], **kwargs))

    assert ">暂无数据</td></tr>" in bodies["zh-hans"] and ">No data</td></tr>" in bodies["en"]


def test_numbers_are_localised_as_the_template_localises_them(settings):
    """Grouped thousands where the settings ask for them, in both renderings."""
    settings.USE_THOUSAND_SEPARATOR = True
    rows = [{"name": "甲", "code": "A", "active": 1234567, "reported_share": 1234.5}]

    bodies = assert_same_as_django_tables2(lambda **kwargs: dashboard_tables.WeeklyUnitTable(rows, **kwargs))

    assert ">1,234,567</td>" in bodies["zh-hans"] and ">1,234.5</td>" in bodies["en"]


def test_what_the_formatters_leave_to_django_tables2_is_rendered_as_it_renders_it(settings):
    """Columns forced to be localised or not (the template's ``localize``/``unlocalize``
    filters), and render methods asking for the row or for anything (``**kwargs``): the
    formatters hand those to django-tables2's own steps, with the same HTML."""

    class Odd(RowsTable):
        name = tables.Column(verbose_name="名称")
        count = tables.Column(localize=True)
        raw = tables.Column(localize=False, default="—")
        day = tables.Column(localize=True)
        row = tables.Column(accessor="name", empty_values=())
        anything = tables.Column(accessor="count")

        def render_row(self, value, bound_row):
            return f"{value}#{bound_row.row_counter}"

        def render_anything(self, **kwargs):
            return f"{kwargs['value']}<{kwargs['record']['name']}>"

    settings.USE_THOUSAND_SEPARATOR = True  # where localising or not shows
    rows = [
        {"name": "甲 <b>", "count": 1234567, "raw": 1234.5, "day": dt.date(2016, 6, 1)},
        {"name": "乙", "count": Decimal("0.50"), "raw": None, "day": dt.date(2016, 12, 31)},
    ]

    bodies = assert_same_as_django_tables2(lambda **kwargs: Odd(rows, **kwargs), per_page=5)

    assert "甲 &lt;b&gt;#0" in bodies["zh-hans"] and "乙#1" in bodies["en"]
    assert ">1,234,567</td>" in bodies["en"] and ">1234.5</td>" in bodies["en"]
    assert "1234567&lt;甲 &lt;b&gt;&gt;" in bodies["en"]
    assert "2016年6月1日" in bodies["zh-hans"] and "Dec. 31, 2016" in bodies["en"]


@pytest.mark.parametrize("table_class", TABLES, ids=lambda c: f"{c.__module__.split('.')[0]}.{c.__name__}")
def test_the_render_methods_signatures_are_worked_out_once_and_the_same(table_class):
    """``method_signature`` (cached per function) gives what django-tables2's ``signature``
    gives, for every column's render method of two tables of the class."""
    first, second = make(table_class, []), make(table_class, [])
    for one, other in zip(first.columns.iterall(), second.columns.iterall(), strict=True):
        assert method_signature(one.render) == signature(one.render), one.name
        assert method_signature(other.render) == signature(other.render) == method_signature(one.render)


def test_the_cells_links_are_what_format_html_makes():
    """The drill-down, task and ``linkify`` links are put together without
    ``format_html``'s generic steps: the same HTML, escaped once."""
    texts = [TEXT, mark_safe("<em>安全</em>"), None, 12, 0.5, Decimal("3.250"), gettext_lazy("催报")]
    urls = ['/dashboard/weekly/?township=<1>&x="2"', mark_safe("/tasks/1/?a=1&amp;b=2"), "/tasks/3/"]
    for text in texts:
        assert escaped(text) == conditional_escape(text)
        for url in urls:
            made = link_html(url, text)
            assert made == format_html('<a href="{}">{}</a>', url, text)
            assert isinstance(made, SafeString)


def old_remind_form(value, table, column):
    """The 催报 form as RemindColumn.render made it, one format_html a row."""
    request = table.remind_request
    deferred = getattr(table, "remind_deferred", False)
    return format_html(
        '<form method="post" action="{}" class="inline remind-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="{}" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="secondary small">{}</button></form>',
        reverse("accountability:reminder_send"),
        CSRF_SLOT if deferred else reminder_tables.get_token(request),
        column.target,
        value,
        NEXT_SLOT if deferred else request.get_full_path(),
        gettext_lazy("催报"),
    )


@pytest.mark.parametrize("deferred", [True, False])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "table_class", [dashboard_tables.NotReportedTable, dashboard_tables.WeeklyTownshipTable]
)
def test_the_remind_form_is_worked_out_once_a_table_and_the_same(
    table_class, language, deferred, monkeypatch
):
    # the same token for both (each get_token() masks it afresh)
    monkeypatch.setattr(reminder_tables, "get_token", lambda request: "token-<&>")
    request = RequestFactory().get('/dashboard/weekly/?week=2016-W40&x=<"&>')
    request.user = MayRemind()
    with translation.override(language):
        table = make(table_class, [])
        table.remind_deferred = deferred
        table.remind_request = request
        column = table.base_columns["remind"]
        for code in ["CS-001", 'CS-<003>&"', "CS-001", mark_safe("<b>CS</b>")]:
            assert column.render(code, table) == old_remind_form(code, table, column)
        assert column.render("", table) == ""


def test_cell_attributes_kept_per_value_are_those_of_each_cell():
    """A cell's attributes worked out once per value when they follow from the value alone
    (kept by type and spelling: 0, 0.0 and -0.0 apart), per cell when they read the record."""

    class Attributed(UnitRowsTable):
        name = tables.Column(attrs={"td": {"class": lambda record: record["colour"]}})
        active = tables.Column(attrs={"td": {"data-v": lambda value: repr(value)}})
        overdue = tables.Column(attrs={"td": {"class": lambda value: "bad" if value else ""}})

    values = [3, 0, 3, 0.0, -0.0, None, Decimal("3.25"), Decimal("3.250"), "3", True, 1, 1.0, TEXT]
    rows = [
        {"name": f"甲{i}", "code": f"A{i}", "colour": f"c{i % 3}", "active": value, "overdue": value}
        for i, value in enumerate(values)
    ]

    body = assert_same_as_django_tables2(lambda **kwargs: Attributed(rows, **kwargs))["zh-hans"]

    assert 'data-v="-0.0"' in body and 'data-v="0.0"' in body and 'data-v="0"' in body
    assert 'data-v="Decimal(&#x27;3.250&#x27;)"' in body
    assert '<td class="c2">' in body
