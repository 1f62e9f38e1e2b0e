"""The registry sheets of household satisfaction (FORMATS.md): ``outreach`` (宣传培训),
``outcomes`` (增收成效) and ``surveys`` (满意度测评), loaded after the other sheets by the one
engine behind ``import_registry`` and the upload page, all or nothing.

``outreach`` and ``outcomes`` are ordinary sheets (one row per record, keyed by code).
``surveys`` is one row per household and round with one column per livelihood item, so it
brings its own loader (``SheetSpec.loader``): it reads the item columns by code or name,
names every bad cell, and writes each row by replacing that household's answers of that
round, through the same model rules and audit history as the survey page
(``SurveyRound.clean``, ``SurveyAnswer.clean``, ``services.answers_written``).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from villages.registry.engine import (
    BATCH,
    CHANGE_REASON,
    CHOICE,
    DATE,
    EXISTING,
    INT,
    REF,
    Column,
    Problem,
    SheetReport,
    SheetSpec,
    Written,
    _is_blank,
    _parse_date,
    _parse_int,
    _text,
    register,
)

from . import services

OUTREACH_ORDER, OUTCOMES_ORDER, SURVEYS_ORDER = 210, 220, 230


def _models():
    from villages import models

    return models


def _within(ctx, child_kind, child, parent, column, message):
    if (
        child
        and parent
        and child is not EXISTING
        and parent is not EXISTING
        and ctx.ref(child_kind, child)
        and ctx.parent_code(child_kind, child) != parent
    ):
        return [(column, message)]
    return []


def _check_outreach(ctx, row, get):
    village, township = get("village"), get("township")
    return _within(
        ctx,
        "villages",
        village,
        township,
        "village",
        _("村“%(village)s”不属于乡镇“%(township)s”。") % {"village": village, "township": township},
    )


def _check_outcome(ctx, row, get):
    household, village = get("household"), get("village")
    return _within(
        ctx,
        "households",
        household,
        village,
        "household",
        _("贫困户“%(household)s”不属于村“%(village)s”。") % {"household": household, "village": village},
    )


# ---- surveys ------------------------------------------------------------------------------

FIXED = [
    Column("household", "户编号", REF, required=True, ref="households"),
    Column("year", "年度", INT, required=True),
    Column("round", "轮次", INT, required=True, note="1、2 或 3"),
    Column("held_on", "测评日期", DATE, required=True, note="在该年度内"),
]
LEVEL_WORDS = {"3": 3, "满意": 3, "2": 2, "基本满意": 2, "1": 1, "不满意": 1}


def parse_level(value):
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    level = LEVEL_WORDS.get(_text(value))
    if level is None:
        raise ValueError(
            _("“%(value)s”无效：填 3/满意、2/基本满意 或 1/不满意，未问可留空。") % {"value": _text(value)}
        )
    return level


@dataclass
class SurveyRow:
    number: int
    household: str = ""
    year: int = None
    round: int = None
    held_on: dt.date = None
    levels: dict = field(default_factory=dict)  # item id -> level
    valid: bool = True


@dataclass
class SurveySheet:
    table: object
    columns: dict  # fixed key -> index
    names: dict  # fixed key or item id -> header as written
    items: dict  # index -> item id
    rows: list = field(default_factory=list)
    households: dict = field(default_factory=dict)  # code -> pk (None: created by this load)
    rounds: dict = field(default_factory=dict)  # (year, number) -> SurveyRound or None
    existing: dict = field(default_factory=dict)  # (round id, household id) -> {item id: answer}
    create: int = 0
    update: int = 0
    unchanged: int = 0


class SurveyLoader:
    """The ``surveys`` sheet's own part of a registry load."""

    def _problem(self, ctx, sheet, row, name, message):
        ctx.problems.append(Problem(sheet.table.name, row, name, str(message)))

    def template_headers(self):
        with translation.override("zh-hans"):
            fixed = [(c.header, f"key: {c.key}\n必填\n{c.note}".strip()) for c in FIXED]
            items = [
                (item.name, f"key: {item.code}\n选填\n3/满意、2/基本满意、1/不满意")
                for item in _models().LivelihoodItem.objects.order_by("order")
            ]
        return fixed + items

    def read(self, ctx, table):
        items = list(_models().LivelihoodItem.objects.order_by("order"))
        by_name = {}
        for column in FIXED:
            by_name[column.key.lower()] = ("fixed", column.key)
            by_name[column.header.lower()] = ("fixed", column.key)
        for item in items:
            by_name[item.code.lower()] = ("item", item.pk)
            by_name[item.name.lower()] = ("item", item.pk)
        sheet = SurveySheet(table, {}, {}, {})
        seen = {}
        ok = True
        for index, cell in enumerate(table.header):
            name = _text(cell)
            if not name:
                if any(index < len(cells) and not _is_blank(cells[index]) for _n, cells in table.rows):
                    self._problem(ctx, sheet, 1, f"#{index + 1}", _("这一列没有表头，数据无法对应。"))
                    ok = False
                continue
            found = by_name.get(name.lower())
            if found is None:
                self._problem(
                    ctx,
                    sheet,
                    1,
                    name,
                    _(
                        "未知的列名：应为 户编号、年度、轮次、测评日期 或民生项目的编码/名称（如 housing/住房安全）。"
                    ),
                )
                ok = False
                continue
            if found in seen:
                self._problem(
                    ctx, sheet, 1, name, _("列重复：与“%(other)s”是同一列。") % {"other": seen[found]}
                )
                ok = False
                continue
            seen[found] = name
            kind, key = found
            if kind == "fixed":
                sheet.columns[key] = index
            else:
                sheet.items[index] = key
            sheet.names[key] = name
        if not table.header or all(_is_blank(c) for c in table.header):
            self._problem(ctx, sheet, 1, "-", _("缺少表头行。"))
            return None
        for column in FIXED:
            if column.key not in sheet.columns:
                self._problem(
                    ctx,
                    sheet,
                    1,
                    column.header,
                    _("缺少必填列 %(key)s（%(header)s）。") % {"key": column.key, "header": column.header},
                )
                ok = False
        if not sheet.items:
            self._problem(ctx, sheet, 1, "-", _("没有民生项目列：每个民生项目一列，表头为其编码或名称。"))
            ok = False
        if not table.rows:
            self._problem(ctx, sheet, 2, "-", _("没有数据行。"))
            ok = False
        return sheet if ok else None

    def _parse(self, ctx, sheet):
        parsers = {"household": _text, "year": _parse_int, "round": _parse_int, "held_on": _parse_date}
        for number, cells in sheet.table.rows:
            row = SurveyRow(number)
            for column in FIXED:
                index = sheet.columns[column.key]
                raw = cells[index] if index < len(cells) else None
                name = sheet.names[column.key]
                if _is_blank(raw):
                    self._problem(ctx, sheet, number, name, _("必填，不能为空。"))
                    row.valid = False
                    continue
                try:
                    setattr(row, column.key, parsers[column.key](raw))
                except ValueError as exc:
                    self._problem(ctx, sheet, number, name, exc)
                    row.valid = False
            for index, item_id in sheet.items.items():
                raw = cells[index] if index < len(cells) else None
                if _is_blank(raw):
                    continue
                try:
                    row.levels[item_id] = parse_level(raw)
                except ValueError as exc:
                    self._problem(ctx, sheet, number, sheet.names[item_id], exc)
                    row.valid = False
            if not row.levels and row.valid:
                self._problem(ctx, sheet, number, "-", _("这一行没有任何满意度答案，至少要填写一项。"))
                row.valid = False
            sheet.rows.append(row)

    def check(self, ctx, sheet):
        models = _models()
        self._parse(ctx, sheet)
        codes = {row.household for row in sheet.rows if row.household}
        for chunk in _chunks(sorted(codes)):
            sheet.households.update(models.Household.objects.filter(code__in=chunk).values_list("code", "pk"))
        households_sheet = ctx.sheets.get("households")
        if households_sheet is not None:  # households created by this same load
            for row in households_sheet.rows:
                sheet.households.setdefault(row.code, None)
        keys = {(row.year, row.round) for row in sheet.rows if row.year and row.round}
        for survey_round in models.SurveyRound.objects.filter(year__in={y for y, _n in keys}):
            sheet.rounds[(survey_round.year, survey_round.number)] = survey_round
        seen = {}
        for row in sheet.rows:
            if row.household and row.household not in sheet.households:
                self._problem(
                    ctx,
                    sheet,
                    row.number,
                    sheet.names["household"],
                    _("贫困户编码“%(code)s”不存在（本次导入和系统中都没有）。") % {"code": row.household},
                )
                row.valid = False
            if not (row.year and row.round and row.held_on):
                continue
            key = (row.year, row.round)
            # the round's own rules (number 1–3, date within the year), as on the rounds page
            existing = sheet.rounds.get(key)
            candidate = models.SurveyRound(
                pk=existing.pk if existing else None, year=row.year, number=row.round, held_on=row.held_on
            )
            try:
                candidate.clean()
            except ValidationError as exc:
                column = {"number": "round", "held_on": "held_on"}
                for field_name, messages in exc.message_dict.items():
                    name = sheet.names[column.get(field_name, "round")]
                    self._problem(ctx, sheet, row.number, name, " ".join(messages))
                row.valid = False
            if existing is not None and existing.closed:
                self._problem(
                    ctx,
                    sheet,
                    row.number,
                    sheet.names["round"],
                    _("%(round)s已结束，答卷不能再修改。") % {"round": existing},
                )
                row.valid = False
            duplicate = seen.get((row.household, key))
            if duplicate:
                self._problem(
                    ctx,
                    sheet,
                    row.number,
                    sheet.names["household"],
                    _("与第 %(row)s 行是同一户同一轮。") % {"row": duplicate},
                )
                row.valid = False
            else:
                seen[(row.household, key)] = row.number
        self._diff(sheet)

    def _diff(self, sheet):
        models = _models()
        round_ids = {r.pk for r in sheet.rounds.values()}
        household_ids = {pk for pk in sheet.households.values() if pk}
        if round_ids and household_ids:
            answers = models.SurveyAnswer.objects.filter(
                round_id__in=round_ids, household_id__in=household_ids
            )
            for answer in answers:
                sheet.existing.setdefault((answer.round_id, answer.household_id), {})[answer.item_id] = answer
        for row in sheet.rows:
            survey_round = sheet.rounds.get((row.year, row.round))
            household_id = sheet.households.get(row.household)
            old = (
                sheet.existing.get((survey_round.pk, household_id)) if survey_round and household_id else None
            )
            if not old:
                sheet.create += 1
            elif {item: a.level for item, a in old.items()} == row.levels:
                sheet.unchanged += 1
            else:
                sheet.update += 1

    def report(self, sheet):
        with translation.override("zh-hans"):
            title = str(SURVEYS.title)
        return SheetReport(
            SURVEYS.key, title, sheet.table.name, len(sheet.rows), sheet.create, sheet.update, sheet.unchanged
        )

    def write(self, ctx, sheet, user):
        models = _models()
        new_households = [code for code, pk in sheet.households.items() if pk is None]
        if new_households:  # written by the households sheet earlier in this load
            sheet.households.update(
                models.Household.objects.filter(code__in=new_households).values_list("code", "pk")
            )
        earliest = {}
        for row in sheet.rows:
            key = (row.year, row.round)
            earliest[key] = min(earliest.get(key, row.held_on), row.held_on)
        for key, held_on in sorted(earliest.items()):
            if key not in sheet.rounds:  # created on first use, dated by its earliest row
                survey_round = models.SurveyRound(year=key[0], number=key[1], held_on=held_on)
                survey_round.full_clean()
                survey_round._history_user = user
                survey_round.save()
                sheet.rounds[key] = survey_round
        history = {"default_user": user, "default_change_reason": CHANGE_REASON, "batch_size": BATCH}
        creates, updates, removals = [], [], []
        for row in sheet.rows:
            survey_round = sheet.rounds[(row.year, row.round)]
            household_id = sheet.households[row.household]
            old = sheet.existing.get((survey_round.pk, household_id), {})
            for item_id, level in row.levels.items():
                answer = old.get(item_id)
                if answer is None:
                    creates.append(
                        models.SurveyAnswer(
                            round=survey_round, household_id=household_id, item_id=item_id, level=level
                        )
                    )
                elif answer.level != level:
                    answer.level = level
                    updates.append(answer)
            # re-loading a row replaces the household's answers of that round
            removals.extend(answer for item_id, answer in old.items() if item_id not in row.levels)
        written = Written()
        if creates:
            written.created = bulk_create_with_history(creates, models.SurveyAnswer, **history)
        if updates:
            bulk_update_with_history(updates, models.SurveyAnswer, ["level"], **history)
            written.updated = [(answer, {}) for answer in updates]
        for answer in removals:  # few: items emptied in a re-load; each keeps its history row
            answer._history_user = user
            answer._change_reason = CHANGE_REASON
            answer.delete()
        services.answers_written(
            {sheet.rounds[(row.year, row.round)].pk for row in sheet.rows},
            {sheet.households[row.household] for row in sheet.rows},
        )
        return written


def _chunks(items, size=5000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


SURVEYS = SheetSpec(
    key="surveys",
    title=gettext_lazy("满意度测评"),
    order=SURVEYS_ORDER,
    get_model=lambda: _models().SurveyAnswer,
    columns=list(FIXED),
    loader=SurveyLoader(),
)


def register_sheets():
    register(
        SheetSpec(
            key="outreach",
            title=gettext_lazy("宣传培训"),
            order=OUTREACH_ORDER,
            get_model=lambda: _models().OutreachEvent,
            check=_check_outreach,
            columns=[
                Column("code", "编号", required=True),
                Column("kind", "类型", CHOICE, required=True),
                Column("title", "主题", required=True),
                Column("township", "乡镇编码", REF, required=True, ref="townships"),
                Column("village", "村编码", REF, ref="villages", note="须属于该乡镇"),
                Column("held_on", "日期", DATE, required=True),
                Column("attendance", "参加人次", INT, required=True, note="≥ 0"),
            ],
        )
    )
    register(
        SheetSpec(
            key="outcomes",
            title=gettext_lazy("增收成效"),
            order=OUTCOMES_ORDER,
            get_model=lambda: _models().LivelihoodOutcome,
            check=_check_outcome,
            columns=[
                Column("code", "编号", required=True),
                Column("kind", "类型", CHOICE, required=True),
                Column("village", "村编码", REF, required=True, ref="villages"),
                Column("household", "户编号", REF, ref="households", note="须属于该村"),
                Column("people", "带动人数", INT, note="≥ 1，默认 1"),
                Column("started_on", "日期", DATE, required=True),
            ],
        )
    )
    register(SURVEYS)
