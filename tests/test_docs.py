"""The README and docs/ stay usable: the README is a short front door, every relative link
(and its #anchor) resolves inside the repository, the docs index lists every document, and
nothing points at files a user who clones the repository does not have."""

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_LIMIT = 12_000  # characters

# Documents written on another branch that the README already links to. While such a file is
# missing its link is tolerated; once it exists, test_pending_documents_are_still_missing
# fails so that the entry is removed here and the link is checked like every other.
PENDING = set()

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def documents():
    return [README, *sorted(DOCS.glob("*.md"))]


def prose(text):
    """The text without code blocks, inline code and HTML comments: links there are examples."""
    return INLINE_CODE.sub("", FENCE.sub("", COMMENT.sub("", text)))


def links(path):
    return LINK.findall(prose(path.read_text(encoding="utf-8")))


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = INLINE_CODE.sub(lambda m: m.group(0).strip("`"), heading).lower()
    kept = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return kept.replace(" ", "-")


def anchors(path):
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(h) for h in HEADING.findall(text)}


def relative_links():
    for document in documents():
        for target in links(document):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # http:, https:, mailto:
                continue
            yield document, target


def test_readme_is_a_short_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text) < README_LIMIT, f"README.md has {len(text):,} characters; move detail to docs/"


def test_every_relative_link_resolves():
    broken = []
    for document, target in relative_links():
        path_part, _, anchor = target.partition("#")
        resolved = (document.parent / path_part).resolve() if path_part else document
        where = f"{document.relative_to(ROOT)}: {target}"
        if ROOT not in resolved.parents and resolved != ROOT:
            broken.append(f"{where} (outside the repository)")
            continue
        if not resolved.exists():
            if resolved.relative_to(ROOT).as_posix() not in PENDING:
                broken.append(f"{where} (no such file)")
            continue
        if anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{where} (no heading with anchor #{anchor})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_documents_have_links_to_check():
    """Guards the link test itself: the README and the index do link to the docs."""
    readme_targets = {target for document, target in relative_links() if document == README}
    assert "docs/formats.md" in readme_targets
    assert len(readme_targets) >= len(list(DOCS.glob("*.md"))) - 1


def test_docs_index_lists_every_document():
    listed = {target.partition("#")[0] for target in links(DOCS / "README.md")}
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and p.name not in listed]
    assert not missing, f"docs/README.md does not list: {missing}"


@pytest.mark.parametrize("document", documents(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_nothing_points_outside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    for outside in ("../shared", "/work/", "DOMAIN.md", "FORMATS.md", "ARCHITECTURE.md"):
        assert outside not in text, f"{document.name} mentions {outside}, which users do not have"


def test_pending_documents_are_still_missing():
    arrived = sorted(p for p in PENDING if (ROOT / p).exists())
    assert not arrived, f"{arrived} exist now: remove them from PENDING in tests/test_docs.py"


def test_slug_follows_github():
    assert slug("Code map") == "code-map"
    assert slug("Quarterly league table") == "quarterly-league-table"
    assert slug("Weekly — `/dashboard/weekly/?week=2016-W23&format=json`") == (
        "weekly--dashboardweeklyweek2016-w23formatjson"
    )
    assert slug("乡镇党委书记") == "乡镇党委书记"
