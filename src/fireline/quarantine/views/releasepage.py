"""The release review (``/quarantine/orders/{id}/release``): the evidence behind the
release flag, criterion by criterion (review.py), and the release with its reason. A
refused release shows the review again, the reason kept and the refusal beside it."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.errors import Problem
from fireline.quarantine import detail, review, staff
from fireline.quarantine.views import common
from fireline.quarantine.views.detail import done
from fireline.quarantine.views.orderforms import Message, problem_message
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
NO_REASON: Final = N_("Give the reason for the release.")
TOO_LONG: Final = N_("The reason is longer than %(n)s characters.")


def render_review(
    page: Page,
    order_id: int,
    *,
    status: int = 200,
    reason: str = "",
    field_error: Message | None = None,
    error: Message | None = None,
) -> Response:
    session, actor = common.session_of(page), common.actor_of(page)
    found = review.evidence(
        session,
        actor,
        order_id,
        now=common.now(page),
        today=common.today(page),
        profiles=common.profiles_of(page),
    )
    return page.render(
        "quarantine/release.html",
        status_code=status,
        nav="quarantine",
        subnav="due",
        today=common.today(page),
        evidence=found,
        order=found.order,
        person=detail.person_under(session, actor, found.order),
        can_release=found.order.status == "active"
        and staff.may_operate(session, actor, found.order),
        reason=reason,
        reason_max=review.REASON_MAX,
        field_error=field_error,
        error=error,
        waiting=common.waiting(page),
    )


@router.get("/quarantine/orders/{order_id}/release")
def review_page(order_id: int, page: PageContext) -> Response:
    return render_review(page, order_id)


@router.post("/quarantine/orders/{order_id}/release")
def release(order_id: int, page: PageContext, form: PostedForm) -> Response:
    typed = str(form.get("reason") or "").strip()
    if not typed:
        return render_review(page, order_id, status=422, field_error=(NO_REASON, {}))
    if len(typed) > review.REASON_MAX:
        message = (TOO_LONG, {"n": str(review.REASON_MAX)})
        return render_review(page, order_id, status=422, reason=typed, field_error=message)
    version = common.form_int(form.get("version"))
    session = common.session_of(page)
    try:
        with session.begin_nested():
            review.release_reviewed(
                session,
                common.actor_of(page),
                order_id,
                version=version if version is not None else -1,
                reason=typed,
                now=common.now(page),
                today=common.today(page),
            )
    except Problem as problem:
        session.expire_all()
        message = problem_message(problem)
        return render_review(page, order_id, status=problem.status, reason=typed, error=message)
    return done(order_id, "release")
