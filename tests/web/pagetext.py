"""What a page shows a reader, and the English or raw codes a Chinese page must not show.

Used by tests/web/test_page_language.py. A page's visible text is read with the
standard library's HTML parser: text nodes and the attributes a reader sees or hears
(``title``, ``placeholder``, ``aria-label``, ``alt``), leaving out scripts, styles and
what is marked as code (``<code>``, ``<kbd>``, ``<samp>``: file columns, commands) or
as not to be translated (HTML's ``translate="no"``: the headers of an uploaded file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session

from fireline.tables import Base
from fireline.web.i18n import TRANSLATIONS_DIR

HIDDEN = frozenset({"script", "style", "template", "code", "kbd", "samp", "pre"})
VOID = frozenset({"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"})
SEEN_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt"})
# snake_case and slash codes: ``secondary_close``, ``close/secondary_close``.
CODE = re.compile(r"^[a-z][a-z0-9]*(?:[_/][a-z0-9]+)+$")
# A lower-case word alone is a stored code (``household``, ``final``), not a name.
BARE = re.compile(r"[a-z]+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_/'’-]*")
# ``12/7/26, 9:00 AM``: a date or time in the US form, not the page language's (Babel's).
US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\d\s?[AP]M\b")
# ``36.699999999999996``: a float printed as Python stores it, not rounded for a reader.
RAW_FLOAT = re.compile(r"\d\.\d{5,}")
# Latin words a Chinese page may show: names of things that have no Chinese name in
# use (the product, methods named after their authors) and the English language's own name.
KEPT_NAMES = frozenset({"Fireline", "English", "EpiEstim", "Dorfman", "Omicron", "and/or"})
# Tables whose text is not data typed by a user (names of places have a Chinese column).
NOT_DATA = frozenset({"jurisdictions", "alembic_version"})


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            kept = any(name == "translate" and value == "no" for name, value in attrs)
            self.open.append("code" if kept else tag)
        if not HIDDEN.intersection(self.open):
            self.texts.extend(
                " ".join(value.split())
                for name, value in attrs
                if name in SEEN_ATTRIBUTES and value
            )

    def handle_endtag(self, tag: str) -> None:
        # An element kept from translation is on the stack as "code": close the
        # innermost open element of this name, or that stand-in.
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index] in (tag, "code"):
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not HIDDEN.intersection(self.open):
            self.texts.append(text)


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def catalogue(language: str = "zh") -> dict[str, str]:
    """msgid -> translation of the page catalogue."""
    path = TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        found = read_po(handle)
    return {m.id: m.string for m in found if isinstance(m.id, str) and isinstance(m.string, str)}


def _english_names(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        names = node.get("names")
        if isinstance(names, dict) and isinstance(names.get("en"), str):
            yield names["en"]
        for value in node.values():
            yield from _english_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _english_names(value)


def profile_names(folder: Path) -> set[str]:
    """The English names in the disease profiles (symptoms, categories, classifications)."""
    found: set[str] = set()
    for path in folder.glob("*.yaml"):
        found.update(_english_names(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return found


def data_phrases(session: Session, english: set[str]) -> list[str]:
    """Text that people or the simulator typed (names of venues, labs, campaigns, users):
    shown as typed on every page. Pure codes and strings of the interface are not data."""
    found: set[str] = set()
    for table in Base.metadata.sorted_tables:
        if table.name in NOT_DATA:
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text) and column.name != "content":
                values = session.scalars(select(column).distinct().limit(2000))
                found.update(v for v in values if isinstance(v, str) and WORD.search(v))
    kept = {v for v in found if not CODE.match(v) and v not in english and not BARE.fullmatch(v)}
    return sorted(kept, key=len, reverse=True)  # longest first: a name inside a name


class Checker:
    """Findings of one page: English a Chinese reader would see, codes anyone would see."""

    def __init__(self, translations: dict[str, str], english: set[str], data: list[str]):
        self.untranslated = {k for k, v in translations.items() if v and v != k}
        self.one_words = {s for s in english | self.untranslated if WORD.fullmatch(s)}
        # One alternation, longest first: a name inside a longer name is not cut out alone.
        self.data = re.compile("|".join(map(re.escape, data))) if data else None

    def _without_data(self, text: str) -> str:
        return self.data.sub(" ", text) if self.data else text

    def findings(self, html: str, language: str) -> set[str]:
        found: set[str] = set()
        for text in visible_texts(html):
            if language == "zh" and text in self.untranslated:
                found.add(f"English: {text!r}")
                continue
            if (language == "zh" and US_DATE.search(text)) or RAW_FLOAT.search(text):
                found.add(f"format: {text[:80]!r}")
            for word in WORD.findall(self._without_data(text)):
                word = word.strip("'’-")
                if word in KEPT_NAMES:
                    continue
                if CODE.match(word):
                    found.add(f"code: {word!r} in {text[:80]!r}")
                elif language == "zh" and self._english_word(word):
                    found.add(f"English: {word!r} in {text[:80]!r}")
        return found

    def _english_word(self, word: str) -> bool:
        # Abbreviations and identifiers (CSV, PCR, COVID-19, GeoJSON) are kept: they are
        # used as such in Chinese. A lower-case word is English prose or a code; a
        # capitalised one is English when the catalogue or a profile has it alone.
        if sum(c.isupper() for c in word) >= 2 or any(c.isdigit() for c in word):
            return False
        return (word.islower() and len(word) > 1) or word in self.one_words
