"""The response pages: board, responses, detail (with its actions), opening by hand, the
league table and the notifications. ``router`` is what ``fireline.web.setup`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.response.views import (
    actions,
    boardpage,
    detail,
    inbox,
    leaguepage,
    listpage,
    newresponse,
)

router = APIRouter()
# The fixed paths (/response/league, /new, /list, /notifications) before /response/{id}.
for module in (boardpage, listpage, leaguepage, inbox, newresponse, actions, detail):
    router.include_router(module.router)
