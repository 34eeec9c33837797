"""Pages: the proposed-contacts review queue (bulk confirm or reject) and a venue's
visits timeline around a case's infectious window."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Conflict, Problem
from fireline.listing import ListQuery
from fireline.tracing.venues import service
from fireline.tracing.venues.timeline import MAX_VISITS, Timeline, venue_timeline
from fireline.web.deps import PageContext

router = APIRouter()
PER_PAGE: Final = 50
QUEUE: Final = "/investigation/venue-exposures"
ZOOM: Final = timedelta(hours=2)  # around the case's own visits on the timeline


def _int(value: str | None, default: int | None = None) -> int | None:
    return int(value) if value and value.isdigit() else default


# The queue's filters: the page's query parameter → the list's filter.
QUEUE_FILTERS: Final = {"case": "case_id", "venue": "venue_id", "day": "day", "status": "status"}


@router.get(QUEUE)
def queue_page(page: PageContext, request: Request) -> Response:
    """Proposals in the chosen jurisdiction, newest shared time first, filtered by case,
    venue, day and status, a page at a time."""
    assert page.session is not None and page.actor is not None
    params = request.query_params
    chosen = {name: params.get(name, "").strip()[:40] for name in QUEUE_FILTERS}
    filters = {QUEUE_FILTERS[k]: v for k, v in chosen.items() if v}
    query = replace(page.list_query((), per_page=PER_PAGE), filters=filters)
    rows, total = service.list_proposals(page.session, page.actor, query, page.here)
    return page.render(
        "tracing.venues/queue.html",
        nav="venue-exposures",
        today=page.today(),
        rows=rows,
        total=total,
        number=query.offset // PER_PAGE + 1,
        pages=max(1, -(-total // PER_PAGE)),
        case_id=_int(chosen["case"]),
        chosen=chosen,
        filter_link=urlencode({k: v for k, v in chosen.items() if v}),
        venue_choices=service.queue_venues(page.session, page.actor, page.here),
        venues=service.venues_by_id(page.session, page.actor, {r.venue_id for r in rows}),
        can_decide=page.actor.can("cases:write"),
        done=params.get("done"),
        done_n=_int(params.get("n"), 0),
    )


@router.post(f"{QUEUE}/decisions")
def decide_page(
    page: PageContext,
    decision: Annotated[str, Form()],
    ids: Annotated[list[int] | None, Form()] = None,
    case: Annotated[str, Form()] = "",
) -> Response:
    """Bulk decision from the queue's checkboxes; back to the queue with the outcome."""
    assert page.session is not None and page.actor is not None
    if decision not in ("confirm", "reject"):
        raise Problem(400, "unknown decision")
    if not ids:
        raise Problem(400, page.gettext("Select at least one proposed contact."))
    try:
        report = service.decide(
            page.session,
            page.actor,
            ids,
            decision,  # type: ignore[arg-type]
            now=page.clock.now(),
        )
    except Conflict as exc:
        raise Problem(
            409,
            page.gettext(
                "Someone else decided on some of these in the meantime. Nothing was changed."
            ),
        ) from exc
    back = f"{QUEUE}?done={decision}&n={report.decided}" + (f"&case={case}" if case else "")
    return RedirectResponse(back, status_code=303)


def _bars(timeline: Timeline) -> tuple[datetime, datetime, list[dict[str, object]]]:
    """Each visit as left/width percentages of the shown span: the case's visits ± 2 h."""
    mine = [v for v in timeline.visits if v.is_case]
    since = min(v.start for v in mine) - ZOOM if mine else timeline.since
    until = max(v.end for v in mine) + ZOOM if mine else timeline.until
    span = (until - since).total_seconds() or 1.0
    bars = []
    for v in timeline.visits:
        if v.end <= since or v.start >= until:
            continue
        left = max((v.start - since).total_seconds(), 0.0) / span * 100
        right = min((v.end - since).total_seconds(), span) / span * 100
        bars.append({"visit": v, "left": round(left, 2), "width": round(max(right - left, 0.4), 2)})
    return since, until, bars


@router.get("/venues/{venue_id}")
def venue_page(venue_id: int, page: PageContext, request: Request) -> Response:
    """Who was at the venue, as bars on a time axis; the case's own visits stand out."""
    assert page.session is not None and page.actor is not None
    case_id = _int(request.query_params.get("case"))
    context = page.context
    timeline = venue_timeline(
        page.session,
        context.actor,
        context.profiles,
        venue_id,
        ListQuery(limit=MAX_VISITS, descending=False),
        case_id=case_id,
        now=context.now(),
    )
    since, until, bars = _bars(timeline)
    return page.render(
        "tracing.venues/venue.html",
        nav="investigation",
        today=page.today(),
        timeline=timeline,
        case_id=case_id,
        since=since,
        until=until,
        bars=bars,
    )
