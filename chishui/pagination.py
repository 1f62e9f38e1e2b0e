"""Paging of every django-tables2 table: one helper, so ``?per_page=`` and ``?page=`` from the
query string can never break a page.

``per_page`` is clamped to 1–``MAX_PER_PAGE`` rows (``per_page=-1`` once raised EmptyPage and a
500; ``per_page=2147483648`` rendered every row). ``page`` keeps django-tables2's silent
handling: a page that is not a number shows the first page, a page past the end (or below 1)
shows the last one.
"""

from django.core.paginator import Paginator
from django_tables2 import RequestConfig

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
