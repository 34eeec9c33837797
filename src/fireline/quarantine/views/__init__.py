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
    selfreport,
    transfers,
)

router = APIRouter()
for module in (duepage, proposalpage, boards, detail, manage, transfers, selfreport, convert):
    router.include_router(module.router)
