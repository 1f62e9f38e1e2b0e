"""The one code path that loads the county registry from spreadsheets (FORMATS.md).

``load(sources, user=..., write=...)`` parses every file, validates every row, computes
what would be created, updated or left unchanged, and — only when nothing at all is
wrong and ``write`` is true — writes everything in one transaction with bulk statements.
The ``import_registry`` command and the admins' upload page both call it.

Sheets are described by ``SheetSpec`` objects kept in a registry ordered by load order.
The villages kinds (townships, villages, households, cadres, statistics) are declared here. The
``tasks`` sheet targets ``accountability.Task``; villages must never import accountability
(ARCHITECTURE.md: imports go one way), so accountability registers that spec itself from
``AccountabilityConfig.ready()`` (accountability/registry_sheets.py) through ``register()``.
The engine only knows sheet specs, never a concrete accountability model.

Performance: one pass over the rows; per kind one query (per chunk of codes) for the rows
already in the database and one for the rows the file refers to; writes are
``bulk_create``/``bulk_update`` plus bulk audit-history rows (simple_history). No query
runs per row.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chishui import cache
from villages.dates import FIRST_YEAR, LAST_YEAR
from villages.satisfaction import services as satisfaction

# Documented limits (README, FORMATS.md): a file above these is refused with a message.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000  # rows read per sheet / CSV file after the header, blank rows included
# Columns read per sheet row: far more than any sheet has. A workbook can declare a sheet of
# 16,384 columns by a million rows in a few bytes; reading stops at these two limits.
MAX_COLUMNS = 64
CHUNK = 5000  # codes per ``code__in`` query
BATCH = 1000  # rows per INSERT/UPDATE statement
CHANGE_REASON = "registry import"

TEXT, BOOL, DATE, CHOICE, INT, DECIMAL, REF, UNIT_NAME = (
    "text",
    "bool",
    "date",
    "choice",
    "int",
    "decimal",
    "ref",
    "unit_name",
)

TRUE_WORDS = {"yes", "y", "true", "t", "1", "是", "对", "√"}
FALSE_WORDS = {"no", "n", "false", "f", "0", "否", "不是", "×"}
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


# Stands for "the database row already has one" when a REF column is absent from the file.
EXISTING = object()


class RegistryError(Exception):
    """A whole file cannot be read (not a spreadsheet, empty, too big, …)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of FORMATS.md
    kind: str = TEXT
    required: bool = False
    field: str = ""  # model field name; defaults to key
    ref: str = ""  # for REF columns: the sheet kind the code refers to
    note: str = ""  # shown in the template's header comment

    @property
    def model_field(self):
        return self.field or self.key


@dataclass
class SheetSpec:
    """One sheet of FORMATS.md: its key, Chinese title, target model and columns.

    ``check(ctx, row, get)`` returns ``[(column_key, message)]`` for cross-field and
    cross-reference rules; ``get(key)`` gives the row's value, falling back to the value of
    the row already in the database when the column is absent from the file.
    ``parent`` names the REF column that places a row in the hierarchy (a village's
    township, a household's village); other sheets use it to check "within".

    ``loader``: for a sheet that is not one model row per line (the ``surveys`` sheet: one
    row per household and round, one column per livelihood item), an object that does the
    sheet's own work inside the same load — ``read(ctx, table)`` (header; returns its state
    or None), ``check(ctx, state)`` (rows, after every ordinary sheet is parsed),
    ``report(state)`` (a SheetReport), ``write(ctx, state, user)`` (in load order, after
    the sheets before it) and optionally ``template_headers()``.
    ``natural_key`` names the columns that identify a row (``code``, or e.g. village + year
    for a sheet without codes); only ``code``-keyed sheets can be referred to by REF columns.
    ``write(ctx, sheet, history)``, when given, replaces the bulk create/update of the
    sheet's rows (for a many-to-many link table, which has no history of its own).
    """

    key: str
    title: object
    order: int
    get_model: object  # callable returning the model class (lazy: apps may not be ready)
    columns: list
    check: object = None
    parent: str = ""
    loader: object = None
    natural_key: tuple = ("code",)
    write: object = None

    @property
    def model(self):
        return self.get_model()

    def column(self, key):
        return next(c for c in self.columns if c.key == key)


SPECS: dict[str, SheetSpec] = {}


@dataclass
class Written:
    """What a load wrote to one kind: the created rows, and each updated row with the old
    values of the fields that changed (attribute names)."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)  # [(instance, {attname: old value})]


# The households' fields the satisfaction results' tallies count them by or copy
# (villages/satisfaction/tallies.py).
TALLIED = {"village_id", "unit_id", "registered_on", "exited_on", "size"}

# Called inside the load's transaction, after every sheet is written, with
# {sheet key: Written}: how other apps keep what they derive from the registry exact.
WRITE_CALLBACKS = []


def on_write(callback):
    WRITE_CALLBACKS.append(callback)
    return callback


def register(spec):
    """Add (or replace) a sheet kind. Called at import time here and from other apps'
    ``AppConfig.ready()``."""
    SPECS[spec.key] = spec


def specs():
    return sorted(SPECS.values(), key=lambda s: s.order)


# ---------------------------------------------------------------------------------------
# Reports


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self):
        if self.row == 0:  # the whole file; the message names it
            return self.message
        return f"{self.sheet} row {self.row}, {self.column}: {self.message}"


@dataclass
class SheetReport:
    kind: str
    title: str
    source: str
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    files: list
    sheets: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    written: bool = False

    @property
    def ok(self):
        return not self.problems

    @property
    def errors(self):
        return [str(p) for p in self.problems]

    @property
    def counts(self):
        return {
            s.kind: {"create": s.create, "update": s.update, "unchanged": s.unchanged} for s in self.sheets
        }


# ---------------------------------------------------------------------------------------
# Reading files


@dataclass
class Table:
    """A sheet as read from a file: its name as the admin sees it, the header cells and the
    data rows with their spreadsheet row numbers."""

    name: str
    spec: SheetSpec
    header: list
    rows: list  # [(row_number, [cell values])]


def _sheet_spec(name):
    norm = str(name).strip().lower()
    for spec in SPECS.values():
        with translation.override("zh-hans"):
            title = str(spec.title)
        if norm in (spec.key, title.lower()):
            return spec
    return None


def _known_names():
    with translation.override("zh-hans"):
        return "、".join(f"{s.key}（{s.title}）" for s in specs())


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows(name, sheet=None):
    if sheet is None:
        limit = _("%(file)s 超过 %(max)s 行的上限。") % {"file": name, "max": f"{MAX_ROWS:,}"}
    else:
        limit = _("%(file)s 的工作表 %(sheet)s 超过 %(max)s 行的上限。") % {
            "file": name,
            "sheet": sheet,
            "max": f"{MAX_ROWS:,}",
        }
    return RegistryError(_("%(limit)s空行也计算在内，请删除多余的行后重新上传。") % {"limit": limit})


def _read_xlsx(name, data, problems):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise RegistryError(
            _("%(file)s 不是有效的 Excel 工作簿（.xlsx）：%(reason)s")
            % {"file": name, "reason": type(exc).__name__}
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on junk; none may crash a load
        raise RegistryError(_("%(file)s 不是有效的 Excel 工作簿（.xlsx）。") % {"file": name}) from exc
    tables = []
    unknown = 0
    try:
        for sheet in workbook.worksheets:
            spec = _sheet_spec(sheet.title)
            rows = []
            header = None
            cells = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for number, values in enumerate(cells, start=1):
                if number == 1:
                    header = list(values)
                    continue
                if number - 1 > MAX_ROWS:  # every row read counts, blank or not
                    raise _too_many_rows(name, sheet.title)
                if all(_is_blank(v) for v in values):
                    continue
                rows.append((number, list(values)))
            if spec is None:
                if header is None or all(_is_blank(v) for v in header):
                    continue  # an empty extra sheet (Excel adds "Sheet1") carries no data
                problems.append(
                    Problem(
                        sheet.title, 1, "-", _("未知的工作表名，应为：%(names)s") % {"names": _known_names()}
                    )
                )
                unknown += 1
            elif rows:  # a sheet left with only its header (as in the template) loads nothing
                tables.append(Table(sheet.title, spec, header or [], rows))
    except RegistryError:
        raise
    except Exception as exc:
        raise RegistryError(_("%(file)s 无法读取：%(reason)s") % {"file": name, "reason": exc}) from exc
    finally:
        workbook.close()
    if not tables and not unknown:
        raise RegistryError(_("%(file)s 没有数据行。") % {"file": name})
    return tables


def _decode_csv(name, data):
    if b"\x00" in data[:4096]:
        raise RegistryError(_("%(file)s 不是文本格式的 CSV 文件。") % {"file": name})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryError(_("%(file)s 的编码无法识别，请保存为 UTF-8 或 GBK。") % {"file": name})


def _read_csv(name, data):
    spec = _sheet_spec(Path(name).stem)
    if spec is None:
        raise RegistryError(
            _("无法从文件名 %(file)s 判断表类型，文件名应为：%(names)s（.csv）")
            % {"file": name, "names": _known_names()}
        )
    text = _decode_csv(name, data)
    try:
        records = csv.reader(io.StringIO(text, newline=""))
        header = next(records, None)
        rows = []
        for number, values in enumerate(records, start=2):
            if number - 1 > MAX_ROWS:  # every row read counts, blank or not
                raise _too_many_rows(name)
            if all(_is_blank(v) for v in values):
                continue
            rows.append((number, values))
    except csv.Error as exc:
        raise RegistryError(
            _("%(file)s 不是有效的 CSV 文件：%(reason)s") % {"file": name, "reason": exc}
        ) from exc
    return [Table(name, spec, header or [], rows)]


def _too_big(name):
    return RegistryError(
        _("%(file)s 超过 %(max)s MB 的大小上限。") % {"file": name, "max": MAX_FILE_BYTES // (1024 * 1024)}
    )


def read_file(name, data, problems):
    """Tables of one uploaded or named file. Raises RegistryError for a file that cannot be
    read at all; appends sheet-level problems (unknown sheet) to ``problems``."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(name)
    if not data.strip():
        raise RegistryError(_("%(file)s 是空文件。") % {"file": name})
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(name, data, problems)
    if suffix == ".csv":
        return _read_csv(name, data)
    if suffix == ".xls":
        raise RegistryError(_("%(file)s 是旧版 .xls 格式，请在 Excel 中另存为 .xlsx。") % {"file": name})
    raise RegistryError(_("%(file)s：只能导入 .xlsx 工作簿或 .csv 文件。") % {"file": name})


# ---------------------------------------------------------------------------------------
# Parsing cells


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 13800000000 or 1001 as a number
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _parse_bool(value):
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s”不是是/否值，应为 是/否、yes/no、true/false 或 1/0。") % {"value": text})


def _parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    match = DATE_RE.match(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise ValueError(_("“%(value)s”不是有效日期，应为 YYYY-MM-DD，例如 2016-06-30。") % {"value": text})


def _parse_int(value):
    if isinstance(value, bool):
        raise ValueError(_("应为整数。"))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value)
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    raise ValueError(_("“%(value)s”不是整数。") % {"value": text})


def _parse_decimal(value):
    if isinstance(value, bool):
        raise ValueError(_("应为数字。"))
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _text(value).replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(_("“%(value)s”不是数字。") % {"value": text})
    return number


_choice_maps = {}


def _choice_map(model_field):
    """English key or Chinese label (the model's TextChoices labels) -> stored key."""
    if model_field not in _choice_maps:
        mapping = {}
        with translation.override("zh-hans"):
            for value, label in model_field.choices:
                mapping[str(value).lower()] = value
                mapping[str(label).lower()] = value
        _choice_maps[model_field] = mapping
    return _choice_maps[model_field]


def choice_help(model_field):
    with translation.override("zh-hans"):
        return "、".join(f"{value}（{label}）" for value, label in model_field.choices)


def _parse_choice(value, model_field):
    text = _text(value)
    found = _choice_map(model_field).get(text.lower())
    if found is None:
        raise ValueError(
            _("“%(value)s”不是可选值，可选：%(allowed)s")
            % {"value": text, "allowed": choice_help(model_field)}
        )
    return found


def parse_cell(column, value, model_field):
    """The Python value of a non-blank cell, or ValueError with a Chinese message."""
    if column.kind == BOOL:
        return _parse_bool(value)
    if column.kind == DATE:
        return _parse_date(value)
    if column.kind == INT:
        return _parse_int(value)
    if column.kind == DECIMAL:
        return _parse_decimal(value)
    if column.kind == CHOICE:
        return _parse_choice(value, model_field)
    return _text(value)


def blank_value(column, model_field):
    """What an empty optional cell stores."""
    if column.kind == BOOL:
        return model_field.default if model_field.has_default() else False
    if column.kind in (INT, DECIMAL) and model_field.has_default():
        return model_field.default
    if column.kind in (REF, UNIT_NAME, DATE, INT, DECIMAL):
        return None
    if column.kind == CHOICE and model_field.has_default():
        return model_field.default
    return ""


# ---------------------------------------------------------------------------------------
# Validation and diff


@dataclass
class Row:
    number: int
    values: dict  # column key -> parsed value (only columns present in the file)
    code: str = ""
    valid: bool = True


@dataclass
class Sheet:
    table: Table
    spec: SheetSpec
    columns: dict  # column key -> index in the row
    column_names: dict  # column key -> header as written in the file
    blank_header: list = field(default_factory=list)  # indexes of header cells left empty
    rows: list = field(default_factory=list)
    existing: dict = field(default_factory=dict)  # code -> model instance
    creates: list = field(default_factory=list)  # [Row]
    updates: list = field(default_factory=list)  # [(Row, instance, changed field names)]
    unchanged: int = 0


class Context:
    """Everything known during one load: the sheets, the rows of the database they refer
    to and the problems found."""

    def __init__(self):
        self.problems = []
        self.sheets = {}  # kind -> Sheet
        # kind -> code -> (pk or None, parent code or None): rows referred to, from the file
        # (pk None when new) or from the database
        self.refs = {}
        self.unit_ids = {}  # unit name -> pk for units already in the database
        self.custom = {}  # kind -> state of a sheet with its own loader (SheetSpec.loader)

    def problem(self, sheet, row, column_key, message):
        name = sheet.column_names.get(column_key) or sheet.spec.column(column_key).header
        self.problems.append(Problem(sheet.table.name, row, name, str(message)))

    def ref(self, kind, code):
        return self.refs.get(kind, {}).get(code)

    def parent_code(self, kind, code):
        found = self.ref(kind, code)
        return found[1] if found else None


def _read_header(ctx, table):
    spec = table.spec
    by_name = {}
    for column in spec.columns:
        by_name[column.key.lower()] = column
        by_name[column.header.lower()] = column
    sheet = Sheet(table, spec, {}, {})
    blank_header = []
    for index, cell in enumerate(table.header):
        name = _text(cell)
        if not name:
            blank_header.append(index)
            continue
        column = by_name.get(name.lower())
        if column is None:
            ctx.problems.append(
                Problem(
                    table.name,
                    1,
                    name,
                    _("未知的列名（本表可用的列：%(cols)s）")
                    % {"cols": "、".join(f"{c.key}/{c.header}" for c in spec.columns)},
                )
            )
            continue
        if column.key in sheet.columns:
            ctx.problems.append(
                Problem(
                    table.name,
                    1,
                    name,
                    _("列重复：与“%(other)s”是同一列。") % {"other": sheet.column_names[column.key]},
                )
            )
            continue
        sheet.columns[column.key] = index
        sheet.column_names[column.key] = name
    if not table.header or all(_is_blank(c) for c in table.header):
        ctx.problems.append(Problem(table.name, 1, "-", _("缺少表头行。")))
        return None
    for column in spec.columns:
        if column.required and column.key not in sheet.columns:
            ctx.problems.append(
                Problem(
                    table.name,
                    1,
                    column.header,
                    _("缺少必填列 %(key)s（%(header)s）。") % {"key": column.key, "header": column.header},
                )
            )
    if not table.rows:
        ctx.problems.append(Problem(table.name, 2, "-", _("没有数据行。")))
    sheet.blank_header = blank_header
    return sheet


def _parse_rows(ctx, sheet):
    spec = sheet.spec
    model = spec.model
    code_rows = {}
    fields = {key: model._meta.get_field(spec.column(key).model_field) for key in sheet.columns}
    for number, cells in sheet.table.rows:
        row = Row(number, {})
        for index in sheet.blank_header:
            if index < len(cells) and not _is_blank(cells[index]):
                ctx.problems.append(
                    Problem(sheet.table.name, number, f"#{index + 1}", _("这一列没有表头，数据无法对应。"))
                )
                row.valid = False
        for key, index in sheet.columns.items():
            column = spec.column(key)
            raw = cells[index] if index < len(cells) else None
            if _is_blank(raw):
                if column.required:
                    ctx.problem(sheet, number, key, _("必填，不能为空。"))
                    row.valid = False
                    continue
                row.values[key] = blank_value(column, fields[key])
                continue
            try:
                value = parse_cell(column, raw, fields[key])
            except ValueError as exc:
                ctx.problem(sheet, number, key, exc)
                row.valid = False
                continue
            if column.kind not in (REF, UNIT_NAME):
                try:
                    value = fields[key].clean(value, None)  # the model's own validators
                except ValidationError as exc:
                    ctx.problem(sheet, number, key, " ".join(exc.messages))
                    row.valid = False
                    continue
            elif len(value) > 128:
                ctx.problem(sheet, number, key, _("太长。"))
                row.valid = False
                continue
            row.values[key] = value
        row.code = _row_key(spec, sheet, row)
        if row.code:
            if row.code in code_rows:
                ctx.problem(
                    sheet,
                    number,
                    spec.natural_key[0],
                    _("编码“%(code)s”与第 %(row)s 行重复。")
                    % {"code": _key_text(row.code), "row": code_rows[row.code]},
                )
                row.valid = False
            else:
                code_rows[row.code] = number
        sheet.rows.append(row)


def _row_key(spec, sheet, row):
    """The row's natural key: its code, or a tuple of the key columns' values ("" when a key
    column is missing or empty)."""
    if spec.natural_key == ("code",):
        return row.values.get("code", "") if "code" in sheet.columns else ""
    values = tuple(row.values.get(key) for key in spec.natural_key)
    return values if all(v not in (None, "") for v in values) else ""


def _key_text(key):
    return "/".join(str(v) for v in key) if isinstance(key, tuple) else key


def _key_paths(spec):
    """The lookups that give a database row's natural key, as the file writes it."""
    paths = []
    for key in spec.natural_key:
        column = spec.column(key)
        paths.append(f"{column.model_field}__code" if column.kind == REF else column.model_field)
    return paths


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fetch_existing(sheet):
    """Full model instances already in the database for the sheet's codes: one query per
    chunk of codes."""
    model = sheet.spec.model
    codes = [row.code for row in sheet.rows if row.code]
    if sheet.spec.natural_key == ("code",):
        for chunk in _chunks(codes):
            for instance in model._default_manager.filter(code__in=chunk):
                sheet.existing[instance.code] = instance
        return
    # a composite key: fetch by the first key column, match the whole key
    paths = _key_paths(sheet.spec)
    wanted = set(codes)
    names = {f"_key{i}": F(path) for i, path in enumerate(paths)}
    for chunk in _chunks(sorted({code[0] for code in codes})):
        for instance in model._default_manager.filter(**{f"{paths[0]}__in": chunk}).annotate(**names):
            key = tuple(getattr(instance, name) for name in names)
            if key in wanted:
                sheet.existing[key] = instance


def _collect_refs(ctx):
    """Fill ``ctx.refs``: every row a file row refers to, from the load or the database."""
    wanted = {}  # kind -> codes referred to
    for sheet in ctx.sheets.values():
        for column in sheet.spec.columns:
            if column.kind == REF and column.key in sheet.columns:
                codes = wanted.setdefault(column.ref, set())
                codes.update(row.values.get(column.key) for row in sheet.rows)
    for kind, codes in wanted.items():
        codes.discard(None)
        codes.discard("")
        spec = SPECS[kind]
        refs = ctx.refs.setdefault(kind, {})
        parent_path = f"{spec.column(spec.parent).model_field}__code" if spec.parent else None
        lookups = ["code", "pk"] + ([parent_path] if parent_path else [])
        for chunk in _chunks(sorted(codes)):
            for values in spec.model._default_manager.filter(code__in=chunk).values_list(*lookups):
                refs[values[0]] = (values[1], values[2] if parent_path else None)
        # Rows of the same load override (a village may move to another township) or add.
        sheet = ctx.sheets.get(kind)
        if sheet:
            for row in sheet.rows:
                if row.code:
                    known = refs.get(row.code)
                    pk = known[0] if known else None
                    parent = (
                        row.values.get(spec.parent)
                        if spec.parent in sheet.columns
                        else (known[1] if known else None)
                    )
                    refs[row.code] = (pk, parent)


def _fetch_units(ctx):
    names = set()
    for sheet in ctx.sheets.values():
        for column in sheet.spec.columns:
            if column.kind == UNIT_NAME and column.key in sheet.columns:
                names.update(row.values.get(column.key) for row in sheet.rows)
    names.discard(None)
    names.discard("")
    if names:
        from villages.models import Unit

        for chunk in _chunks(sorted(names)):
            ctx.unit_ids.update(Unit.objects.filter(name__in=chunk).values_list("name", "pk"))


def _check_rows(ctx, sheet):
    spec = sheet.spec
    ref_columns = [c for c in spec.columns if c.kind == REF and c.key in sheet.columns]
    for row in sheet.rows:
        for column in ref_columns:
            code = row.values.get(column.key)
            if code and ctx.ref(column.ref, code) is None:
                with translation.override("zh-hans"):
                    title = str(SPECS[column.ref].title)
                ctx.problem(
                    sheet,
                    row.number,
                    column.key,
                    _("%(kind)s编码“%(code)s”不存在（本次导入和系统中都没有）。")
                    % {"kind": title, "code": code},
                )
                row.valid = False
        if spec.check is None:
            continue
        instance = sheet.existing.get(row.code)

        def get(key, row=row, instance=instance):
            if key in row.values:
                return row.values[key]
            if instance is not None:
                column = spec.column(key)
                if column.kind not in (REF, UNIT_NAME):
                    return getattr(instance, column.model_field)
                attname = spec.model._meta.get_field(column.model_field).attname
                return EXISTING if getattr(instance, attname) is not None else None
            column = spec.column(key)
            return blank_value(column, spec.model._meta.get_field(column.model_field))

        for key, message in spec.check(ctx, row, get) or ():
            ctx.problem(sheet, row.number, key, message)
            row.valid = False


def _db_value(ctx, column, value):
    """The value stored in the database for a parsed REF/UNIT_NAME value (pk or None);
    ``...`` when it points at a row that does not exist yet."""
    if value in (None, ""):
        return None
    if column.kind == UNIT_NAME:
        return ctx.unit_ids.get(value, ...)
    found = ctx.ref(column.ref, value)
    pk = found[0] if found else None
    return ... if pk is None else pk


def _diff(ctx, sheet):
    spec = sheet.spec
    model = spec.model
    for row in sheet.rows:
        instance = sheet.existing.get(row.code)
        if instance is None:
            sheet.creates.append(row)
            continue
        changed = []
        for key, value in row.values.items():
            column = spec.column(key)
            model_field = model._meta.get_field(column.model_field)
            if column.kind in (REF, UNIT_NAME):
                new = _db_value(ctx, column, value)
                if new is ... or new != getattr(instance, model_field.attname):
                    changed.append(model_field.attname)
            elif getattr(instance, model_field.attname) != value:
                changed.append(model_field.attname)
        if changed:
            sheet.updates.append((row, instance, changed))
        else:
            sheet.unchanged += 1


# ---------------------------------------------------------------------------------------
# Writing


def _write(ctx, user):
    from villages.models import Unit

    names = set()
    for sheet in ctx.sheets.values():
        for row in sheet.creates + [u[0] for u in sheet.updates]:
            for column in sheet.spec.columns:
                if column.kind == UNIT_NAME and row.values.get(column.key):
                    names.add(row.values[column.key])
    new_units = [Unit(name=name) for name in sorted(names - set(ctx.unit_ids))]
    for unit in Unit.objects.bulk_create(new_units, batch_size=BATCH):
        ctx.unit_ids[unit.name] = unit.pk
    if new_units and new_units[0].pk is None:  # backends that do not return ids
        ctx.unit_ids.update(
            Unit.objects.filter(name__in=[u.name for u in new_units]).values_list("name", "pk")
        )

    history = {"default_user": user, "default_change_reason": CHANGE_REASON, "batch_size": BATCH}
    written = {}
    for spec in specs():
        if spec.key in ctx.sheets:
            written[spec.key] = _write_sheet(ctx, ctx.sheets[spec.key], history)
        elif spec.key in ctx.custom:
            written[spec.key] = spec.loader.write(ctx, ctx.custom[spec.key], user)
    households, villages = written.get("households"), written.get("villages")
    tallied = bool(households) and (
        bool(households.created) or any(TALLIED & set(old) for _h, old in households.updated)
    )
    moved = [(v, old) for v, old in villages.updated if "township_id" in old] if villages else []
    if tallied or moved:
        # the satisfaction results' counts of the households (villages/satisfaction/tallies.py);
        # a household created has no answers yet, whose tallies would carry its village and unit;
        # the headline's ledger of the townships concerned (villages/headline.py)
        satisfaction.households_written(
            [h.pk for h, old in households.updated if TALLIED & set(old)] if tallied else [],
            **_places_written(households if tallied else None, moved),
            tallied=tallied,
        )
    for callback in WRITE_CALLBACKS:
        callback(written)
    cache.invalidate()  # the cached pages (chishui/cache.py) show what was loaded


def _places_written(households, moved):
    """``satisfaction.households_written``'s places: the ids of the villages and assisting units
    of the households a load created or changed in a field the tallies count by (``TALLIED``),
    before and after; of the townships of the villages of the households it wrote
    (``households``: a Written), before and after, and of the villages ``moved`` to another
    township ([(village, old values)]), before and after."""
    from villages.models import Village

    village_ids, tallied = set(), {"villages": set(), "units": set()}
    if households is not None:
        for h, old in [(h, {}) for h in households.created] + households.updated:  # created: no old
            places = {h.village_id, old.get("village_id", h.village_id)}
            village_ids |= places
            if not old or TALLIED & set(old):
                tallied["villages"] |= places
                tallied["units"] |= {h.unit_id, old.get("unit_id", h.unit_id)}
    townships = {old["township_id"] for _v, old in moved} | {v.township_id for v, _old in moved}
    townships |= set(Village.objects.filter(pk__in=village_ids).values_list("township_id", flat=True))
    return {"townships": townships, **tallied}


def stored_value(ctx, column, value):
    """What a parsed cell stores (the pk of a REF or UNIT_NAME), for custom sheet writers."""
    return _db_value(ctx, column, value) if column.kind in (REF, UNIT_NAME) else value


def _write_sheet(ctx, sheet, history):
    """Bulk-create the new rows and bulk-update the changed fields of the changed ones, each
    with its audit-history rows; remember the new primary keys for the sheets after.
    Returns a Written record of what changed."""
    spec = sheet.spec
    if spec.write is not None:
        return spec.write(ctx, sheet, history)
    model = spec.model
    columns = {key: spec.column(key) for key in sheet.columns}
    attnames = {key: model._meta.get_field(c.model_field).attname for key, c in columns.items()}

    def stored(key, value):
        column = columns[key]
        return _db_value(ctx, column, value) if column.kind in (REF, UNIT_NAME) else value

    objs = [model(**{attnames[k]: stored(k, v) for k, v in row.values.items()}) for row in sheet.creates]
    written = Written()
    if objs:
        written.created = bulk_create_with_history(objs, model, **history)
        refs = ctx.refs.setdefault(spec.key, {})
        for obj in written.created if spec.natural_key == ("code",) else ():
            refs[obj.code] = (obj.pk, refs.get(obj.code, (None, None))[1])
    if sheet.updates:
        fields = set()
        for row, instance, changed in sheet.updates:
            written.updated.append((instance, {name: getattr(instance, name) for name in changed}))
            for key, value in row.values.items():
                if attnames[key] in changed:
                    setattr(instance, attnames[key], stored(key, value))
            fields.update(changed)
        instances = [instance for instance, _old in written.updated]
        bulk_update_with_history(instances, model, sorted(fields), **history)
    return written


# ---------------------------------------------------------------------------------------
# The entry point


def load(sources, *, user=None, write=True):
    """Load ``sources`` — ``[(file name, bytes or Path)]`` — as one all-or-nothing load.

    Returns a LoadReport: per sheet the rows to create, update and leave unchanged, and
    every problem. Writes only if ``write`` and no problem was found."""
    report = LoadReport(files=[name for name, _data in sources])
    ctx = Context()
    tables = []
    for name, data in sources:
        try:
            if isinstance(data, Path):  # checked before reading a huge file into memory
                if data.stat().st_size > MAX_FILE_BYTES:
                    raise _too_big(name)
                data = data.read_bytes()
            tables.extend(read_file(name, data, ctx.problems))
        except RegistryError as exc:
            ctx.problems.append(Problem(name, 0, "-", str(exc)))
    names = {}  # kind -> the file/sheet name it was read from
    for table in tables:
        if table.spec.key in names:
            ctx.problems.append(
                Problem(
                    table.name,
                    1,
                    "-",
                    _("与 %(other)s 是同一种表，一次导入每种表只能有一个。")
                    % {"other": names[table.spec.key]},
                )
            )
            continue
        names[table.spec.key] = table.name
        if table.spec.loader is not None:
            state = table.spec.loader.read(ctx, table)
            if state is not None:
                ctx.custom[table.spec.key] = state
            continue
        sheet = _read_header(ctx, table)
        if sheet is not None:
            ctx.sheets[table.spec.key] = sheet
    if not tables and not ctx.problems:
        ctx.problems.append(Problem("-", 0, "-", _("没有可导入的表。")))

    with transaction.atomic():
        ordered = [ctx.sheets[s.key] for s in specs() if s.key in ctx.sheets]
        for sheet in ordered:
            _parse_rows(ctx, sheet)
            _fetch_existing(sheet)
        _collect_refs(ctx)
        _fetch_units(ctx)
        for sheet in ordered:
            _check_rows(ctx, sheet)
            _diff(ctx, sheet)
            with translation.override("zh-hans"):
                title = str(sheet.spec.title)
            report.sheets.append(
                SheetReport(
                    sheet.spec.key,
                    title,
                    sheet.table.name,
                    len(sheet.rows),
                    len(sheet.creates),
                    len(sheet.updates),
                    sheet.unchanged,
                )
            )
        for spec in specs():
            if spec.key in ctx.custom:
                spec.loader.check(ctx, ctx.custom[spec.key])
                report.sheets.append(spec.loader.report(ctx.custom[spec.key]))
        # Problems in load order of the sheets, then by row (file-level problems first).
        loaded = [names[s.key] for s in specs() if s.key in ctx.sheets or s.key in ctx.custom]
        position = {name: i for i, name in enumerate(loaded)}
        ctx.problems.sort(key=lambda p: (position.get(p.sheet, -1), p.row))
        report.problems = ctx.problems
        if write and report.ok:
            try:
                _write(ctx, user)
            except IntegrityError as exc:  # a database rule the checks above did not foresee
                transaction.set_rollback(True)
                report.problems.append(
                    Problem("-", 0, "-", _("数据库拒绝写入：%(reason)s") % {"reason": exc})
                )
            else:
                report.written = True
    return report


def log(report, *, user=None, source="command"):
    """Keep the load in the import log (who, when, which files, counts, errors)."""
    from villages.models import ImportLog

    return ImportLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        files=report.files,
        counts=report.counts,
        succeeded=report.written,
        errors=report.errors[:1000],
        source=source,
    )


def write_template(path):
    """An empty workbook with one sheet per kind, in load order: Chinese headers, each with
    a comment giving the English key, whether it is required and the allowed values."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    with translation.override("zh-hans"):
        for spec in specs():
            sheet = workbook.create_sheet(str(spec.title))
            if spec.loader is not None and hasattr(spec.loader, "template_headers"):
                for index, (header, note) in enumerate(spec.loader.template_headers(), start=1):
                    cell = sheet.cell(row=1, column=index, value=str(header))
                    cell.font = Font(bold=True)
                    cell.comment = Comment(str(note), "chishui")
                    sheet.column_dimensions[cell.column_letter].width = max(12, 3 * len(str(header)))
                sheet.freeze_panes = "A2"
                continue
            for index, column in enumerate(spec.columns, start=1):
                cell = sheet.cell(row=1, column=index, value=str(column.header))
                cell.font = Font(bold=True)
                lines = [f"key: {column.key}", "必填" if column.required else "选填"]
                if column.kind == CHOICE:
                    lines.append(choice_help(spec.model._meta.get_field(column.model_field)))
                elif column.kind == DATE:
                    lines.append("YYYY-MM-DD")
                elif column.kind == BOOL:
                    lines.append("是/否")
                if column.note:
                    lines.append(str(column.note))
                cell.comment = Comment("\n".join(lines), "chishui")
                sheet.column_dimensions[cell.column_letter].width = max(12, 3 * len(str(column.header)))
            sheet.freeze_panes = "A2"
    workbook.save(path)


# ---------------------------------------------------------------------------------------
# The villages kinds


def _models():
    from villages import models

    return models


def _check_exit(get, poverty_key="poverty"):
    problems = []
    if get("exited_on") and not get(poverty_key):
        problems.append(("exited_on", _("填写了摘帽/出列日期，则必须是贫困乡镇/贫困村（贫困列填“是”）。")))
    return problems


def _check_township(ctx, row, get):
    return _check_exit(get)


def _check_village(ctx, row, get):
    return _check_exit(get)


def _check_household(ctx, row, get):
    registered, exited = get("registered_on"), get("exited_on")
    if registered and exited and exited < registered:
        return [("exited_on", _("脱贫日期不能早于识别日期。"))]
    return []


def _outside(ctx, kind, code, parent):
    """True when the row ``code`` of ``kind`` (a village or household, in this file or
    stored) is known and lies outside ``parent`` (a township or village code). Rows that
    keep their stored value (EXISTING) are not compared."""
    if not code or not parent or code is EXISTING or parent is EXISTING or not ctx.ref(kind, code):
        return False
    return ctx.parent_code(kind, code) != parent


def place_problems(ctx, get, household=True):
    """The place rules of villages.models.place_errors, for sheet rows that name places by
    code before they are written: the village lies in the township, the household in the
    village, and a household comes with its village. Every sheet with these columns calls
    it from its ``check`` (``household=False`` for a sheet without a household column)."""
    township, village = get("township"), get("village")
    household = get("household") if household else None
    problems = []
    if _outside(ctx, "villages", village, township):
        problems.append(
            (
                "village",
                _("村“%(village)s”不属于乡镇“%(township)s”。") % {"village": village, "township": township},
            )
        )
    if household and not village:
        problems.append(("household", _("指定贫困户时必须指定村。")))
    elif _outside(ctx, "households", household, village):
        problems.append(
            (
                "household",
                _("贫困户“%(household)s”不属于任务所在村“%(village)s”。")
                % {"household": household, "village": village},
            )
        )
    return problems


def _check_cadre(ctx, row, get):
    Role = _models().Cadre.Role
    role, township, village = get("role"), get("township"), get("village")
    problems = []
    if role in (Role.TOWNSHIP_SECRETARY, Role.RESIDENT_CADRE) and not township:
        problems.append(("township", _("乡镇党委书记和驻村干部必须填写乡镇编码。")))
    if role in (Role.VILLAGE_SECRETARY, Role.RESIDENT_CADRE) and not village:
        problems.append(("village", _("村党组织书记和驻村干部必须填写村编码。")))
    problems += place_problems(ctx, get, household=False)
    if get("team_slot") and role != Role.RESIDENT_CADRE:
        problems.append(("team_slot", _("只有驻村干部才有驻村身份。")))
    rank_error = _models().Cadre.rank_error(role, get("rank"))  # the model's rule
    if rank_error:
        problems.append(("rank", rank_error))
    return problems


register(
    SheetSpec(
        key="townships",
        title=gettext_lazy("乡镇"),
        order=10,
        get_model=lambda: _models().Township,
        check=_check_township,
        columns=[
            Column("code", "编码", required=True),
            Column("name", "名称", required=True),
            Column("kind", "类型", CHOICE, required=True),
            Column("poverty", "贫困乡镇", BOOL),
            Column("exited_on", "摘帽日期", DATE),
        ],
    )
)
register(
    SheetSpec(
        key="villages",
        title=gettext_lazy("村"),
        order=20,
        get_model=lambda: _models().Village,
        check=_check_village,
        parent="township",
        columns=[
            Column("code", "编码", required=True),
            Column("township", "乡镇编码", REF, required=True, ref="townships"),
            Column("name", "名称", required=True),
            Column("kind", "类型", CHOICE),
            Column("poverty", "贫困村", BOOL),
            Column("exited_on", "出列日期", DATE),
        ],
    )
)
register(
    SheetSpec(
        key="households",
        title=gettext_lazy("贫困户"),
        order=30,
        get_model=lambda: _models().Household,
        check=_check_household,
        parent="village",
        columns=[
            Column("code", "户编号", required=True),
            Column("village", "村编码", REF, required=True, ref="villages"),
            Column("head", "户主姓名", required=True),
            Column("size", "家庭人口", INT, required=True, note="1–30"),
            Column("assistance", "帮扶类型", CHOICE, required=True),
            Column("registered_on", "识别日期", DATE, required=True),
            Column("exited_on", "脱贫日期", DATE),
            Column("income", "人均纯收入", DECIMAL, note="元/人/年，≥ 0"),
        ],
    )
)
register(
    SheetSpec(
        key="cadres",
        title=gettext_lazy("干部"),
        order=40,
        get_model=lambda: _models().Cadre,
        check=_check_cadre,
        columns=[
            Column("code", "编号", required=True),
            Column("name", "姓名", required=True),
            Column("role", "职务类型", CHOICE, required=True),
            Column("unit", "工作单位", UNIT_NAME),
            Column("township", "乡镇编码", REF, ref="townships", note="乡镇党委书记、驻村干部必填"),
            Column("village", "村编码", REF, ref="villages", note="村党组织书记、驻村干部必填"),
            Column("team_slot", "驻村身份", CHOICE),
            Column("phone", "联系电话", note="11位手机号"),
            Column("rank", "职级类别", CHOICE, note="空：按职务类型"),
        ],
    )
)
register(
    SheetSpec(
        key="statistics",
        title=gettext_lazy("年度统计"),
        order=60,  # after tasks (50), before the organization sheets (110): FORMATS.md's order
        get_model=lambda: _models().TownshipStatistics,
        natural_key=("township", "year"),
        columns=[
            Column("township", "乡镇编码", REF, required=True, ref="townships"),
            Column("year", "年度", INT, required=True, note=f"{FIRST_YEAR}–{LAST_YEAR}"),
            Column("rural_population", "农村户籍人口", INT, required=True, note="人，≥ 1"),
            Column("income_per_head", "农村居民人均可支配收入（元）", DECIMAL, note="元，≥ 0"),
        ],
    )
)
