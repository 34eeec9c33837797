"""The case list page and its CSV export: the request's filters, sort, search and page
go to :mod:`fireline.surveillance.caselist`, the same service ``GET /api/v1/cases`` uses."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.jurisdictions.service import children
from fireline.listing import ListQuery
from fireline.surveillance import caselist
from fireline.surveillance.models import CLASSIFICATIONS
from fireline.surveillance.views.common import (
    actor_of,
    all_disease_options,
    require_case_pages,
    session_of,
)
from fireline.web.deps import PageContext

router = APIRouter()
PER_PAGE = 50


@dataclass(frozen=True)
class Asked:
    """The list's query as the form shows it and its links carry it; values that mean
    nothing to the list are shown blank."""

    classification: str = ""
    disease: str = ""
    reported_from: str = ""
    reported_to: str = ""
    imported: str = ""  # "", "yes", "no"
    area: str = ""
    batch: str = ""
    q: str = ""
    sort: str = caselist.DEFAULT_SORT
    order: str = "desc"
    page: int = 1

    @classmethod
    def of(cls, query: ListQuery) -> Asked:
        value = query.value
        return cls(
            classification=value("classification")
            if value("classification") in CLASSIFICATIONS
            else "",
            disease=value("disease"),
            reported_from=value("reported_from"),
            reported_to=value("reported_to"),
            imported=value("imported") if value("imported") in ("yes", "no") else "",
            area=value("area"),
            batch=value("batch") if value("batch").isdigit() else "",
            q=query.q.strip()[:100],
            sort=query.sort if query.sort in caselist.SORTS else caselist.DEFAULT_SORT,
            order="desc" if query.descending else "asc",
            page=query.offset // query.limit + 1,
        )

    def link(self, **changes: Any) -> str:
        """The query string of this list with some values changed (blank ones left out)."""
        values = {**asdict(self), **changes}
        if values.get("page") == 1:
            values.pop("page")
        if values.get("sort") == caselist.DEFAULT_SORT and values.get("order") == "desc":
            values.pop("sort"), values.pop("order")
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def sort_link(self, key: str) -> str:
        order = "asc" if self.sort == key and self.order == "desc" else "desc"
        return self.link(sort=key, order=order, page=1)


@router.get("/surveillance/cases")
def case_list(page: PageContext) -> Response:
    actor = actor_of(page)
    require_case_pages(actor)
    query = page.list_query(caselist.FILTERS, PER_PAGE)
    rows, total = caselist.list_cases(session_of(page), page.context, query)
    asked = Asked.of(query)
    return page.render(
        "surveillance/cases.html",
        nav="surveillance",
        subnav="cases",
        today=page.today(),
        query=asked,
        rows=rows,
        total=total,
        pages=max(1, -(-total // PER_PAGE)),
        first=query.offset + 1,
        classifications=CLASSIFICATIONS,
        diseases=all_disease_options(page),
        areas=children(session_of(page), actor, page.here.code),
        persons=caselist.shows_persons(actor),
        can_write=actor.can("cases:write"),
        can_export=actor.can("exports:run"),
    )


@router.get("/surveillance/cases.csv")
def case_export(page: PageContext) -> Response:
    """The filtered list as a line list (UTF-8 with BOM, so Excel shows Chinese text)."""
    require_case_pages(actor_of(page))
    query = page.list_query(caselist.FILTERS)
    names = page.request.query_params.get("names") == "1"
    text = caselist.export_csv(session_of(page), page.context, query, names=names)
    stamp = page.clock.now().astimezone(ZoneInfo(page.here.timezone)).strftime("%Y%m%d-%H%M")
    filename = f"cases-{page.here.code}-{stamp}.csv"
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )
