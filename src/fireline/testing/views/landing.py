"""The testing landing page: samples, results by test and outcome, the latest positives."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.testing.overview import overview
from fireline.testing.views import common
from fireline.web.deps import PageContext

router = APIRouter()


@router.get("/testing")
def testing_page(page: PageContext) -> Response:
    figures = overview(common.session_of(page), page.context)
    return page.render(
        "testing/landing.html",
        **common.shared(page, "overview"),
        samples=figures.samples,
        samples_24h=figures.samples_24h,
        results=figures.results,
        positives=figures.positives,
        positives_24h=figures.positives_24h,
        tests=figures.tests,
        outcomes=figures.outcomes,
        latest=figures.latest,
        show_barcodes=common.actor_of(page).can("persons:read"),
    )
