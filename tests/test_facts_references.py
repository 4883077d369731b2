"""Citations, the references page and the glossary, checked.

Every chapter cites in one style, "[Surname et al., 2023](../references.md)"
(or "Surname and Surname, 2019", or "Surname, 2005"), and every citation
names an entry of docs/references.md by an author's surname and the year.
Nothing else points at a paper: links to arXiv and the like live on the
references page only. The glossary is in alphabetical order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
REFERENCES = DOCS / "references.md"
CHAPTERS = sorted(p for p in DOCS.rglob("*.md") if p != REFERENCES)

# [Names, 2023](…references.md…), Names = "A", "A and B" or "A et al."
CITATION = re.compile(r"\[([^\[\]]+?), ((?:19|20)\d\d)\]\(((?:\.\./)*references\.md[^)]*)\)")
NAMES = re.compile(r"^([\w\-]+)(?: et al\.| and ([\w\-]+))?$")


def entries() -> list[str]:
    """The references page's entries, one string each (a list item)."""
    text = REFERENCES.read_text(encoding="utf-8")
    return [" ".join(item.split()) for item in re.split(r"\n(?=- )", text) if item.startswith("- ")]


def authors(entry: str) -> str:
    """An entry's author list: the text before its italic title."""
    return entry[2:].split("*", 1)[0]


def year_of(entry: str) -> str | None:
    """An entry's year: the first four-digit year ending a sentence (never
    the first digits of an arXiv number such as 1907.05600)."""
    match = re.search(r"\b((?:19|20)\d\d)\.(?!\d)", entry)
    return match.group(1) if match else None


def citations() -> list[tuple[str, str, str]]:
    found = []
    for path in CHAPTERS:
        for names, year, _ in CITATION.findall(path.read_text(encoding="utf-8")):
            found.append((path.relative_to(DOCS).as_posix(), names, year))
    return found


def test_there_are_citations_to_check():
    assert len(citations()) >= 10


@pytest.mark.parametrize("where, names, year", citations())
def test_every_citation_names_an_entry_by_surname_and_year(where, names, year):
    match = NAMES.match(names)
    assert match, f"{where}: citation {names!r} is not 'Surname', 'Surname and Surname' or 'Surname et al.'"
    surnames = [s for s in match.groups() if s]
    hits = [e for e in entries() if year_of(e) == year and all(re.search(rf"\b{s}\b", authors(e)) for s in surnames)]
    assert hits, f"{where}: no entry on the references page by {names} from {year}"
    if "et al." in names:  # "et al." means three or more authors, the first of them named
        assert any(authors(e).count(",") >= 2 and authors(e).split(",")[0].endswith(surnames[0]) for e in hits), names
    elif len(surnames) == 2:
        assert any(authors(e).count(",") == 1 for e in hits), names


def test_no_citation_in_another_style():
    """"et al." only inside a citation, and no chapter links straight to a paper."""
    for path in CHAPTERS:
        text = CITATION.sub("", path.read_text(encoding="utf-8"))
        where = path.relative_to(DOCS).as_posix()
        assert not re.search(r"\bet al\b", text), f"{where}: a citation outside the book's style"
        assert not re.search(r"\]\(https?://(arxiv\.org|www\.youtube\.com|yang-song\.net|jmlr\.org)", text), where


def test_references_are_in_order_of_year_within_each_section():
    text = REFERENCES.read_text(encoding="utf-8")
    for section in text.split("\n## ")[1:]:
        items = [" ".join(item.split()) for item in re.split(r"\n(?=- )", section) if item.startswith("- ")]
        years = [int(y) for y in map(year_of, items) if y]
        assert years == sorted(years), section.split("\n", 1)[0]


def test_glossary_is_in_alphabetical_order():
    text = (DOCS / "glossary.md").read_text(encoding="utf-8")
    terms = re.findall(r"^\*\*(.+?)\*\*$", text, flags=re.M)
    keys = [re.sub(r"[$\\_'{}]", "", t).lower() for t in terms]
    assert len(terms) >= 20 and keys == sorted(keys), terms
