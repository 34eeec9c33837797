"""The self-report page (``/r/{token}``): no login, mobile-sized, in the person's language.

A forged, expired or finished link gets the same page and status (tokens.py). Every
request counts against its link's rate limit; an address is limited only by the unusable
links it opened, so a quarantine hotel's guests, who share one address, do not lock each
other out, while guessing links from one address is still slowed (OWASP Blocking Brute
Force Attacks). Both limits are checked before the link is looked up, so they answer the
same for real and forged links. The page shows no personal data.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.quarantine import deps, detail, followup, tokens
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.views import followupform
from fireline.web import i18n
from fireline.web.deps import Page, PostedForm, PublicPage

router = APIRouter()


@dataclass(frozen=True)
class Link:
    """An open self-report link: its order, the order's place, and the context the report
    is recorded in (a viewer of that place, the app's clock, the deployment's profiles)."""

    order: QuarantineOrder
    place: Jurisdiction
    context: Context


def _open(page: Page, session: DbSession, token: str) -> Link:
    request = page.request
    limiter = deps.limiter(request)
    client = request.client.host if request.client else "unknown"
    unusable = f"bad-links:{client}"
    limiter.check(unusable)
    limiter.hit(f"link:{tokens.digest(token)[:16]}")
    try:
        order, place = tokens.resolve(session, token, page.clock.now())
    except tokens.InvalidLink:
        with contextlib.suppress(tokens.TooManyRequests):
            limiter.hit(unusable)
        raise
    actor = Actor(None, "self-report", "viewer", place.id, place.path)
    return Link(order, place, Context.build(actor, page.state.settings, page.clock))


def _language(page: Page, session: DbSession, order: QuarantineOrder) -> None:
    """The person's language unless the page was asked for another."""
    if page.request.query_params.get("lang"):
        return
    chosen = i18n.normalise(detail.person_language(session, order))
    if chosen:
        page.language = chosen


def _render(
    page: Page,
    link: Link | None,
    *,
    status: int = 200,
    sent: bool = False,
    error: str | None = None,
    field_errors: dict[str, followupform.Message] | None = None,
    entered: followupform.Typed | None = None,
) -> Response:
    symptoms: list[tuple[str, str]] = []
    if link is not None:
        profile = link.context.profile(link.order.disease or "")
        items = profile.symptoms.items if profile else ()
        symptoms = [(s.code, s.names.zh if page.language == "zh" else s.names.en) for s in items]
    return page.render(
        "quarantine/selfreport.html",
        status_code=status,
        order=link.order if link else None,
        symptoms=symptoms,
        sent=sent,
        error=error,
        field_errors=field_errors or {},
        entered=entered or followupform.Typed(),
    )


def _refused(page: Page, session: DbSession, problem: Problem) -> Response:
    session.rollback()
    error = "busy" if problem.status == 429 else "invalid"
    return _render(page, None, status=problem.status, error=error)


@router.get("/r/{token}")
def self_report_page(token: str, page: PublicPage, session: DbSession) -> Response:
    try:
        link = _open(page, session, token)
    except Problem as problem:
        return _refused(page, session, problem)
    _language(page, session, link.order)
    return _render(page, link)


@router.post("/r/{token}")
def self_report(
    token: str, page: PublicPage, session: DbSession, request: Request, form: PostedForm
) -> Response:
    try:
        link = _open(page, session, token)
    except Problem as problem:
        return _refused(page, session, problem)
    _language(page, session, link.order)
    # The person reports temperature and symptoms only: no reach or note fields.
    posted = followupform.typed(form)
    entered = followupform.Typed(temperature=posted.temperature, symptoms=posted.symptoms)
    try:
        body = followupform.report(entered, page.language)
        followup.record(
            session,
            link.context.actor,
            link.order,
            body,
            channel="self",
            now=link.context.now(),
            day=link.context.today(link.place),
            profiles=link.context.profiles,
            settings=deps.settings(request),
        )
    except followupform.Refused as refused:
        return _render(page, link, status=422, field_errors=refused.errors, entered=entered)
    except Problem:  # an unknown symptom code: a forged form, or an order just ended
        session.rollback()
        return _render(page, link, status=422, error="form", entered=entered)
    return _render(page, link, sent=True)
