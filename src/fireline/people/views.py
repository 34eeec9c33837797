"""The merge queue: two records side by side with the reasons and the score; a person
decides (merge, keeping either record, or keep both). Nothing is merged silently."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery
from fireline.people import lookup, service
from fireline.people.matching import CHOSEN, default_choices
from fireline.people.models import Person, PersonMatch
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
PER_PAGE: Final = 20
DECIDED_ELSEWHERE: Final = N_(
    "Someone else decided on this pair in the meantime, or one of the two records was merged "
    "already. Nothing was changed."
)


def _places(page: Page, rows: list[tuple[PersonMatch, Person, Person]]) -> dict[int, str]:
    assert page.session is not None
    ids = {p.jurisdiction_id for _, keep, dup in rows for p in (keep, dup)}
    return service.place_names(page.session, ids, page.language)


@router.get("/people/matches")
def match_queue(page: PageContext, request: Request) -> Response:
    assert page.session is not None and page.actor is not None
    page.actor.require("persons:read")
    try:
        number = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    query = ListQuery(filters={"status": "proposed"}, limit=PER_PAGE).with_page(number)
    rows, total = service.list_matches(page.session, page.actor, query)
    return page.render(
        "people/matches.html",
        nav="surveillance",
        subnav="matches",
        today=page.today(),
        rows=rows,
        total=total,
        number=number,
        pages=max(1, -(-total // PER_PAGE)),
        places=_places(page, rows),
        can_decide=page.actor.can("persons:write"),
        defaults=default_choices,
    )


@router.post("/people/matches/{match_id}")
def decide(
    match_id: int,
    page: PageContext,
    request: Request,
    decision: Annotated[str, Form()],
    form: PostedForm,
) -> Response:
    """``keep-<id>`` merges keeping that record, taking for each differing field the
    value chosen (``field-<name>``: a person id; default the newer non-empty value);
    ``reject`` keeps both; htmx swaps the pair for the outcome."""
    assert page.session is not None and page.actor is not None
    status, message = 200, None
    values = {
        name: int(str(form[f"field-{name}"]))
        for name in CHOSEN
        if str(form.get(f"field-{name}") or "").isdigit()
    }
    try:
        if decision.startswith("keep-") and decision[5:].isdigit():
            keep_id = int(decision[5:])
            service.accept_match(page.session, page.actor, match_id, keep_id=keep_id, values=values)
        elif decision == "reject":
            service.reject_match(page.session, page.actor, match_id)
        else:
            raise Problem(400, "unknown decision")
    except Conflict:
        status, message = 409, DECIDED_ELSEWHERE
    if request.headers.get("hx-request") != "true":
        if status != 200:
            raise Problem(status, message or "")
        return RedirectResponse("/people/matches", status_code=303)
    match, keep, duplicate = service.get_match(page.session, page.actor, match_id)
    return page.render(
        "people/_match.html",
        status_code=status,
        match=match,
        keep=keep,
        duplicate=duplicate,
        places=_places(page, [(match, keep, duplicate)]),
        can_decide=False,
        defaults=default_choices,
        message=page.gettext(message) if message else None,
        decided=True,
    )


@router.get("/people/candidates")
def candidates(page: PageContext, request: Request) -> Response:
    """The persons on file like the one being typed on a form (htmx partial): the
    user's whole scope, read through ``people.lookup`` (audited)."""
    assert page.session is not None and page.actor is not None
    if not page.actor.can("persons:read"):
        return page.render("people/_candidates.html", candidates=[], chosen="")
    params = request.query_params
    found = lookup.candidates(
        page.session,
        page.actor,
        name=params.get("name", "")[:200],
        national_id=params.get("national_id", "")[:40],
        phone=params.get("phone", "")[:40],
    )
    return page.render(
        "people/_candidates.html", candidates=found, chosen=params.get("person_id", "")
    )
