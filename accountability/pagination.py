"""The paging of tables lives in chishui/pagination.py, shared with villages' pages (which may
not import this app)."""

from chishui.pagination import MAX_PER_PAGE, BoundedPaginator, paginate

__all__ = ["MAX_PER_PAGE", "BoundedPaginator", "paginate"]
