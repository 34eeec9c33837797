"""The new-case form: the case, then the person; a proposed person match is said aloud.

Every value passes ``people.validation`` (the rules the API and imports use); each
refusal is said beside its field in the user's language and the form keeps all that
was typed. Candidates on file appear while the name, ID or phone is typed; a person
on file that differs from what was typed is shown beside it for the user to choose.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.errors import Problem
from fireline.people import lookup
from fireline.people import validation as rules
from fireline.people.models import Person
from fireline.surveillance import service
from fireline.surveillance.intake.manual import PersonOnFile, RepeatCase
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
from fireline.web.i18n import N_

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
    "person_id",
    "existing_person",
    "repeat_reason",
)
# Refused with a message beyond these lengths (the columns' sizes), never cut.
LIMITS = {"name": 200, "address": 500, "external_id": 100, "repeat_reason": 500}
REQUIRED = ("disease", "jurisdiction_code", "date_reporting", "name")
# Offered on the form; the profile decides which of them a disease allows (422 otherwise).
INITIAL_CLASSES = ("suspected", "probable", "confirmed")


Message = tuple[str, dict[str, str]]
# Values of a refusal that are words: another field's label, or the sex an ID says.
WORDS = ("other", "expected")
SEX_LABELS = {"male": N_("Male"), "female": N_("Female"), "unknown": N_("Unknown")}


def _render(
    page: Page,
    values: dict[str, str],
    status: int = 200,
    errors: list[Message] | None = None,
    **extra: object,
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
        candidates=_candidates(page, values),
        chosen=values.get("person_id", ""),
        **extra,
    )


def _candidates(page: Page, values: dict[str, str]) -> list[Person]:
    """On a refused form, the candidates the typing had shown (and the one chosen)."""
    if not page.actor or not page.actor.can("persons:read"):
        return []
    return lookup.candidates(
        session_of(page),
        actor_of(page),
        name=values.get("name", ""),
        national_id=values.get("national_id", ""),
        phone=values.get("phone", ""),
    )


def said(page: Page, refusal: rules.Invalid) -> Message:
    """A refusal as a page message; values that are themselves words (another field's
    label, a sex) are translated here, the field's label by the template."""
    values = {k: str(v) for k, v in refusal.values.items()}
    for key in WORDS:
        word = values.get(key, "")
        if word and not word[:1].isdigit():
            values[key] = page.gettext(SEX_LABELS.get(word, word))
    return refusal.message, values


def checked(page: Page, values: dict[str, str]) -> list[rules.Invalid]:
    """The rules a single field can be held to before the case is built."""
    found = [r for f, limit in LIMITS.items() for r in rules.text_length(f, values.get(f), limit)]
    for field, rule in (("phone", rules.phone_number), ("national_id", _id_rule(page))):
        if values.get(field) and not any(r.field == field for r in found):
            try:
                rule(values[field])
            except rules.Invalid as refused:
                found.append(refused)
    return found


def _id_rule(page: Page) -> Callable[[str], object]:
    return lambda text: rules.resident_id(text, page.today())


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
        person_id=int(parsed.values["person_id"]) if parsed.values["person_id"].isdigit() else None,
        existing_person=parsed.values["existing_person"] or "ask",
        repeat_reason=text("repeat_reason"),
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
    parsed = forms.read_form(form, CASE_FIELDS, REQUIRED, page.context.today())
    if parsed.values["existing_person"] not in ("", "ask", "keep", "update"):
        parsed.values["existing_person"] = ""
    errors = parsed.errors + [said(page, r) for r in checked(page, parsed.values)]
    if errors:
        return _render(page, parsed.values, 422, errors)
    try:
        case_id, proposed = _create(page, parsed)
    except ValidationError as exc:
        errors = forms.validation_messages([dict(e) for e in exc.errors()])
        return _render(page, parsed.values, 422, errors)
    except rules.Refused as refused:
        return _render(page, parsed.values, 422, [said(page, r) for r in refused.refusals])
    except PersonOnFile as conflict:
        return _render(
            page, parsed.values, 409, on_file=conflict.person, differences=conflict.differences
        )
    except RepeatCase as repeat:
        return _render(page, parsed.values, 409, repeats=repeat.cases)
    except Problem as problem:
        return _render(page, parsed.values, problem.status, [forms.problem_message(problem)])
    suffix = f"?proposed={proposed}" if proposed else ""
    return RedirectResponse(f"/surveillance/cases/{case_id}{suffix}", status_code=303)
