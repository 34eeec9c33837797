"""The quarantine pages: today's follow-up list, the queue of proposed orders, order
detail with its actions and management forms, facility boards, transfers, and the public
self-report page. ``router`` is what ``fireline.web.setup`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.quarantine.views import (
    boards,
    convert,
    detail,
    duepage,
    manage,
    proposalpage,
    releasepage,
    roompage,
    selfreport,
    transfers,
)

router = APIRouter()
PAGES = (duepage, proposalpage, boards, detail, releasepage, roompage, manage, transfers)
for module in (*PAGES, selfreport, convert):
    router.include_router(module.router)
