"""CSV and XLSX downloads of django-tables2 tables (``Table.as_values()``).

CSV is UTF-8 with a byte-order mark so that Excel on Chinese Windows shows the Chinese
headers; XLSX is written with openpyxl. Both carry exactly the columns the page shows.
"""

import csv
import io

from django.http import HttpResponse
from openpyxl import Workbook

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_rows(table):
    """Header row then data rows, as plain strings and numbers ("—" for empty cells)."""
    return [["" if cell is None else cell for cell in row] for row in table.as_values()]


def csv_bytes(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows, title):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([cell if isinstance(cell, int | float) else str(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(table, fmt, filename):
    """A download of ``table`` as ``fmt`` (csv or xlsx) named ``filename`` plus extension."""
    return rows_response(table_rows(table), fmt, filename)


def rows_response(rows, fmt, filename):
    """A download of ``rows`` (header row first) as ``fmt`` named ``filename`` plus extension."""
    if fmt == "csv":
        response = HttpResponse(csv_bytes(rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(rows, filename), content_type=XLSX_TYPE)
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
