"""Refusals of one field, and the date checks the interview and its contacts share.

A refusal names its field and carries its message as a msgid with its values, so the
API answers problem+json (RFC 9457, with ``errors`` naming the field) and a page says
it beside the field in the reader's language (docs/architecture.md, "Errors"). The
phone and resident-ID checks are the shared ones of ``fireline.people.validation``.
"""

from __future__ import annotations

from datetime import date, datetime

from fireline.errors import Problem
from fireline.people import validation


class Refused(Problem):
    """One field refused: ``message`` is a msgid with ``%(name)s`` values."""

    def __init__(self, field: str, message: str, /, *, status: int = 422, **values: str) -> None:
        detail = message % values
        loc = ["body", field]
        super().__init__(status, detail, errors=[{"loc": loc, "msg": detail, "type": field}])
        self.field = field
        self.message = message
        self.values = values


def not_in_future(field: str, day: date | None, today: date) -> None:
    """A date of something that happened cannot be after today in the case's jurisdiction
    (WHO case report forms record onset and exposure as past events)."""
    if day is not None and day > today:
        raise Refused(
            field,
            "%(day)s is in the future (today is %(today)s).",
            day=day.isoformat(),
            today=today.isoformat(),
        )


def instant_not_in_future(field: str, moment: datetime | None, now: datetime) -> None:
    if moment is not None and moment > now:
        raise Refused(field, "This time is in the future.")


def not_before(field: str, later: date | None, earlier: date | None, message: str) -> None:
    """``later`` may not be before ``earlier``: a case's dates are recorded in the order
    they happen (onset, then isolation; exposure, then isolation), as the case report
    forms of WHO's COVID-19 surveillance guidance (WHO/2019-nCoV/SurveillanceGuidance/
    2022.2) and of 新型冠状病毒肺炎防控方案（第九版） ask for them."""
    if later is not None and earlier is not None and later < earlier:
        raise Refused(field, message, later=later.isoformat(), earlier=earlier.isoformat())


def phone_number(field: str, phone: str) -> None:
    """A phone number as ``fireline.people.validation`` holds it (libphonenumber, mainland
    China unless it starts with ``+``): text that is not one is refused, never dropped."""
    try:
        validation.phone_number(phone, field=field)
    except validation.Invalid as refused:
        raise Refused(field, refused.message, status=422, **_texts(refused.values)) from None


def resident_id(field: str, number: str, today: date) -> None:
    """An 18-character resident ID checked by GB 11643-1999 (region, birth date, MOD 11-2
    check character), as the new-case form checks it (``fireline.people.validation``)."""
    try:
        validation.resident_id(number, today, field=field)
    except validation.Invalid as refused:
        raise Refused(field, refused.message, status=422, **_texts(refused.values)) from None


def _texts(values: dict[str, object]) -> dict[str, str]:
    return {name: str(value) for name, value in values.items()}
