"""One case: its fields, its person (for roles that may read persons), its classification
history, the edit form (with the version read) and the allowed classification moves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.errors import Problem
from fireline.people import validation as rules
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance import service
from fireline.surveillance.intake.values import OUTCOME_CODES
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseUpdate
from fireline.surveillance.views import forms
from fireline.surveillance.views.casenew import said
from fireline.surveillance.views.common import (
    actor_of,
    classification_names,
    disease_name,
    jurisdiction_choices,
    profiles,
    session_of,
)
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
SAVED = N_("Saved.")
EDIT_FIELDS = (
    "version",
    "date_onset",
    "date_reporting",
    "date_confirmation",
    "outcome",
    "date_outcome",
    "imported",
    "jurisdiction_code",
)


def load_case(page: Page, case_id: int) -> tuple[Case, Person | None]:
    """The case in scope (else 404) and, for roles that may read persons, its person."""
    return service.case_for_reading(session_of(page), actor_of(page), case_id)


def transitions(page: Page, case: Case) -> list[str]:
    try:
        return service.allowed_transitions(page.context.profiles, case)
    except (Problem, KeyError, ValueError):  # no profile, or a classification it lacks
        return []


def _form_values(case: Case, place: Jurisdiction) -> dict[str, str]:
    def iso(value: Any) -> str:
        return value.isoformat() if value else ""

    return {
        "version": str(case.version),
        "date_onset": iso(case.date_onset),
        "date_reporting": iso(case.date_reporting),
        "date_confirmation": iso(case.date_confirmation),
        "outcome": case.outcome or "",
        "date_outcome": iso(case.date_outcome),
        "imported": "1" if case.imported else "",
        "jurisdiction_code": place.code,
    }


def render_case(
    page: Page,
    case: Case,
    person: Person | None,
    *,
    status: int = 200,
    errors: list[tuple[str, dict[str, str]]] | None = None,
    notice: tuple[str, dict[str, str]] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    """The case page; ``typed``: the edit form's refused values, shown again as typed."""
    place = session_of(page).get_one(Jurisdiction, case.jurisdiction_id)
    return page.render(
        "surveillance/case.html",
        status_code=status,
        nav="surveillance",
        subnav="cases",
        today=page.today(),
        case=case,
        person=person,
        place=place,
        history=service.history_with_usernames(session_of(page), case),
        moves=transitions(page, case),
        class_names=classification_names(page, case.disease),
        disease=disease_name(page, case.disease),
        values={**_form_values(case, place), **(typed or {})},
        outcomes=OUTCOME_CODES,
        places=jurisdiction_choices(page),
        errors=errors or [],
        notice=notice,
        can_write=actor_of(page).can("cases:write"),
        proposed=int(page.request.query_params.get("proposed") or 0)
        if (page.request.query_params.get("proposed") or "").isdigit()
        else 0,
        known_profile=case.disease in profiles(page),
    )


@router.get("/surveillance/cases/{case_id}")
def case_page(case_id: int, page: PageContext) -> Response:
    case, person = load_case(page, case_id)
    saved = page.request.query_params.get("saved")
    return render_case(page, case, person, notice=(SAVED, {}) if saved else None)


@router.post("/surveillance/cases/{case_id}")
def case_update(case_id: int, page: PageContext, form: PostedForm) -> Response:
    """Save the edit form; a stale version re-shows the current record with a 409."""
    actor_of(page).require("cases:write")
    case, person = load_case(page, case_id)
    parsed = forms.read_form(form, EDIT_FIELDS, ("date_reporting",), page.context.today())
    # A refusal shows the form as typed (the current version kept, to save it again).
    typed = {k: v for k, v in parsed.values.items() if k != "version"}
    if parsed.errors:
        return render_case(page, case, person, status=422, errors=parsed.errors, typed=typed)
    try:
        data = CaseUpdate(
            version=int(parsed.values["version"] or 0),
            **parsed.dates,
            outcome=parsed.text("outcome"),
            imported=parsed.values["imported"] == "1",
            jurisdiction_code=parsed.text("jurisdiction_code"),
        )
        service.update_case(session_of(page), page.context, case_id, data)
    except (ValueError, ValidationError):
        return render_case(
            page,
            case,
            person,
            status=422,
            errors=[(forms.REQUIRED, {"field": forms.FIELD_LABELS["date_reporting"]})],
            typed=typed,
        )
    except rules.Refused as refused:
        session_of(page).refresh(case)
        errors = [said(page, r) for r in refused.refusals]
        return render_case(page, case, person, status=422, errors=errors, typed=typed)
    except Problem as problem:
        session_of(page).refresh(case)
        return render_case(
            page, case, person, status=problem.status, errors=[forms.problem_message(problem)]
        )
    return RedirectResponse(f"/surveillance/cases/{case_id}?saved=1", status_code=303)


@router.post("/surveillance/cases/{case_id}/classification")
def case_classify(case_id: int, page: PageContext, form: PostedForm) -> Response:
    actor_of(page).require("cases:write")
    case, person = load_case(page, case_id)
    reason = str(form.get("reason") or "").strip()[:500] or None
    try:
        service.reclassify(
            session_of(page),
            page.context,
            case_id,
            to=str(form.get("to") or ""),
            version=int(str(form.get("version"))),
            reason=reason,
        )
    except ValueError:
        raise Problem(400, "version must be a number") from None
    except Problem as problem:
        session_of(page).refresh(case)
        message: tuple[str, dict[str, str]] = (
            (forms.CHANGED, {}) if "version" in problem.detail else (forms.NOT_ALLOWED_MOVE, {})
        )
        return render_case(page, case, person, status=problem.status, errors=[message])
    return RedirectResponse(f"/surveillance/cases/{case_id}?saved=1", status_code=303)
