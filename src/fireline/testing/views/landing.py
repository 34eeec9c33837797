"""The testing landing page: samples, results by test and outcome, the latest positives."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.testing.views import common
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()

LATEST: Final = 15


def latest_positives(page: Page) -> list[tuple[LabResult, Sample, Jurisdiction]]:
    """The newest positive results; the page hides barcodes from roles without persons:read."""
    statement = (
        select(LabResult, Sample, Jurisdiction)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(Jurisdiction, Jurisdiction.id == LabResult.jurisdiction_id)
        .where(LabResult.outcome == "positive", LabResult.current.is_(True))
        .order_by(LabResult.resulted_at.desc(), LabResult.id.desc())
        .limit(LATEST)
    )
    rows = common.session_of(page).execute(landing.scoped(page, statement, LabResult))
    return [(r, s, j) for r, s, j in rows]


def by_test(page: Page) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = {}
    counts = landing.grouped(page, LabResult, (LabResult.test_type, LabResult.outcome),
                             LabResult.current.is_(True))  # fmt: skip
    for (test_type, outcome), n in counts.items():
        table.setdefault(test_type, {})[outcome] = n
    return dict(sorted(table.items()))


@router.get("/testing")
def testing_page(page: PageContext) -> Response:
    since = common.now(page) - timedelta(hours=24)
    tests = by_test(page)
    outcomes = sorted({o for row in tests.values() for o in row}, key=lambda o: o != "positive")
    current = LabResult.current.is_(True)
    positive = LabResult.outcome == "positive"
    return page.render(
        "testing/landing.html",
        **common.shared(page, "overview"),
        samples=landing.count(page, Sample),
        samples_24h=landing.count(page, Sample, Sample.collected_at >= since),
        results=landing.count(page, LabResult, current),
        positives=landing.count(page, LabResult, current, positive),
        positives_24h=landing.count(
            page, LabResult, current, positive, LabResult.resulted_at >= since
        ),
        tests=tests,
        outcomes=outcomes,
        latest=latest_positives(page),
        show_barcodes=common.actor_of(page).can("persons:read"),
    )
