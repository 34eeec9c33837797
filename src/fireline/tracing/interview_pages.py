"""The interview page: answers autosaved, exposures as rows, contacts with a picker.

Every part answers htmx with a fragment: autosave says "Saved" or the refusal beside
its field; an exposure row or a contact is added or refused without a reload, the
refused form comes back with everything typed and each refusal beside its field in
the reader's language (docs/architecture.md, "Errors"), and the lists refresh out of
band. tracing.js lets htmx swap 409 and 422 answers, which it
otherwise drops.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, Final
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery
from fireline.pagination import MAX_LIMIT
from fireline.tracing import codes, contacts, exposures, formerrors, interviews
from fireline.tracing.checks import Refused
from fireline.tracing.schemas import ExposureCreate, InterviewUpdate
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
BASE: Final = "/investigation/cases/{case_id}"
# The interview shows a case's whole contact list (the API pages it); past this many the
# page says how many more there are.
CONTACTS_SHOWN: Final = MAX_LIMIT
CONTACT_INPUTS: Final = {
    "person": "name",
    "person_id": "name",
    "date_last_exposure": "last",
    "date_first_exposure": "first",
}
CONTACT_WHOLE: Final = {
    "the first exposure is after the last exposure": (
        "first",
        "The first exposure is after the last exposure.",
    ),
    "give either person_id or person": ("name", "This field is required."),
}
EXPOSURE_INPUTS: Final = {"starts_at": "day", "ends_at": "end", "venue_id": "venue_q"}
EXPOSURE_WHOLE: Final = {
    "give a venue, an address or a description": (
        "venue_q",
        "Choose a venue of the register or write an address.",
    ),
    "the exposure ends before it starts": ("end", "The exposure ends before it starts."),
}
ANSWER_INPUTS: Final = {"date_onset": "date_onset", "date_isolation": "date_isolation"}


def contact_list(page: Page, case_id: int) -> dict[str, Any]:
    """The contact list and its total, as the contact table shows them."""
    assert page.session is not None and page.actor is not None
    query = ListQuery(limit=CONTACTS_SHOWN, descending=False)
    rows, total = contacts.contacts_of(page.session, page.actor, case_id, query)
    return {"contacts": rows, "contacts_total": total}


def exposure_list(page: Page, case_id: int) -> dict[str, Any]:
    assert page.session is not None and page.actor is not None
    query = ListQuery(limit=MAX_LIMIT, descending=False)
    rows, _ = exposures.list_exposures(page.session, page.actor, case_id, query)
    names = exposures.venue_names(
        page.session, page.actor, {r.venue_id for r in rows if r.venue_id}
    )
    zone = exposures.case_zone(page.session, page.actor, case_id)
    spans = {r.id: (_local(r.starts_at, zone), _local(r.ends_at, zone)) for r in rows}
    return {"exposures": rows, "venue_names": names, "spans": spans}


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An instant in the case's zone (SQLite hands back naive UTC)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def common_values(page: Page, case_id: int) -> dict[str, Any]:
    """What every fragment of the interview needs: the case, its profile, the code lists."""
    assert page.session is not None and page.actor is not None
    case, interview = interviews.interview_for(page.session, page.actor, case_id)
    return {
        "case": case,
        "interview": interview,
        "profile": interviews.profile_of(case, page.context.profiles),
        "codes": codes,
        "can_write": page.actor.can("cases:write"),
        "today": page.today(),
    }


@router.get(BASE)
def interview_page(case_id: int, page: PageContext) -> Response:
    return page.render(
        "tracing/interview.html",
        nav="investigation",
        **common_values(page, case_id),
        **exposure_list(page, case_id),
        **contact_list(page, case_id),
        values={},
        errors={},
        exposure_values={},
        exposure_errors={},
    )


@router.post(BASE + "/interview")
def autosave(case_id: int, page: PageContext, form: PostedForm) -> Response:
    """One autosave: the whole form with its version; returns the saved status, or the
    refusal beside its field (out of band)."""
    assert page.session is not None and page.actor is not None
    values = {
        "version": form.get("version"),
        "date_onset": form.get("date_onset") or None,
        "date_isolation": form.get("date_isolation") or None,
        "notes": form.get("notes") or None,
        "symptoms": form.getlist("symptoms"),
    }
    try:
        data = InterviewUpdate.model_validate(values)
        saved = interviews.update_interview(page.session, page.context, case_id, data)
    except Conflict:
        return page.render("tracing/_saved.html", status_code=409, stale=True, errors={})
    except ValidationError as exc:
        errors = formerrors.from_validation(
            exc, ANSWER_INPUTS, {}, page.gettext, frozenset(ANSWER_INPUTS)
        )
        return page.render("tracing/_saved.html", status_code=422, errors=errors)
    except Refused as exc:
        errors = formerrors.from_refusal(exc, ANSWER_INPUTS, page.gettext)
        return page.render("tracing/_saved.html", status_code=422, errors=errors)
    except Problem:
        errors = {"": page.gettext("Some answers are not valid.")}
        return page.render("tracing/_saved.html", status_code=422, errors=errors)
    return page.render("tracing/_saved.html", version=saved.version, errors={})


def _instant(day: date, hour: str, zone: ZoneInfo) -> datetime:
    """A day and a time of day (HH:MM, the day's start when empty) in the case's zone."""
    clock = time.fromisoformat(hour) if hour else time(0, 0)
    return datetime.combine(day, clock, tzinfo=zone)


def _exposure_data(form: PostedForm, zone: ZoneInfo) -> ExposureCreate:
    """The row as the API takes it; a malformed day or time is refused beside it."""
    text = {k: str(form.get(k) or "").strip() for k in EXPOSURE_FIELDS}
    try:
        day = date.fromisoformat(text["day"]) if text["day"] else None
    except ValueError:
        raise Refused("day", "Write the date as YYYY-MM-DD.") from None
    if day is None:
        raise Refused("day", "This field is required.")
    try:
        starts = _instant(day, text["start"], zone)
        ends = _instant(day, text["end"], zone) if text["end"] else None
    except ValueError:
        raise Refused("start", "Write the time as HH:MM.") from None
    return ExposureCreate.model_validate(
        {
            "kind": text["kind"] or "place",
            "venue_id": text["venue_id"] or None,
            "address": text["address"] or None,
            "description": text["description"] or None,
            "starts_at": starts,
            "ends_at": ends,
            "exposure_type": text["exposure_type"] or None,
            "setting": text["setting"] or None,
        }
    )


EXPOSURE_FIELDS: Final = (
    "kind",
    "venue_id",
    "venue_q",
    "address",
    "description",
    "day",
    "start",
    "end",
    "exposure_type",
    "setting",
)


@router.post(BASE + "/exposures")
def add_exposure(case_id: int, page: PageContext, form: PostedForm) -> Response:
    """Add one exposure row; the table comes back with it, or the form with the refusal
    beside its field and everything typed."""
    assert page.session is not None and page.actor is not None
    values = {k: str(form.get(k) or "") for k in EXPOSURE_FIELDS}
    errors: dict[str, str] = {}
    try:
        zone = exposures.case_zone(page.session, page.actor, case_id)
        data = _exposure_data(form, zone)
        exposures.add_exposure(page.session, page.context, case_id, data)
    except ValidationError as exc:
        errors = formerrors.from_validation(exc, EXPOSURE_INPUTS, EXPOSURE_WHOLE, page.gettext)
    except Refused as exc:
        errors = formerrors.from_refusal(exc, EXPOSURE_INPUTS, page.gettext)
    return page.render(
        "tracing/_exposures.html",
        status_code=422 if errors else 200,
        **common_values(page, case_id),
        **exposure_list(page, case_id),
        exposure_values=values if errors else {},
        exposure_errors=errors,
    )


@router.delete(BASE + "/exposures/{exposure_id}")
def remove_exposure(case_id: int, exposure_id: int, page: PageContext) -> Response:
    """Remove one row; the table comes back without it."""
    assert page.session is not None and page.actor is not None
    exposures.remove_exposure(page.session, page.actor, case_id, exposure_id)
    return page.render(
        "tracing/_exposures.html",
        **common_values(page, case_id),
        **exposure_list(page, case_id),
        exposure_values={},
        exposure_errors={},
    )


@router.get("/investigation/venue-picker")
def venue_picker(page: PageContext, request: Request) -> Response:
    """Venues of the register in scope whose name or code holds the typed text."""
    assert page.session is not None and page.actor is not None
    text = request.query_params.get("venue_q", "")
    found = exposures.find_venues(page.session, page.actor, text)
    return page.render("tracing/_venue_options.html", venues=found, text=text)
