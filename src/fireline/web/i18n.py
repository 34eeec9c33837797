"""Page languages: the catalogues, choosing a language per request, dates and numbers.

The Chinese catalogue is compiled in memory when the app starts, so no ``.mo`` file is
committed and a changed ``.po`` shows at the next start.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from fireline.translatable import N_ as N_  # re-exported: pages mark their messages here

LANGUAGES: Final = ("en", "zh")
LANGUAGE_NAMES: Final = {"en": "English", "zh": "简体中文"}
LANGUAGE_COOKIE: Final = "fireline_lang"
TRANSLATIONS_DIR: Final = Path(__file__).parent / "translations"
# Babel locale and HTML ``lang`` per page language; "zh" is Simplified Chinese as used in China.
BABEL_LOCALES: Final = {"en": "en", "zh": "zh_Hans_CN"}
# Parsed once: Babel parses a locale named by a string on every call (and again in each
# helper a format calls): 3 % of the pages' time in docs/benchmarks.md's profile.
_LOCALES: Final = {language: Locale.parse(name) for language, name in BABEL_LOCALES.items()}
HTML_LANG: Final = {"en": "en", "zh": "zh-CN"}


def compile_catalogue(po_path: Path) -> Translations:
    """Read a ``.po`` file and compile it to an in-memory ``Translations``."""
    with po_path.open("rb") as handle:
        catalogue = read_po(handle, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain="messages")


def load_translations(directory: Path = TRANSLATIONS_DIR) -> dict[str, NullTranslations]:
    """One catalogue per language; English is the source language and needs none."""
    found: dict[str, NullTranslations] = {"en": NullTranslations()}
    for language in LANGUAGES[1:]:
        found[language] = compile_catalogue(directory / language / "LC_MESSAGES" / "messages.po")
    return found


def normalise(value: str | None) -> str | None:
    """A supported language for ``en``, ``en-GB``, ``zh``, ``zh-CN``, ``zh_Hans``…, else None."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most (RFC 9110 quality values)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = normalise(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def choose_language(
    *,
    query: str | None,
    cookie: str | None,
    user_language: str | None,
    accept_language: str | None,
    default: str,
) -> str:
    """An explicit choice (``?lang=``, then its cookie), the user's, the browser's, the default."""
    for candidate in (query, cookie, user_language):
        language = normalise(candidate)
        if language:
            return language
    return from_accept_language(accept_language) or normalise(default) or "en"


def long_date(value: date, language: str) -> str:
    """A date for reading ("Saturday, 28 November 2026" / "2026年11月28日星期六")."""
    return format_date(value, format="full", locale=_LOCALES[language])


def day(value: date, language: str) -> str:
    """A date in a table or a sentence ("Nov 28, 2026" / "2026年11月28日"), never the US
    numeric form (CLDR medium date format, through Babel)."""
    return format_date(value, format="medium", locale=_LOCALES[language])


def short_datetime(value: datetime, language: str, timezone: str) -> str:
    """An instant shown in a jurisdiction's time zone (docs/architecture.md, "Time"): the
    medium date and the short time of the language ("Dec 7, 2026 09:00" would be US-only
    as "12/7/26, 9:00 AM"; "2026年12月7日 09:00")."""
    local = value.astimezone(ZoneInfo(timezone))
    locale = _LOCALES[language]
    day = format_date(local, format="medium", locale=locale)
    return f"{day} {format_time(local, format='short', locale=locale)}"


def number(value: float | int | None, language: str) -> str:
    """Grouped digits for the language; a dash when there is no figure."""
    if value is None:
        return "–"
    return format_decimal(value, locale=_LOCALES[language])


def decimal(value: float | None, places: int, language: str) -> str:
    """A measurement rounded to ``places`` decimals (a Ct value, a temperature), so that
    a float's binary noise (``36.699999999999996``) never reaches a reader."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[language])


def rate(value: float | None, language: str) -> str:
    """A rate with two decimals, so that a column of rates lines up."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.00", locale=_LOCALES[language])
