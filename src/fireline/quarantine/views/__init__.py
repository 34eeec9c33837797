"""The quarantine pages: today's follow-up list, order detail with its actions and
management forms, facility boards, transfers, and the public self-report page. ``router``
is what ``fireline.web.setup`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.quarantine.views import boards, detail, duepage, manage, selfreport, transfers

router = APIRouter()
for module in (duepage, boards, detail, manage, transfers, selfreport):
    router.include_router(module.router)
