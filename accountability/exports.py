"""The CSV/XLSX downloads live in chishui/exports.py, shared with villages' pages (which may
not import this app)."""

from chishui.exports import (
    FORMATS,
    XLSX_TYPE,
    csv_bytes,
    export_response,
    rows_response,
    table_rows,
    xlsx_bytes,
)

__all__ = [
    "FORMATS",
    "XLSX_TYPE",
    "csv_bytes",
    "export_response",
    "rows_response",
    "table_rows",
    "xlsx_bytes",
]
