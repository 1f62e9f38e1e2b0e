"""CSV and XLSX downloads of django-tables2 tables: the one export path of every list and
dashboard table, through django-tables2's ``TableExport`` (tablib).

Each export carries the table's ``as_values()``: the columns the page shows plus the
export-only ones (``visible=False``), raw numbers rather than the page's formatting. CSV is
UTF-8 with a byte-order mark so that Excel on Chinese Windows shows the Chinese headers.
Text that a spreadsheet would run as a formula is escaped (see ``escape_formula``).
"""

from django_tables2.export import TableExport
from tablib import Dataset

FORMATS = (TableExport.CSV, TableExport.XLSX)

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"): a problem titled =HYPERLINK(...) must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula.
    Numbers (negative ones included), dates and empty cells are kept as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SpreadsheetExport(TableExport):
    """``TableExport`` whose cells are formula-escaped and whose CSV starts with a BOM."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        rows = (
            [escape_formula(cell) for cell in row] for row in table.as_values(exclude_columns=exclude_columns)
        )
        dataset = Dataset(headers=next(rows), **(dataset_kwargs or {}))
        dataset.extend(rows)
        return dataset

    def export(self):
        if self.format == self.CSV:
            return self.dataset.export(self.format).encode("utf-8-sig")
        return self.dataset.export(self.format)


def export_response(table, fmt, filename):
    """A download of ``table`` as ``fmt`` (one of ``FORMATS``) named ``filename`` plus extension."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    export = SpreadsheetExport(fmt, table, dataset_kwargs={"title": filename})
    return export.response(filename=f"{filename}.{fmt}")


def requested_format(request):
    """The format a list page's ``?export=`` asks for (csv or xlsx), or None for the page."""
    fmt = request.GET.get("export")
    return fmt if fmt in FORMATS else None
