"""Transfers (``/quarantine/transfers``): the orders handed into and out of the chosen
jurisdiction, newest first. A name and a link show only for an order now in the reader's
scope; an order handed away keeps its line here, without the person."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.listing import ListQuery
from fireline.quarantine import outcomes
from fireline.quarantine.views import common
from fireline.web.deps import PageContext

router = APIRouter()
PAGE_SIZE: Final = 50


@router.get("/quarantine/transfers")
def transfers_page(
    page: PageContext, offset_in: int = 0, offset_out: int = 0, moved: int | None = None
) -> Response:
    session, actor = common.session_of(page), common.actor_of(page)
    offsets = {"in": max(offset_in, 0), "out": max(offset_out, 0)}
    lists = {
        direction: outcomes.transfer_rows(
            session, actor, direction, ListQuery(limit=PAGE_SIZE, offset=offset), page.here
        )
        for direction, offset in offsets.items()
    }
    return page.render(
        "quarantine/transfers.html",
        nav="quarantine",
        subnav="transfers",
        today=common.today(page),
        lists=lists,
        offsets=offsets,
        page_size=PAGE_SIZE,
        moved=moved,
        waiting=common.waiting(page),
    )
