"""Order detail (``/quarantine/orders/{id}``): dates, test days, flags, follow-up history,
and the actions: record a follow-up, convert to a suspected case, release, issue a
self-report link. Each form sends the version it read; CSRF is checked by page_context."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fireline.auth import audit
from fireline.errors import Problem
from fireline.pagination import PageParams
from fireline.people.models import Person
from fireline.quarantine import duelist, followup, orders, outcomes, plans
from fireline.quarantine.schemas import FollowUpCreate
from fireline.quarantine.views import common
from fireline.web.deps import Page, PageContext

router = APIRouter()


def render_detail(
    page: Page,
    order_id: int,
    *,
    status: int = 200,
    error: str | None = None,
    link: str | None = None,
) -> Response:
    session, actor = common.session_of(page), common.actor_of(page)
    order = orders.get_order(session, actor, order_id)
    person = session.get_one(Person, order.person_id)
    history, _ = followup.history(session, actor, order.id, PageParams(limit=100, offset=0))
    f = duelist.flags(
        common.today(page), common.now(page), common.settings_of(page).non_reporting_hours
    )
    audit.record(
        session,
        actor,
        "read",
        "quarantine_order",
        [order.id],
        jurisdiction_id=order.jurisdiction_id,
        person=person.id,
    )
    return page.render(
        "quarantine/detail.html",
        status_code=status,
        nav="quarantine",
        subnav="due",
        today=common.today(page),
        order=order,
        person=person,
        history=history,
        flags=duelist.order_flags(session, order.id, f),
        error=error,
        link=link,
        tests=plans.test_dates(order.last_exposure, order.test_mask),
        symptoms=common.symptom_names(page, order.disease),
        can_write=actor.can("cases:write"),
        done=page.request.query_params.get("done"),
    )


@router.get("/quarantine/orders/{order_id}")
def detail_page(order_id: int, page: PageContext) -> Response:
    return render_detail(page, order_id)


def _done(order_id: int, what: str) -> Response:
    return RedirectResponse(f"/quarantine/orders/{order_id}?done={what}", status_code=303)


@router.post("/quarantine/orders/{order_id}/follow-up")
async def add_follow_up(order_id: int, page: PageContext, request: Request) -> Response:
    form = await request.form()
    temperature = str(form.get("temperature") or "").strip()
    try:
        body = FollowUpCreate(
            reached=form.get("reached") != "no",
            temperature=float(temperature) if temperature else None,
            symptoms=[str(s) for s in form.getlist("symptoms")],
            note=str(form.get("note") or "")[:500] or None,
        )
        followup.staff_report(
            common.session_of(page),
            common.actor_of(page),
            order_id,
            body,
            now=common.now(page),
            day=common.today(page),
            profiles=common.profiles_of(page),
            settings=common.settings_of(page),
        )
    except (Problem, ValueError) as exc:
        detail = exc.detail if isinstance(exc, Problem) else str(exc).splitlines()[0]
        return render_detail(page, order_id, status=422, error=detail)
    return _done(order_id, "follow_up")


@router.post("/quarantine/orders/{order_id}/action")
async def act(order_id: int, page: PageContext, request: Request) -> Response:
    form = await request.form()
    version = common.form_int(form.get("version"))
    action = str(form.get("action") or "")
    session, actor = common.session_of(page), common.actor_of(page)
    now, day = common.now(page), common.today(page)
    if version is None:
        return render_detail(page, order_id, status=422, error="version")
    try:
        if action == "convert":
            outcomes.convert(
                session, actor, order_id, version=version, onset=None, now=now, today=day
            )
        elif action == "release":
            reason = str(form.get("reason") or "").strip()[:500] or "released after review"
            outcomes.release(
                session, actor, order_id, version=version, reason=reason, now=now, today=day
            )
        elif action == "link":
            _, token = orders.issue_token(session, actor, order_id, version=version)
            return render_detail(page, order_id, link=f"{request.base_url}r/{token}")
        else:
            return render_detail(page, order_id, status=422, error=action)
    except Problem as problem:
        session.expire_all()
        return render_detail(page, order_id, status=problem.status, error=problem.detail)
    return _done(order_id, action)
