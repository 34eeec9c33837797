"""Reading the case forms: every field arrives as text; problems become page messages.

Messages are English msgids marked with ``N_`` and translated where the page's
language is known; the service's own (English) detail is shown only for rare cases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final

from starlette.datastructures import FormData

from fireline.bounds import MAX_YEAR, MIN_YEAR
from fireline.errors import Problem
from fireline.people.validation import FUTURE, Invalid
from fireline.surveillance.intake.values import OUTCOME_CODES
from fireline.web.i18n import N_

DATE_FIELDS: Final = (
    "date_onset",
    "date_reporting",
    "date_confirmation",
    "date_outcome",
    "birth_date",
)
BAD_DATE: Final = N_("%(field)s is not a date (YYYY-MM-DD).")
DATE_OUT_OF_RANGE: Final = N_("%(field)s must lie between 1900 and 2100.")
REQUIRED: Final = N_("%(field)s is required.")
ONSET_AFTER_REPORT: Final = N_("The onset date is after the report date.")
KNOWN_EXTERNAL_ID: Final = N_("A case with this external ID was reported already.")
CHANGED: Final = N_(
    "Someone else changed this case after you opened it. Your changes were not saved: "
    "the form now shows the current record. Make your changes again and save."
)
NOT_ALLOWED_MOVE: Final = N_("This classification change is not allowed by the disease profile.")
FIELD_LABELS: Final = {
    "date_onset": N_("Date of onset"),
    "date_reporting": N_("Date of report"),
    "date_confirmation": N_("Date of confirmation"),
    "date_outcome": N_("Date of outcome"),
    "birth_date": N_("Date of birth"),
    "name": N_("Name"),
    "disease": N_("Disease"),
    "jurisdiction_code": N_("Jurisdiction"),
    "national_id": N_("National ID"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "sex": N_("Sex"),
    "external_id": N_("External ID"),
    "repeat_reason": N_("Reason for a repeat case"),
}
SEXES: Final = ("male", "female", "unknown")


@dataclass
class Parsed:
    """The form's values (text, as the user typed them) and the problems found."""

    values: dict[str, str]
    dates: dict[str, date | None] = field(default_factory=dict)
    errors: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def error(self, message: str, **values: str) -> None:
        self.errors.append((message, values))

    def text(self, name: str) -> str | None:
        return self.values.get(name) or None


def read_form(
    form: FormData, names: tuple[str, ...], required: tuple[str, ...], today: date
) -> Parsed:
    """The typed values, with the refusals a page can say before the service: required
    fields, unreadable dates, dates after ``today`` (people.validation's rule and words,
    so that a future onset is said to be in the future, not after the report)."""
    values = {name: str(form.get(name) or "").strip() for name in names}
    parsed = Parsed(values)
    for name in required:
        if not values.get(name):
            parsed.error(REQUIRED, field=FIELD_LABELS.get(name, name))
    for name in DATE_FIELDS:
        if name not in values:
            continue
        try:
            parsed.dates[name] = date.fromisoformat(values[name]) if values[name] else None
        except ValueError:
            parsed.error(BAD_DATE, field=FIELD_LABELS[name])
            continue
        found = parsed.dates[name]
        if found is not None and not MIN_YEAR <= found.year <= MAX_YEAR:
            # The range every path accepts (fireline.bounds): said here in the user's words.
            parsed.error(DATE_OUT_OF_RANGE, field=FIELD_LABELS[name])
            parsed.dates[name] = None
        elif found is not None and found > today:
            parsed.error(FUTURE, field=FIELD_LABELS[name], today=today.isoformat())
            parsed.dates[name] = None
    onset, report = parsed.dates.get("date_onset"), parsed.dates.get("date_reporting")
    if onset and report and onset > report:
        parsed.error(ONSET_AFTER_REPORT, field=FIELD_LABELS["date_onset"])
    if values.get("outcome") and values["outcome"] not in OUTCOME_CODES:
        parsed.values["outcome"] = ""
    return parsed


def validation_messages(errors: list[dict[str, object]]) -> list[tuple[str, dict[str, str]]]:
    """Pydantic's refusals as page messages: the field's label, without "Value error,"."""
    found: list[tuple[str, dict[str, str]]] = []
    for error in errors:
        refused = (error.get("ctx") or {}).get("error")  # type: ignore[attr-defined]
        if isinstance(refused, Invalid):  # people.validation: its own translatable words
            found.append((refused.message, {k: str(v) for k, v in refused.values.items()}))
            continue
        name = str(error["loc"][-1]) if error.get("loc") else ""  # type: ignore[index]
        detail = str(error["msg"]).removeprefix("Value error, ")
        label = FIELD_LABELS.get(name, name)
        found.append(("%(field)s was refused: %(detail)s", {"field": label, "detail": detail}))
    return found


def problem_message(problem: Problem) -> tuple[str, dict[str, str]]:
    """A page message for a refusal from the service."""
    if problem.status == 409 and "reported already" in problem.detail:
        return KNOWN_EXTERNAL_ID, {}
    if problem.status == 409:
        return CHANGED, {}
    if "onset date is after" in problem.detail:  # shown beside the onset date too
        return ONSET_AFTER_REPORT, {"field": FIELD_LABELS["date_onset"]}
    return "%(detail)s", {"detail": problem.detail}
