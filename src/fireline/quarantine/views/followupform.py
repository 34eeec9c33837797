"""The follow-up form, shared by the staff's order page and the person's self-report page:
what was typed (kept on a refusal), and its reading into a report.

The temperature is read in the page's language by Babel (CLDR number symbols), and a
refusal is said beside its field in that language; a report that says nothing (reached,
no temperature, no symptom, no note) is refused, since it would count as a clean day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from pydantic import ValidationError
from starlette.datastructures import FormData

from fireline.people import validation
from fireline.quarantine.schemas import TEMPERATURE_MAX, TEMPERATURE_MIN, FollowUpCreate
from fireline.web.i18n import BABEL_LOCALES, N_

Message = tuple[str, dict[str, str]]
NOT_A_NUMBER: Final = N_("Enter the temperature as a number, for example %(example)s.")
OUT_OF_RANGE: Final = N_("Enter a temperature between %(low)s and %(high)s °C.")
EMPTY: Final = N_("Enter the temperature or tick a symptom: an empty report is not saved.")
NOTE_MAX: Final = 500
NOTE_TOO_LONG: Final = N_("The note is longer than %(n)s characters.")


@dataclass
class Typed:
    """What the form held, shown again as it was on a refusal."""

    temperature: str = ""
    symptoms: list[str] = field(default_factory=list)
    not_reached: bool = False
    note: str = ""


class Refused(Exception):
    """The form's values refused, by field (``temperature``, ``report``, ``note``)."""

    def __init__(self, errors: dict[str, Message]) -> None:
        super().__init__(sorted(errors))
        self.errors = errors


def typed(form: FormData) -> Typed:
    return Typed(
        temperature=str(form.get("temperature") or "").strip()[:40],
        symptoms=[str(s)[:64] for s in form.getlist("symptoms")][:50],
        not_reached=form.get("reached") == "no",
        note=str(form.get("note") or "").strip(),
    )


def parse_temperature(text: str, language: str) -> float | None:
    """A temperature typed in ``language`` (``36.7``; strict: grouping is refused), to
    one decimal, within the body's range; None when nothing was typed."""
    if not text:
        return None
    try:  # the shared rule for numbers typed in the page's language
        value = validation.locale_decimal(text, BABEL_LOCALES.get(language, "en"))
    except validation.Invalid:
        raise Refused({"temperature": (NOT_A_NUMBER, {"example": "36.7"})}) from None
    if not value.is_finite() or not TEMPERATURE_MIN <= value <= TEMPERATURE_MAX:
        bounds = {"low": str(TEMPERATURE_MIN), "high": str(TEMPERATURE_MAX)}
        raise Refused({"temperature": (OUT_OF_RANGE, bounds)})
    return float(round(value, 1))


def report(entered: Typed, language: str) -> FollowUpCreate:
    """The report the form describes, or :class:`Refused` saying why, field by field."""
    if len(entered.note) > NOTE_MAX:
        raise Refused({"note": (NOTE_TOO_LONG, {"n": str(NOTE_MAX)})})
    temperature = parse_temperature(entered.temperature, language)
    try:
        return FollowUpCreate(
            reached=not entered.not_reached,
            temperature=temperature,
            symptoms=entered.symptoms,
            note=entered.note or None,
        )
    except ValidationError:
        raise Refused({"report": (EMPTY, {})}) from None
