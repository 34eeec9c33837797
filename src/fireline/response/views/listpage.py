"""The responses under the chosen jurisdiction, newest first, with their open and overdue
task counts: the way to every response, open or closed. The list is the API's
(``response.responselist``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.response.responselist import STATUSES, list_responses
from fireline.response.views import common
from fireline.web.deps import PageContext

router = APIRouter()
PER_PAGE: Final = 50


@router.get("/response/list")
def responses_page(page: PageContext) -> Response:
    common.actor_of(page).require("records:read")
    query = page.list_query(("status", "disease"), per_page=PER_PAGE)
    # The page opens on the open responses; "all" lists both.
    status = query.value("status")
    status = status if status in (*STATUSES, "all") else "open"
    query = replace(query, filters={**query.filters, "status": status})
    found, total = list_responses(common.session_of(page), page.context, query)
    rows = [(r.response, r.open_tasks, r.overdue_tasks) for r in found]
    return page.render(
        "response/list.html",
        **common.shared(page, "responses"),
        **common.page_numbers(query, total),
        rows=rows,
        status=status,
        total=total,
        places=common.places(page, {r.jurisdiction_id for r, _, _ in rows}),
        disease_names=common.disease_names(page),
    )
