"""The testing pages: landing, samples, results and a result's history, the FHIR/CSV upload,
screening campaigns (set-up, the scan page, the dashboard). ``router`` is what
``fireline.web.setup`` mounts."""

from __future__ import annotations

from fastapi import APIRouter

from fireline.testing.views import campaignpages, dashboardpage, landing, lists, scan, upload

router = APIRouter()
# Fixed paths (/testing/results/…, /testing/campaigns/new) before the {id} ones.
for module in (landing, lists, upload, campaignpages, scan, dashboardpage):
    router.include_router(module.router)
