"""django-tables2 tables of the task and problem pages. Their rows come from ``task_selectors``, which
already joined and annotated everything a column shows: no column reaches across a relation
by itself."""

import functools
import html
from types import SimpleNamespace

import django_tables2 as tables
from django.db.models import F
from django.template.defaultfilters import truncatechars
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accountability.models import Task
from accountability.tasks import selectors
from accountability.tasks.selectors import NEWEST_PROBLEMS, OPEN_FIRST, Status, Urgency
from chishui.tables import RowsTable, link_html, number_formatter


def card(name, label=None, css=""):
    """A column's cell attributes: its class in the card layout of narrow screens
    (static/css/tasks.css) and the label shown there instead of the header row."""
    attrs = {"class": f"cell-{name} {css}".strip()}
    if label is not None:
        attrs["data-label"] = label
    return {"td": attrs}


def _progress_cell(title, percent):
    """A task's latest percent, its status (already escaped) as the title: one decimal on
    every database (SQLite drops it from subqueries)."""
    return f'<span class="progress-cell" title="{title}">{percent:.1f}%</span>'


# what django-tables2 takes for an empty cell, which shows the column's default (the list's
# columns keep django-tables2's own)
EMPTY = tables.Column.empty_values

ROW_CLASSES = {
    Urgency.TO_REPORT: "to-report",
    Urgency.OVERDUE: "overdue",
    Urgency.DONE: "done",
    Urgency.CLOSED: "done",
}


class TaskTable(RowsTable):
    """The task list; its export (``?export=csv|xlsx``) adds the ``visible=False`` columns. Its
    rows are rendered by ``RowsTable.body_rows`` (chishui/tables.py)."""

    code = tables.Column(
        verbose_name=_("任务编号"), linkify=lambda record: record_url(record), attrs=card("code")
    )
    title = tables.Column(
        verbose_name=_("任务名称"), linkify=lambda record: record_url(record), attrs=card("title")
    )
    township = tables.Column(verbose_name=_("乡镇"), accessor="township__name", visible=False)
    village = tables.Column(
        verbose_name=_("村"),
        accessor="village__name",
        default="—",
        order_by=("village__code", "due_on", "code"),
        attrs=card("village", _("村")),
    )
    factor = tables.Column(verbose_name=_("脱贫要素"), attrs=card("factor", _("脱贫要素")))
    owner = tables.Column(
        verbose_name=_("责任人"),
        accessor="owner__name",
        order_by=("owner__name", "due_on", "code"),
        attrs=card("owner", _("责任人")),
    )
    # ties broken by code, so pages are stable on every database
    due_on = tables.DateColumn(
        verbose_name=_("完成时限"),
        format="Y-m-d",
        order_by=("due_on", "code"),
        attrs=card("due", _("完成时限")),
    )
    target = tables.Column(verbose_name=_("目标值"), visible=False)
    latest_percent = tables.Column(
        verbose_name=_("最新进度"),
        default="—",
        attrs=card("progress", _("最新进度"), css="num"),
        exclude_from_export=True,
    )
    percent = tables.Column(verbose_name=_("最新进度（%）"), accessor="latest_percent", visible=False)
    status = tables.Column(verbose_name=_("状态"), visible=False)
    reported_this_week = tables.Column(verbose_name=_("本周填报"), attrs=card("week", _("本周填报")))
    is_overdue = tables.Column(verbose_name=_("逾期"), attrs=card("overdue", _("逾期")))

    class Meta:
        orderable = True  # by default in the selector's order: unfinished first, by deadline
        attrs = {"class": "table task-table"}
        empty_text = _("没有符合条件的任务。")
        row_attrs = {"class": lambda record: ROW_CLASSES.get(record.urgency, "")}

    def __init__(self, data, *args, by_urgency=None, **kwargs):
        """``by_urgency``: the ``selectors.urgency_counts`` of ``data`` when the caller has
        them already (the unfiltered list's counts at the top): paging then counts no rows,
        and reads a page of the list's own order in deadline order where it can
        (``selectors.page_in_deadline_order``)."""
        super().__init__(data, *args, **kwargs)
        self.by_urgency = by_urgency
        if by_urgency is not None:
            self.data._length = sum(by_urgency.values())  # TableQuerysetData's cached len()

    def paginate(self, *args, **kwargs):
        """The page's rows are read by ``selectors.page_of``: ordered and sliced over the tasks
        alone (in deadline order when the list is in its own order and its counts are
        known), joined and annotated for the page's rows only."""
        super().paginate(*args, **kwargs)
        rows = self.page.object_list
        page = rows.data
        if self.by_urgency is not None and not self.order_by:  # the selector's own order
            query = page.query
            in_deadline_order = selectors.page_in_deadline_order(
                self.data.data, self.by_urgency, query.low_mark, query.high_mark
            )
            if in_deadline_order is not None:
                page = in_deadline_order
        rows.data = selectors.page_of(self.data.data, page)
        return self

    def order_latest_percent(self, queryset, is_descending):
        """Tasks without any report sort last either way (databases disagree on NULLs)."""
        expression = (
            F("latest_percent").desc(nulls_last=True)
            if is_descending
            else F("latest_percent").asc(nulls_last=True)
        )
        return queryset.order_by(expression, "due_on", "code"), True

    def body_rows(self, number=None):
        """``RowsTable.body_rows``, each row's attributes worked out once for each urgency and
        parity (``Meta.row_attrs`` depends on the urgency only), not once a row."""
        number = number or number_formatter()
        plans = [self.cell_plan(column, number) for column in self.columns]
        row_html = {}
        for row in self.paginated_rows:
            record = row.record
            key = (record.urgency, row.row_counter % 2)
            attrs = row_html.get(key)
            if attrs is None:
                attrs = row_html[key] = row.attrs.as_html()
            cells = "".join([cell(row, record) for cell in plans])
            yield mark_safe(f"<tr {attrs}>{cells}</tr>")

    def cell_plan(self, bound_column, number):
        """The cells of the list's own columns as one f-string each, their constant parts
        (the ``<td>``, the labels, the badges) worked out once a page in its language, where
        ``RowsTable.cell_plan`` calls the accessor, the render method, ``format_html`` and
        the link a cell; the exports' columns and any other go through it. The HTML is the
        same (tests/accountability/test_tasks_table.py compares it with django-tables2's)."""
        plan = getattr(self, f"_cells_{bound_column.name}", None)
        if plan is None:
            return super().cell_plan(bound_column, number)
        return plan(f"<td {bound_column.attrs['td'].as_html()}>", bound_column.default)

    def _cells_code(self, start, default):
        return self._linked_cells(start, default, "code")

    def _cells_title(self, start, default):
        return self._linked_cells(start, default, "title")

    @staticmethod
    def _linked_cells(start, default, name):
        """The task's code or title, linked to its page (``linkify``: ``record_url``)."""

        def cell(row, record):
            value = getattr(record, name)
            if value in EMPTY:  # never for a saved task; as django-tables2 has it
                return f"{start}{html.escape(str(default))}</td>"
            return f"{start}{link_html(record_url(record), value)}</td>"

        return cell

    @staticmethod
    def _name_cells(start, default, related):
        """The name of the task's village or owner (``village__name``, ``owner__name``), or the
        column's default."""
        empty = f"{start}{html.escape(str(default))}</td>"

        def cell(row, record):
            place = getattr(record, related)
            name = None if place is None else place.name
            return empty if name in EMPTY else f"{start}{html.escape(name)}</td>"

        return cell

    def _cells_village(self, start, default):
        return self._name_cells(start, default, "village")

    def _cells_owner(self, start, default):
        return self._name_cells(start, default, "owner")

    def _cells_factor(self, start, default):
        # the field's choice labels, as get_factor_display gives them
        choices = Task._meta.get_field("factor").flatchoices
        labels = {value: f"{start}{html.escape(str(label))}</td>" for value, label in choices}
        empty = f"{start}{html.escape(str(default))}</td>"

        def cell(row, record):
            factor = record.factor
            if factor in EMPTY:
                return empty
            return labels.get(factor) or f"{start}{html.escape(str(factor))}</td>"

        return cell

    def _cells_due_on(self, start, default):
        empty = f"{start}{html.escape(str(default))}</td>"
        render = self.render_due_on

        def cell(row, record):
            due_on = record.due_on
            return empty if due_on in EMPTY else f"{start}{html.escape(render(due_on))}</td>"

        return cell

    def _cells_latest_percent(self, start, default):
        empty = f"{start}{html.escape(str(default))}</td>"
        titles = {status: html.escape(str(status.label)) for status in Status}

        def cell(row, record):
            percent = record.latest_percent
            if percent in EMPTY:
                return empty
            return f"{start}{_progress_cell(titles[Status(record.status)], percent)}</td>"

        return cell

    def _cells_reported_this_week(self, start, default):
        # the badges the render method gives, once a page: for a task reported this week, a
        # task done, and one still to report (closed-out tasks name their closure, below)
        render = self.render_reported_this_week
        reported = f"{start}{render(True, None)}</td>"
        done = f"{start}{render(False, SimpleNamespace(status=Status.DONE, urgency=None))}</td>"
        not_reported = f"{start}{render(False, SimpleNamespace(status=None, urgency=None))}</td>"

        def cell(row, record):
            if record.reported_this_week:
                return reported
            if record.status == Status.DONE:
                return done
            if record.urgency == Urgency.CLOSED:  # rare: the render method itself
                return f"{start}{render(record.reported_this_week, record)}</td>"
            return not_reported

        return cell

    def _cells_is_overdue(self, start, default):
        overdue = f"{start}{self.render_is_overdue(True)}</td>"
        not_overdue = f"{start}{self.render_is_overdue(False)}</td>"
        return lambda row, record: overdue if record.is_overdue else not_overdue

    def render_due_on(self, value):
        """What the column's ``date:"Y-m-d"`` template renders, without a template a cell."""
        return value.strftime("%Y-%m-%d")

    def render_latest_percent(self, value, record):
        return mark_safe(_progress_cell(html.escape(str(Status(record.status).label)), value))

    def value_status(self, value):
        return Status(value).label

    def render_reported_this_week(self, value, record):
        if value:
            return format_html('<span class="badge ok">{}</span>', _("已填报"))
        if record.status == Status.DONE:  # nothing left to report
            return format_html('<span class="badge ok">{}</span>', Status.DONE.label)
        if record.urgency == Urgency.CLOSED:  # closed out at a year's end: nothing to report
            return format_html('<span class="badge">{}</span>', record.get_closure_display())
        return format_html('<span class="badge warn">{}</span>', _("未填报"))

    def value_reported_this_week(self, value, record):
        if not value and record.urgency == Urgency.CLOSED:
            return record.get_closure_display()
        return _("已填报") if value else _("未填报")

    def render_is_overdue(self, value):
        if value:
            return format_html('<span class="badge bad">{}</span>', _("已逾期"))
        return format_html('<span class="badge">{}</span>', _("否"))

    def value_is_overdue(self, value):
        return _("是") if value else _("否")


# a task number no task has, marking where the pk goes in the reversed address
URL_MARK = 918273645


@functools.lru_cache(maxsize=16)
def _task_url_parts(script_prefix, urlconf):
    """The task page's address around its pk, reversed once per script prefix and URLconf."""
    return reverse("accountability:task_detail", args=[URL_MARK], urlconf=urlconf).rsplit(str(URL_MARK), 1)


def task_url(pk):
    """``reverse("accountability:task_detail", args=[pk])``, without reversing a row: the
    address worked out once, the pk put in its place."""
    before, after = _task_url_parts(get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


def record_url(record):
    """The task page's address, worked out once a row (its code and its title link to it)."""
    if "_task_url" not in record.__dict__:
        record._task_url = task_url(record.pk)
    return record._task_url


# ties broken by newest first, then by id, so pages are stable on every database
NEWEST = NEWEST_PROBLEMS


class ProblemTable(tables.Table):
    """The problem list; its export adds the ``visible=False`` columns and the full description."""

    raised_on = tables.DateColumn(verbose_name=_("提出日期"), format="Y-m-d", order_by=("raised_on", "id"))
    township = tables.Column(
        verbose_name=_("乡镇"), accessor="township__name", order_by=("township__code", *NEWEST)
    )
    village = tables.Column(verbose_name=_("村"), accessor="village__name", default="—")
    factor = tables.Column(verbose_name=_("脱贫要素"), order_by=("factor", *NEWEST))
    description = tables.Column(
        verbose_name=_("问题描述"),
        linkify=lambda record: reverse("accountability:problem_detail", args=[record.pk]),
        order_by=("description", "id"),
    )
    # empty_values=(): an open problem (no closed date) is rendered too, as 未解决
    status = tables.Column(verbose_name=_("状态"), accessor="closed_on", empty_values=())
    closed_on = tables.DateColumn(verbose_name=_("解决日期"), format="Y-m-d", visible=False)
    resolution = tables.Column(verbose_name=_("解决情况"), visible=False)
    task_count = tables.Column(
        verbose_name=_("已转任务数"), order_by=("task_count", *NEWEST), attrs={"td": {"class": "num"}}
    )

    class Meta:
        orderable = True  # by default in the selector's order: open problems first, newest first
        attrs = {"class": "table problem-table"}
        empty_text = _("没有符合条件的问题。")

    def order_village(self, queryset, is_descending):
        """Problems of the whole township (no village) sort last either way."""
        code = F("village__code")
        expression = code.desc(nulls_last=True) if is_descending else code.asc(nulls_last=True)
        return queryset.order_by(expression, *NEWEST), True

    def order_status(self, queryset, is_descending):
        """Open problems first (closed ones first when descending), newest first in each."""
        return queryset.order_by(OPEN_FIRST.desc() if is_descending else OPEN_FIRST, *NEWEST), True

    def render_factor(self, record):
        return record.get_factor_display()

    def render_description(self, value):
        return truncatechars(value, 60)

    def value_description(self, value):
        return value

    def render_status(self, record):
        if record.is_open:
            return format_html('<span class="badge warn">{}</span>', _("未解决"))
        return format_html(
            '<span class="badge ok">{}</span> {}', _("已解决"), record.closed_on.strftime("%Y-%m-%d")
        )

    def value_status(self, record):
        return _("未解决") if record.is_open else _("已解决")

    def value_closed_on(self, value):
        return value.isoformat() if value else ""
