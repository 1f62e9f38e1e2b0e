"""Registry import (FORMATS.md): one engine behind ``import_registry`` and the upload page.

``engine`` parses and loads the sheets; ``views`` and ``forms`` are the admins' upload page.
"""

from .engine import (  # noqa: F401
    CHOICE,
    DATE,
    DECIMAL,
    EXISTING,
    MAX_FILE_BYTES,
    MAX_ROWS,
    REF,
    Column,
    SheetSpec,
    load,
    log,
    on_write,
    place_problems,
    register,
    specs,
    write_template,
)
