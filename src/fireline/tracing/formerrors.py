"""A refused form, said field by field in the reader's language.

Pydantic's messages are English and name the API's fields; a page shows instead a
msgid of its own beside the input the person typed in (docs/architecture.md,
"Errors"), and keeps every typed value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pydantic import ValidationError

from fireline.tracing.checks import Refused
from fireline.translatable import N_

Say = Callable[[str], str]
# What pydantic's error types mean to the person typing; the rest: "not valid".
BY_TYPE: Mapping[str, str] = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long: shorten it."),
    "literal_error": N_("Choose one of the options."),
    "date_from_datetime_parsing": N_("Write the date as YYYY-MM-DD."),
    "date_parsing": N_("Write the date as YYYY-MM-DD."),
    "int_parsing": N_("Choose one of the options."),
}
NOT_VALID = N_("This value is not valid.")


def from_validation(
    exc: ValidationError,
    inputs: Mapping[str, str],
    whole: Mapping[str, tuple[str, str]],
    say: Say,
    dates: frozenset[str] = frozenset(),
) -> dict[str, str]:
    """{input name: message} for a refused model. ``inputs`` maps an API field (the last
    part of an error's location) to the page's input; ``whole`` maps a model-level
    message to (input, msgid); a refused date says how a date is written."""
    found: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        if not loc:
            text = str(error.get("ctx", {}).get("error", error["msg"]))
            name, message = whole.get(text, ("", NOT_VALID))
            found.setdefault(name, say(message))
            continue
        name = inputs.get(loc[-1], loc[-1])
        message = BY_TYPE.get(error["type"], NOT_VALID)
        if name in dates and error["type"] in ("value_error", "date_type"):
            message = BY_TYPE["date_parsing"]
        found.setdefault(name, say(message))
    return found


def from_refusal(exc: Refused, inputs: Mapping[str, str], say: Say) -> dict[str, str]:
    """{input name: message} for a service's refusal of one field."""
    values = dict(exc.values)
    if "field" in values:  # the shared rules name their field by a label, itself a msgid
        values["field"] = say(values["field"])
    return {inputs.get(exc.field, exc.field): say(exc.message) % values}
