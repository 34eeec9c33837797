"""Samples and current results under the chosen jurisdiction (paged, filtered), and one
result with every revision of it. Persons' names and barcodes are personal data: these
pages need ``persons:read``; the services they call audit every page of rows."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.lab.models import TEST_TYPES
from fireline.testing import labresults, samples
from fireline.testing.views import common
from fireline.web.deps import PageContext

router = APIRouter()
SAMPLE_FILTERS: Final = ("barcode", "site", "since", "until")
RESULT_FILTERS: Final = ("outcome", "test", "barcode")


@router.get("/testing/samples")
def samples_page(page: PageContext) -> Response:
    common.actor_of(page).require("persons:read")
    query = page.list_query(SAMPLE_FILTERS, per_page=common.PER_PAGE)
    rows, total = samples.list_samples(common.session_of(page), page.context, query)
    f = {name: query.value(name) for name in SAMPLE_FILTERS}
    return page.render(
        "testing/samples.html",
        **common.shared(page, "samples"),
        rows=rows,
        f=f,
        **common.pager(query, total),
    )


@router.get("/testing/results")
def results_page(page: PageContext) -> Response:
    common.actor_of(page).require("persons:read")
    query = page.list_query(RESULT_FILTERS, per_page=common.PER_PAGE)
    rows, total = labresults.list_results(common.session_of(page), page.context, query)
    f = {name: query.value(name) for name in RESULT_FILTERS}
    return page.render(
        "testing/results.html",
        **common.shared(page, "results"),
        rows=rows,
        f=f,
        outcomes=labresults.OUTCOMES,
        tests=TEST_TYPES,
        **common.pager(query, total),
    )


@router.get("/testing/results/{result_id}")
def result_page(result_id: int, page: PageContext) -> Response:
    found = labresults.result_file(common.session_of(page), common.actor_of(page), result_id)
    return page.render(
        "testing/result.html",
        **common.shared(page, "results"),
        result=found.result,
        sample=found.sample,
        person=found.person,
        case=found.case,
        place=found.place,
        history=list(reversed(found.history)),
    )
