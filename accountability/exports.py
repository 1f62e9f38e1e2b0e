"""The CSV/XLSX downloads live in chishui/exports.py, shared with villages' pages (which may
not import this app)."""

from chishui.exports import (
    FORMATS,
    FORMULA_STARTS,
    SpreadsheetExport,
    escape_formula,
    export_response,
    requested_format,
)

__all__ = [
    "FORMATS",
    "FORMULA_STARTS",
    "SpreadsheetExport",
    "escape_formula",
    "export_response",
    "requested_format",
]
