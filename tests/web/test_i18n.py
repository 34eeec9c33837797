"""The translation machinery: a complete Chinese catalogue and the language choice."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from fireline.web import i18n
from fireline.web.templating import template_folders

WEB = Path(i18n.__file__).parent
PACKAGE = WEB.parent
PO_FILE = WEB / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_msgids() -> set[str]:
    """What `pybabel extract -F web/babel.cfg -k N_` finds, run through Babel's own API."""
    with (WEB / "babel.cfg").open() as handle:
        # Babel leaves parse_mapping_cfg unannotated.
        method_map, options_map = parse_mapping_cfg(handle)  # type: ignore[no-untyped-call]
    keywords = {**DEFAULT_KEYWORDS, "N_": None}
    found = extract_from_dir(str(PACKAGE), method_map, options_map, keywords=keywords)
    msgids: set[str] = set()
    for _file, _line, message, _comments, _context in found:
        # A plural (ngettext) message comes as a tuple; the pages have none, and the
        # checks below read every msgid as one string.
        assert isinstance(message, str), f"plural message not covered here: {message!r}"
        if message:
            msgids.add(message)
    return msgids


def chinese_catalogue() -> dict[str, str]:
    with PO_FILE.open("rb") as handle:
        catalogue = read_po(handle)
    return {m.id: m.string for m in catalogue if m.id and not m.fuzzy}  # type: ignore[misc]


def test_every_extracted_string_has_a_chinese_translation() -> None:
    msgids = extracted_msgids()
    assert len(msgids) > 100  # the pages' strings were found at all
    catalogue = chinese_catalogue()
    missing = sorted(m for m in msgids if not catalogue.get(m))
    assert not missing, f"untranslated in {PO_FILE.name}: {missing}"


def test_translations_keep_their_placeholders_and_are_chinese() -> None:
    for msgid, msgstr in chinese_catalogue().items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid
        assert re.search(r"[\u4e00-\u9fff]", msgstr), f"{msgid!r} is not translated to Chinese"


def test_no_message_is_translated_twice() -> None:
    """Babel keeps the last of two entries with one msgid silently: a second translation
    added in another part of the catalogue would replace the first everywhere."""
    key = re.compile(r'^(?:msgctxt (".*")\n)?msgid ((?:".*"\n)+)msgstr', re.M)
    entries = key.findall(PO_FILE.read_text("utf-8"))
    seen: set[tuple[str, str]] = set()
    twice = [entry for entry in entries if entry in seen or seen.add(entry)]  # type: ignore[func-returns-value]
    assert not twice, twice


def test_the_catalogue_compiles_in_memory() -> None:
    translations = i18n.load_translations()
    assert translations["zh"].gettext("Close contacts") == "密切接触者"
    assert translations["zh"].gettext("Suspected cases") == "疑似病例"
    assert translations["en"].gettext("Close contacts") == "Close contacts"
    assert not list(WEB.rglob("*.mo")), "compiled catalogues are built at start, not committed"


@pytest.mark.parametrize(
    ("query", "cookie", "user", "accept", "expected"),
    [
        ("zh", "en", "en", "en", "zh"),  # ?lang= wins
        (None, "zh", "en", "en", "zh"),  # then the remembered choice
        (None, None, "zh", "en", "zh"),  # then the user's language
        (None, None, None, "fr;q=1, zh-CN;q=0.8, en;q=0.5", "zh"),  # then the browser's
        (None, None, None, "de", "en"),  # then the deployment default
        ("xx", "yy", None, None, "en"),  # unknown values are ignored
    ],
)
def test_language_choice_order(
    query: str | None, cookie: str | None, user: str | None, accept: str | None, expected: str
) -> None:
    chosen = i18n.choose_language(
        query=query, cookie=cookie, user_language=user, accept_language=accept, default="en"
    )
    assert chosen == expected


def test_accept_language_honours_quality() -> None:
    assert i18n.from_accept_language("en;q=0.4, zh-Hans;q=0.9") == "zh"
    assert i18n.from_accept_language("zh;q=0, en") == "en"
    assert i18n.from_accept_language("") is None


def test_dates_and_numbers_follow_the_language() -> None:
    from datetime import date

    assert i18n.long_date(date(2026, 11, 28), "zh") == "2026年11月28日星期六"
    assert "November 28, 2026" in i18n.long_date(date(2026, 11, 28), "en")
    assert i18n.number(1234567, "en") == "1,234,567"
    assert i18n.rate(0.7, "zh") == "0.70"


def test_templates_come_from_every_package() -> None:
    prefixes = set(template_folders())
    assert {"web", "reports", "surveillance", "tracing", "care"} <= prefixes
