"""Today's follow-up list (``/quarantine``): figures, the list most urgent first, release
flags for review and the transfers in and out."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.listing import ListQuery
from fireline.quarantine import duelist, outcomes
from fireline.quarantine.release import list_release_flags
from fireline.quarantine.views import common
from fireline.web.deps import PageContext
from fireline.web.i18n import N_

router = APIRouter()
PAGE_SIZE: Final = 50
FLAGS_SHOWN: Final = 50  # the isolated longest; the API pages through all of them
LISTS: Final = {
    "all": N_("Everyone due today"),
    "to_contact": N_("To contact"),
    "test_due": N_("Test due"),
    "flagged": N_("Flagged"),
}


@router.get("/quarantine")
def due_page(page: PageContext, list: str = "all", mine: bool = False, offset: int = 0) -> Response:
    which = list if list in LISTS else "all"
    session, actor, now = common.session_of(page), common.actor_of(page), common.now(page)
    day = common.today(page)
    f = duelist.flags(day, now, common.settings_of(page).non_reporting_hours)
    assignee = actor.user_id if mine else None
    counts = duelist.summary(session, actor, page.here, f, assignee)
    rows, total = duelist.due_rows(
        session,
        actor,
        page.here,
        f,
        which=which,
        assignee_id=assignee,
        limit=PAGE_SIZE,
        offset=max(offset, 0),
    )
    flags, flagged = list_release_flags(
        session,
        actor,
        page.here,
        ListQuery(limit=FLAGS_SHOWN),
        now=now,
        today=day,
        profiles=common.profiles_of(page),
    )
    return page.render(
        "quarantine/due.html",
        nav="quarantine",
        subnav="due",
        today=day,
        counts=counts,
        rows=rows,
        total=total,
        which=which,
        lists=LISTS,
        mine=mine,
        offset=offset,
        page_size=PAGE_SIZE,
        flags=flags,
        flagged=flagged,
        transfers_in=outcomes.transfer_count(session, actor, "in", page.here),
        transfers_out=outcomes.transfer_count(session, actor, "out", page.here),
        waiting=common.waiting(page),
    )
