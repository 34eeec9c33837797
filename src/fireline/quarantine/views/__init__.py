"""The quarantine pages: today's follow-up list, the queue of proposed orders, order
detail with its actions, facility boards, and the public self-report page. ``router`` is
what ``fireline.web.setup`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.quarantine.views import boards, detail, duepage, proposalpage, selfreport

router = APIRouter()
for module in (duepage, proposalpage, boards, detail, selfreport):
    router.include_router(module.router)
