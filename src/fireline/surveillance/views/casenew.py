"""The new-case form: the case, then the person; a proposed person match is said aloud."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.errors import Problem
from fireline.surveillance import service
from fireline.surveillance.schemas import CaseCreate, PersonIn
from fireline.surveillance.views import forms
from fireline.surveillance.views.common import (
    actor_of,
    all_disease_options,
    disease_options,
    jurisdiction_choices,
    session_of,
)
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
CASE_FIELDS = (
    "disease",
    "jurisdiction_code",
    "classification",
    "date_reporting",
    "date_onset",
    "imported",
    "external_id",
    "name",
    "sex",
    "birth_date",
    "phone",
    "national_id",
    "address",
)
REQUIRED = ("disease", "jurisdiction_code", "date_reporting", "name")
# Offered on the form; the profile decides which of them a disease allows (422 otherwise).
INITIAL_CLASSES = ("suspected", "probable", "confirmed")


def _render(
    page: Page,
    values: dict[str, str],
    status: int = 200,
    errors: list[tuple[str, dict[str, str]]] | None = None,
) -> Response:
    return page.render(
        "surveillance/case_new.html",
        status_code=status,
        nav="surveillance",
        subnav="new",
        today=page.today(),
        values=values,
        errors=errors or [],
        diseases=all_disease_options(page),
        places=jurisdiction_choices(page),
        classes=INITIAL_CLASSES,
        sexes=forms.SEXES,
    )


@router.get("/surveillance/cases/new")
def new_case_form(page: PageContext) -> Response:
    actor_of(page).require("cases:write")
    values = {
        "disease": disease_options(page)[0][0],
        "jurisdiction_code": page.here.code,
        "classification": "suspected",
        "date_reporting": page.today().isoformat(),
    }
    return _render(page, values)


def _create(page: Page, parsed: forms.Parsed) -> tuple[int, int]:
    text = parsed.text
    data = CaseCreate(
        disease=parsed.values["disease"],
        jurisdiction_code=parsed.values["jurisdiction_code"],
        classification=parsed.values["classification"] or "suspected",
        date_reporting=parsed.dates["date_reporting"],
        date_onset=parsed.dates["date_onset"],
        imported=parsed.values["imported"] == "1",
        source="manual",
        external_id=text("external_id"),
        person=PersonIn(
            name=parsed.values["name"],
            sex=text("sex"),
            birth_date=parsed.dates["birth_date"],
            phone=text("phone"),
            national_id=text("national_id"),
            address=text("address"),
        ),
    )
    case, proposed = service.create_case(session_of(page), page.context, data)
    return case.id, proposed


@router.post("/surveillance/cases/new")
def new_case(page: PageContext, form: PostedForm) -> Response:
    actor_of(page).require("cases:write")
    parsed = forms.read_form(form, CASE_FIELDS, REQUIRED)
    if parsed.errors:
        return _render(page, parsed.values, 422, parsed.errors)
    try:
        case_id, proposed = _create(page, parsed)
    except ValidationError as exc:
        errors = forms.validation_messages([dict(e) for e in exc.errors()])
        return _render(page, parsed.values, 422, errors)
    except Problem as problem:
        return _render(page, parsed.values, problem.status, [forms.problem_message(problem)])
    suffix = f"?proposed={proposed}" if proposed else ""
    return RedirectResponse(f"/surveillance/cases/{case_id}{suffix}", status_code=303)
