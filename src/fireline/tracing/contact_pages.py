"""The interview's contact form: a person picker while the name is typed, and a contact
listed or refused without a reload.

A refused contact comes back as the form with everything typed and each refusal beside
its field, in the reader's language; a listed one comes back as an empty form and the
refreshed list (out of band). The picker offers persons in the reader's scope through
``people.service`` (scoped and audited there).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from fireline.listing import ListQuery
from fireline.people import service as people
from fireline.people.models import Person
from fireline.tracing import contacts, formerrors
from fireline.tracing.checks import Refused
from fireline.tracing.interview_pages import (
    BASE,
    CONTACT_INPUTS,
    CONTACT_WHOLE,
    common_values,
    contact_list,
)
from fireline.tracing.schemas import ContactCreate
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
CANDIDATES: Final = 8  # persons offered while a contact's name is typed
MIN_TYPED: Final = 2  # characters before the picker searches
FIELDS: Final = (
    "person_id",
    "name",
    "phone",
    "national_id",
    "category",
    "setting",
    "relation",
    "first",
    "last",
    "source_contact_id",
)


def _data(values: dict[str, str]) -> ContactCreate:
    person: dict[str, Any] | None = None
    if not values["person_id"]:
        person = {
            "name": values["name"],
            "phone": values["phone"] or None,
            "national_id": values["national_id"] or None,
        }
    return ContactCreate.model_validate(
        {
            "person_id": values["person_id"] or None,
            "person": person,
            "category": values["category"],
            "setting": values["setting"] or None,
            "relation": values["relation"] or None,
            "date_first_exposure": values["first"] or None,
            "date_last_exposure": values["last"] or None,
            "source_contact_id": values["source_contact_id"] or None,
        }
    )


def _form(page: Page, case_id: int, values: dict[str, str], errors: dict[str, str]) -> Response:
    return page.render(
        "tracing/_contact_form.html",
        status_code=422 if errors else 200,
        **common_values(page, case_id),
        **contact_list(page, case_id),
        values=values,
        errors=errors,
        refreshed=not errors,
    )


@router.post(BASE + "/contacts")
def add_contact(case_id: int, page: PageContext, form: PostedForm) -> Response:
    """List a contact from the interview; the list comes back with its proposed order."""
    assert page.session is not None and page.actor is not None
    values = {k: str(form.get(k) or "").strip() for k in FIELDS}
    try:
        data = _data(values)
        contacts.list_contact(page.session, page.context, case_id, data)
    except ValidationError as exc:
        dates = frozenset({"first", "last"})
        errors = formerrors.from_validation(exc, CONTACT_INPUTS, CONTACT_WHOLE, page.gettext, dates)
        return _form(page, case_id, values, errors)
    except Refused as exc:
        return _form(
            page, case_id, values, formerrors.from_refusal(exc, CONTACT_INPUTS, page.gettext)
        )
    return _form(page, case_id, {}, {})


@router.get(BASE + "/person-picker")
def person_picker(case_id: int, page: PageContext, request: Request) -> Response:
    """Persons in scope whose name holds the typed text (people.service audits the read)."""
    assert page.session is not None and page.actor is not None
    text = request.query_params.get("name", "").strip()
    found: list[Person] = []
    if len(text) >= MIN_TYPED and page.actor.can("persons:read"):
        query = replace(ListQuery(limit=CANDIDATES), q=text)
        found, _ = people.list_persons(page.session, page.actor, query)
    return page.render("tracing/_person_options.html", persons=found, text=text)
