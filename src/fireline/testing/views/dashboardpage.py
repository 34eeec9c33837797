"""A campaign's dashboard: covered, sampled, resulted, positive pools, positives, by site
and hour, the tests saved against individual testing; the current round with its close
button and the closed rounds; then the members of positive pools under hold with their
single-retest orders (personal data: audited, ``persons:read``)."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Problem
from fireline.testing.pooling import campaigns, lists, rounds
from fireline.testing.pooling.dashboard import board
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
RETEST_STATUSES: Final = ("open", "positive", "negative", "cancelled")
DONE: Final = {
    "created": N_("The campaign was created."),
    "round_closed": N_("The round was closed."),
}
NOT_CLOSED: Final = N_(
    "Round %(n)s was not closed: see what it still awaits, reload and try again."
)


def _retests(page: Page, campaign_id: int) -> dict[str, Any]:
    """The members of positive pools (with ``persons:read``), paged, by status."""
    query = page.list_query(("status",), per_page=common.PER_PAGE)
    rows, total = lists.list_retests(
        common.session_of(page), common.whole_scope(page), campaign_id, query
    )
    shown = common.pager(query, total)
    return {
        "retests": rows,
        "retest_total": total,
        "number": shown["number"],
        "pages": shown["pages"],
    }


@router.get("/testing/campaigns/{campaign_id}")
def campaign_page(campaign_id: int, page: PageContext) -> Response:
    return _board(page, campaign_id)


@router.post("/testing/campaigns/{campaign_id}/close-round")
def close_round(campaign_id: int, page: PageContext, form: PostedForm) -> Response:
    """Close the current round (``rounds.close_round``); a refusal shows the board again."""
    session, actor = common.session_of(page), common.actor_of(page)
    version = common.form_int(form.get("version")) or 0
    try:
        with session.begin_nested():
            rounds.close_round(session, actor, campaign_id, version=version, now=common.now(page))
    except Problem as problem:
        if problem.status != 409:
            raise
        round_no = campaigns.get_campaign(session, actor, campaign_id).round_no
        return _board(page, campaign_id, 409, page.gettext(NOT_CLOSED) % {"n": round_no})
    return RedirectResponse(f"/testing/campaigns/{campaign_id}?done=round_closed", status_code=303)


def _board(
    page: Page, campaign_id: int, status_code: int = 200, error: str | None = None
) -> Response:
    actor = common.actor_of(page)
    done = DONE.get(page.request.query_params.get("done", ""))
    # Right after an action (or a refusal) the figures are counted live: the user must
    # see what the action changed, not a snapshot of a few minutes ago.
    remember = None if done or error else page.context
    found = board(common.session_of(page), actor, campaign_id, remember)
    status = page.request.query_params.get("status", "all")
    retests = _retests(page, campaign_id) if actor.can("persons:read") else {}
    return page.render(
        "testing/dashboard.html",
        status_code=status_code,
        **common.shared(page, "campaigns"),
        d=found.figures,
        campaign=found.campaign,
        sites=found.sites,
        status=status,
        statuses=RETEST_STATUSES,
        notice=page.gettext(done) if done else None,
        error=error,
        zone=found.zone,
        place=found.place,
        **retests,
    )
