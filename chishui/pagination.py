"""Paging of every django-tables2 table: one helper, so ``?per_page=`` and ``?page=`` from the
query string can never break a page.

``per_page`` is clamped to 1–``MAX_PER_PAGE`` rows (``per_page=-1`` once raised EmptyPage and a
500; ``per_page=2147483648`` rendered every row). ``page`` keeps django-tables2's silent
handling: a page that is not a number shows the first page, a page past the end (or below 1)
shows the last one.
"""

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from chishui.exports import FORMATS

MAX_PER_PAGE = 100


class BoundedPaginator(Paginator):
    """A paginator whose page size stays between 1 and ``MAX_PER_PAGE``."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)


def paginate(request, table, per_page):
    """Order and page ``table`` from ``request``'s query string (its prefixed ``sort``,
    ``page`` and ``per_page``); ``per_page`` is the default page size."""
    RequestConfig(request, paginate={"per_page": per_page, "paginator_class": BoundedPaginator}).configure(
        table
    )
    return table


# A summary page (the dashboards, the organization overview, the satisfaction results) shows
# the first TOP_ROWS rows of each table and, when it has more, links to the whole table
# (``&table=NAME``), PAGE_ROWS rows a page; the exports and the JSON carry every row.
TOP_ROWS = 20
PAGE_ROWS = 50


def table_in_full(request, names):
    """The table of a summary page asked for in full: ``&table=NAME``, or one of ``names``
    by its own paging parameter (``units-page=2``: links made when the page showed every
    row). None: the page itself."""
    if "table" in request.GET:
        return request.GET["table"]
    for name in names:
        if f"{name}-page" in request.GET or f"{name}-per_page" in request.GET:
            return name
    return None


def requested_output(request, tables, table_name=table_in_full):
    """What a summary page is asked for: ``(format, export, table)`` — ``?format=`` html or
    json, ``?export=`` csv or xlsx (None: no download), and the table shown in full or
    downloaded (``table_name(request, tables)``, read for the HTML page and a download only;
    None: the page itself). ``ValueError`` with the message a user reads for a format,
    download or table the page does not have."""
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "json"):
        raise ValueError(_("不支持的格式：%(format)s（可用 html 或 json）。") % {"format": fmt})
    export = request.GET.get("export")
    if export is not None and export not in FORMATS:
        raise ValueError(_("不支持的导出格式：%(format)s（可用 csv 或 xlsx）。") % {"format": export})
    name = table_name(request, tables) if fmt == "html" or export is not None else None
    if (export is not None or name is not None) and name not in tables:
        raise ValueError(_("没有名为 %(table)s 的表格。") % {"table": name or ""})
    return fmt, export, name
