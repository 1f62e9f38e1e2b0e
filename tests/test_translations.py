"""The English catalog is complete: Chinese is the source language, every string has an
English translation, none is fuzzy (fuzzy entries are silently left out of the compiled
catalog), and the compiled catalog really switches the UI to English."""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # "" for singular, "0", "1", … for plural forms
    flags: set = field(default_factory=set)
    references: list = field(default_factory=list)
    obsolete: bool = False

    def where(self):
        return f"{PO_FILE.name}:{self.line} {self.msgid!r} ({', '.join(self.references) or 'no reference'})"


def parse_po(text):
    """A small reader for the gettext PO format: comments, flags, msgid, msgid_plural,
    msgstr and msgstr[n], with continuation lines of quoted strings."""
    entries, entry, current = [], None, None

    def finish():
        if entry is not None and (entry.msgid or entry.msgstr):
            entries.append(entry)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            entry, current = None, None
            continue
        if entry is None:
            entry = Entry(line=number)
        if line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            entry.references.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"line {number}: string outside an entry")
            kind, key = current
            value = ast.literal_eval(line)
            if kind == "msgstr":
                entry.msgstr[key] += value
            else:
                setattr(entry, kind, (getattr(entry, kind) or "") + value)
        else:
            match = re.match(r'^(msgid_plural|msgid|msgctxt|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if not match:
                raise ValueError(f"line {number}: cannot read {raw!r}")
            keyword, index, value = match[1], match[2], ast.literal_eval(match[3])
            if keyword.startswith("msgstr"):
                key = index or ""
                entry.msgstr[key] = value
                current = ("msgstr", key)
            elif keyword == "msgctxt":
                current = ("msgctxt", None)
                entry.__dict__["msgctxt"] = value
            else:
                setattr(entry, keyword, value)
                current = (keyword, None)
    finish()
    return entries


def test_parser_reads_plural_and_continued_entries():
    sample = """msgid ""
msgstr ""
"Language: en\\n"

#: a.py:1
#, python-format
msgid "%(n)s 个"
msgid_plural "%(n)s 个"
msgstr[0] "%(n)s item"
msgstr[1] "%(n)s items"

#: b.html:2
msgid ""
"很长的"
"句子"
msgstr "A long "
"sentence"

#, fuzzy
msgid "旧"
msgstr ""
"""
    header, plural, long, fuzzy = parse_po(sample)

    assert header.msgid == "" and "Language: en" in header.msgstr[""]
    assert plural.msgstr == {"0": "%(n)s item", "1": "%(n)s items"} and "python-format" in plural.flags
    assert long.msgid == "很长的句子" and long.msgstr[""] == "A long sentence"
    assert "fuzzy" in fuzzy.flags and fuzzy.msgstr[""] == ""


@pytest.fixture(scope="module")
def entries():
    assert PO_FILE.exists(), "run: make messages"
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def test_catalog_is_for_english(entries):
    header = entries[0]
    assert header.msgid == ""
    assert "Language: en\n" in header.msgstr[""]
    assert "charset=UTF-8" in header.msgstr[""]


def test_catalog_has_the_site_strings(entries):
    msgids = {e.msgid for e in entries}
    assert {"登录", "退出", "我的任务", "没有权限", "贫困户"} <= msgids


def test_every_string_has_an_english_translation(entries):
    missing = [e.where() for e in entries[1:] if not e.obsolete and not all(e.msgstr.values())]

    assert missing == [], f"{len(missing)} strings without English: fill their msgstr in {PO_FILE}"


def test_no_translation_is_fuzzy(entries):
    fuzzy = [e.where() if e.msgid else "the header" for e in entries if "fuzzy" in e.flags]

    assert fuzzy == [], "fuzzy entries are left out of the compiled catalog: check and unmark them"


def test_placeholders_survive_translation(entries):
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w*)\}")
    broken = []
    for e in entries[1:]:
        wanted = sorted(placeholder.findall(e.msgid))
        for form in e.msgstr.values():
            if form and sorted(placeholder.findall(form)) != wanted and not e.msgid_plural:
                broken.append(e.where())
    assert broken == []


def test_compiled_catalog_switches_to_english(compiled_translations):
    with translation.override("en"):
        assert translation.gettext("退出") == "Log out"
        assert translation.gettext("我的任务") == "My tasks"
    with translation.override("zh-hans"):
        assert translation.gettext("退出") == "退出"
