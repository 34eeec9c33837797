"""The case list: server-side filters, sort, search and paging, and its CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fireline.jurisdictions.service import children
from fireline.pagination import count
from fireline.surveillance.models import CLASSIFICATIONS
from fireline.surveillance.views import caselist
from fireline.surveillance.views.caselist import PER_PAGE, CaseQuery
from fireline.surveillance.views.common import (
    actor_of,
    all_disease_options,
    require_case_pages,
    session_of,
    shows_persons,
)
from fireline.web.deps import Page, PageContext

router = APIRouter()


def _page_of_rows(page: Page, query: CaseQuery) -> tuple[list[Any], int]:
    persons = shows_persons(actor_of(page))
    found = caselist.statement(page, query, with_persons=persons)
    total = count(session_of(page), found)
    offset = (query.page - 1) * PER_PAGE
    rows = list(session_of(page).execute(found.limit(PER_PAGE).offset(offset)).all())
    if persons and rows:
        caselist.audit_read(page, rows, "read", view="case list")
    return rows, total


@router.get("/surveillance/cases")
def case_list(page: PageContext, request: Request) -> Response:
    actor = actor_of(page)
    require_case_pages(actor)
    query = CaseQuery.from_params(request.query_params)
    rows, total = _page_of_rows(page, query)
    pages = max(1, -(-total // PER_PAGE))
    return page.render(
        "surveillance/cases.html",
        nav="surveillance", subnav="cases", today=page.today(), query=query, rows=rows,
        total=total, pages=pages, first=(query.page - 1) * PER_PAGE + 1,
        classifications=CLASSIFICATIONS, diseases=all_disease_options(page),
        areas=children(session_of(page), actor, page.here.code),
        persons=shows_persons(actor), can_write=actor.can("cases:write"),
    )


@router.get("/surveillance/cases.csv")
def case_export(page: PageContext, request: Request) -> Response:
    """The filtered list as a line list (UTF-8 with BOM, so Excel shows Chinese text)."""
    require_case_pages(actor_of(page))
    query = CaseQuery.from_params(request.query_params)
    names = request.query_params.get("names") == "1"
    text = caselist.export_csv(page, query, names)
    stamp = datetime.now().strftime("%Y%m%d-%H%M")
    filename = f"cases-{page.here.code}-{stamp}.csv"
    return Response(
        "\ufeff" + text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )
