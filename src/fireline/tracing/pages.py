"""Pages a tracer works in: the interview with its contact list, clusters, a chain graph.

The interview autosaves through htmx with the record's version (a stale version gets
409 and the page says so); tracing.js keeps unsent edits in localStorage and resends
them when the network is back. The chain graph is laid out here (clusters.graph) so
Cytoscape only draws, which keeps 5,000 nodes usable.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError

from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery
from fireline.pagination import MAX_LIMIT
from fireline.tracing import clusters, contacts, interviews
from fireline.tracing.schemas import SETTINGS, ContactCreate, InterviewUpdate
from fireline.web.deps import Page, PageContext, PostedForm

router = APIRouter()
# The interview shows a case's whole contact list (the API pages it); past this many the
# page says how many more there are.
CONTACTS_SHOWN: Final = MAX_LIMIT
CLUSTERS_SHOWN: Final = 500


def _contacts(page: Page, case_id: int) -> dict[str, Any]:
    """The contact list and its total, as the contact table shows them."""
    assert page.session is not None and page.actor is not None
    query = ListQuery(limit=CONTACTS_SHOWN, descending=False)
    rows, total = contacts.contacts_of(page.session, page.actor, case_id, query)
    return {"contacts": rows, "contacts_total": total}


def _interview_page(page: Page, case_id: int) -> Response:
    assert page.session is not None and page.actor is not None
    case, interview = interviews.interview_for(page.session, page.actor, case_id)
    profile = interviews.profile_of(case, page.context.profiles)
    return page.render(
        "tracing/interview.html",
        nav="investigation",
        case=case,
        interview=interview,
        profile=profile,
        settings=SETTINGS,
        today=page.today(),
        **_contacts(page, case.id),
        can_write=page.actor.can("cases:write"),
    )


@router.get("/investigation/cases/{case_id}")
def interview_page(case_id: int, page: PageContext) -> Response:
    return _interview_page(page, case_id)


@router.post("/investigation/cases/{case_id}/interview")
def autosave(case_id: int, page: PageContext, request: Request, form: PostedForm) -> Response:
    """One autosave: the whole form with its version; returns the saved status."""
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
        return page.render("tracing/_saved.html", status_code=409, version=None, stale=True)
    except (ValidationError, Problem) as exc:
        detail = getattr(exc, "detail", None) or page.gettext("Some answers are not valid.")
        return page.render("tracing/_saved.html", status_code=422, version=None, error=detail)
    return page.render("tracing/_saved.html", version=saved.version)


@router.post("/investigation/cases/{case_id}/contacts")
def add_contact(
    case_id: int,
    page: PageContext,
    name: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    national_id: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    setting: Annotated[str, Form()] = "",
    relation: Annotated[str, Form()] = "",
    first: Annotated[str, Form()] = "",
    last: Annotated[str, Form()] = "",
    source_contact_id: Annotated[str, Form()] = "",
) -> Response:
    """List a contact from the interview; the list comes back with its proposed order."""
    assert page.session is not None and page.actor is not None
    error = None
    try:
        data = ContactCreate.model_validate(
            {
                "person": {
                    "name": name,
                    "phone": phone or None,
                    "national_id": national_id or None,
                },
                "category": category,
                "setting": setting or None,
                "relation": relation or None,
                "date_first_exposure": first or None,
                "date_last_exposure": last or None,
                "source_contact_id": source_contact_id or None,
            }
        )
        contacts.list_contact(page.session, page.context, case_id, data)
    except (ValidationError, ValueError) as exc:
        error = str(exc.errors()[0]["msg"]) if isinstance(exc, ValidationError) else str(exc)
    except Problem as exc:
        page.session.rollback()
        error = exc.detail
    return page.render(
        "tracing/_contacts.html",
        status_code=422 if error else 200,
        **_contacts(page, case_id),
        error=error,
        case_id=case_id,
    )


@router.get("/investigation/clusters")
def cluster_page(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    query = page.list_query(("disease",), per_page=CLUSTERS_SHOWN)
    disease = query.value("disease") or None
    chains = clusters.load_chains(page.session, page.actor, disease)
    found, total = clusters.list_clusters(chains, query)
    return page.render(
        "tracing/clusters.html",
        nav="investigation",
        today=page.today(),
        clusters=found,
        total=total,
        disease=disease,
    )


@router.get("/investigation/clusters/{cluster}")
def graph_page(cluster: int, page: PageContext, request: Request) -> Response:
    assert page.session is not None and page.actor is not None
    disease = request.query_params.get("disease") or None
    graph = clusters.graph(clusters.load_chains(page.session, page.actor, disease), cluster)
    return page.render(
        "tracing/graph.html",
        nav="investigation",
        today=page.today(),
        graph=graph.model_dump(mode="json"),
        cluster=cluster,
        disease=disease,
    )
