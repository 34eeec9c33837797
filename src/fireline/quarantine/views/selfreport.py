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

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fireline.auth.scope import Actor
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.people.models import Person
from fireline.quarantine import deps, followup, tokens
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import FollowUpCreate
from fireline.web import i18n
from fireline.web.deps import Page, PostedForm, PublicPage

router = APIRouter()


def _open(request: Request, session: DbSession, token: str) -> tuple[QuarantineOrder, Actor]:
    limiter = deps.limiter(request)
    client = request.client.host if request.client else "unknown"
    unusable = f"bad-links:{client}"
    limiter.check(unusable)
    limiter.hit(f"link:{tokens.digest(token)[:16]}")
    try:
        order, place = tokens.resolve(session, token, deps.now(request))
    except tokens.InvalidLink:
        with contextlib.suppress(tokens.TooManyRequests):
            limiter.hit(unusable)
        raise
    actor = Actor(None, "self-report", "viewer", place.id, place.path)
    return order, actor


def _language(page: Page, session: DbSession, order: QuarantineOrder) -> None:
    """The person's language unless the page was asked for another."""
    if page.request.query_params.get("lang"):
        return
    chosen = i18n.normalise(session.get_one(Person, order.person_id).language)
    if chosen:
        page.language = chosen


def _render(
    page: Page,
    session: DbSession,
    order: QuarantineOrder | None,
    *,
    status: int = 200,
    sent: bool = False,
    error: str | None = None,
) -> Response:
    symptoms: list[tuple[str, str]] = []
    if order is not None:
        profile = deps.profiles(page.request).get(order.disease or "")
        items = profile.symptoms.items if profile else ()
        symptoms = [(s.code, s.names.zh if page.language == "zh" else s.names.en) for s in items]
    return page.render(
        "quarantine/selfreport.html",
        status_code=status,
        order=order,
        symptoms=symptoms,
        sent=sent,
        error=error,
    )


def _refused(page: Page, session: DbSession, problem: Problem) -> Response:
    session.rollback()
    return _render(
        page,
        session,
        None,
        status=problem.status,
        error="busy" if problem.status == 429 else "invalid",
    )


@router.get("/r/{token}")
def self_report_page(token: str, page: PublicPage, session: DbSession) -> Response:
    try:
        order, _ = _open(page.request, session, token)
    except Problem as problem:
        return _refused(page, session, problem)
    _language(page, session, order)
    return _render(page, session, order)


@router.post("/r/{token}")
def self_report(
    token: str, page: PublicPage, session: DbSession, request: Request, form: PostedForm
) -> Response:
    try:
        order, actor = _open(request, session, token)
    except Problem as problem:
        return _refused(page, session, problem)
    _language(page, session, order)
    temperature = str(form.get("temperature") or "").strip()
    try:
        body = FollowUpCreate(
            temperature=float(temperature) if temperature else None,
            symptoms=[str(s) for s in form.getlist("symptoms")],
        )
        day = deps.local_day(session, deps.now(request), order.jurisdiction_id)
        followup.record(
            session,
            actor,
            order,
            body,
            channel="self",
            now=deps.now(request),
            day=day,
            profiles=deps.profiles(request),
            settings=deps.settings(request),
        )
    except (Problem, ValueError):
        return _render(page, session, order, status=422, error="form")
    return _render(page, session, order, sent=True)
