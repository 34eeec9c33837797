"""Reading the order forms and turning refusals into page messages.

A message is an English msgid marked with ``N_`` and its values, translated by the
template where the page's language is known. The services' details are English
sentences for the API; the usual ones are recognised here and said in the page's
language, any other is shown as it is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from starlette.datastructures import FormData

from fireline.errors import Problem
from fireline.web.i18n import N_

Message = tuple[str, dict[str, str]]

NOT_SAVED: Final = N_("This could not be saved: %(detail)s")
CHANGED: Final = N_(
    "Someone else changed this order after you opened it. Nothing was saved: reload the "
    "order, check it and try again."
)
NOT_ACTIVE: Final = N_("This order is no longer active. Nothing was saved.")
ROOM_FULL: Final = N_(
    "Room %(room)s is full over these dates (%(taken)s of %(capacity)s places taken). "
    "Nothing was saved: choose another room or other dates."
)
END_BEFORE_START: Final = N_("The end date is before the start date. Nothing was saved.")
EARLIER_EXPOSURE: Final = N_(
    "The new last exposure is before the one on the order. Nothing was saved."
)
NO_CATEGORY: Final = N_(
    "This order has no contact category to recount the end date from: change the end date instead."
)
SAME_PLACE: Final = N_("The order is already in that jurisdiction.")
UNKNOWN_PLACE: Final = N_("There is no jurisdiction with the code %(code)s.")
NO_ROOM: Final = N_("Choose a room.")
SAME_ROOM: Final = N_("The order is already in that room.")
NOT_YOURS: Final = N_(
    "You may not do this: the order or the room is not at a facility you work at. "
    "Nothing was saved."
)
BAD_DATE: Final = N_("%(field)s is not a date (YYYY-MM-DD).")
REQUIRED: Final = N_("%(field)s is required.")
FIELDS: Final = {
    "last_exposure": N_("New last exposure"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "review_after": N_("Extended isolation until"),
    "to": N_("Transfer to"),
    "version": N_("Version"),
}
ROOM_FULL_DETAIL: Final = re.compile(r"room (.+) is full \((\d+) of (\d+) places taken\)")
# Fixed service details, recognised to be said in the page's language.
KNOWN: Final = {
    "the end date is before the start date": END_BEFORE_START,
    "the new last exposure is before the one on the order": EARLIER_EXPOSURE,
    "this order has no contact category to recount from": NO_CATEGORY,
    "the order is already in that jurisdiction": SAME_PLACE,
    "the order is already in that room": SAME_ROOM,
}


class FormError(Exception):
    """A form value refused before any service runs."""

    def __init__(self, message: str, **values: str) -> None:
        super().__init__(message)
        self.message: Message = (message, values)


def text(form: FormData, name: str, limit: int = 500) -> str:
    return str(form.get(name) or "").strip()[:limit]


def required(form: FormData, name: str) -> str:
    value = text(form, name)
    if not value:
        raise FormError(REQUIRED, field=FIELDS[name])
    return value


def version(form: FormData) -> int:
    value = required(form, "version")
    if not value.isdigit():
        raise FormError(REQUIRED, field=FIELDS["version"])
    return int(value)


def a_date(form: FormData, name: str) -> date | None:
    """The date typed in ``name``, or None when the field was left empty."""
    value = text(form, name, 40)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FormError(BAD_DATE, field=FIELDS[name]) from None


def required_date(form: FormData, name: str) -> date:
    found = a_date(form, name)
    if found is None:
        raise FormError(REQUIRED, field=FIELDS[name])
    return found


def problem_message(problem: Problem) -> Message:
    """A page message for a refusal from the order services."""
    detail = problem.detail or ""
    if problem.status == 409:
        full = ROOM_FULL_DETAIL.search(detail)
        if full:
            return ROOM_FULL, dict(zip(("room", "taken", "capacity"), full.groups(), strict=True))
        # "order 7 is at version 3, not 2" is stale; "order 7 is released" is closed.
        return (CHANGED, {}) if "at version" in detail else (NOT_ACTIVE, {})
    if problem.status == 403:
        return NOT_YOURS, {}
    if problem.status == 404 and detail.startswith("jurisdiction "):
        return UNKNOWN_PLACE, {"code": detail.split(" ")[1]}
    known = KNOWN.get(detail)
    return (known, {}) if known else (NOT_SAVED, {"detail": detail})
