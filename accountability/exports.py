"""CSV and XLSX downloads: moved to chishui.exports so that villages' pages use them too."""

from chishui.exports import (  # noqa: F401
    FORMATS,
    XLSX_TYPE,
    csv_bytes,
    export_response,
    rows_response,
    table_rows,
    xlsx_bytes,
)
