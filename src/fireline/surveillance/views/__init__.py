"""The surveillance pages: dashboard, alerts, cases (list, detail, new), imports.

``router`` is what ``fireline.web.setup`` mounts.
"""

from __future__ import annotations

from fastapi import APIRouter

from fireline.surveillance.views import (
    alerts,
    casedetail,
    caselist,
    casenew,
    dashboard,
    imports,
)

router = APIRouter()
# casenew before casedetail: "/surveillance/cases/new" must not reach "{case_id}".
for module in (dashboard, alerts, caselist, casenew, casedetail, imports):
    router.include_router(module.router)
