"""The page ``/sitrep``: the chosen jurisdiction's daily report for a day (default
yesterday there), links to its PDF and HTML, and the archived versions."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from fireline.bounds import Id
from fireline.reports.sitrep import render, service
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.web.deps import Page, PageContext

router = APIRouter()
EARLIEST = date(1900, 1, 1)


def _chosen_day(page: Page) -> tuple[date, str | None, str]:
    """The day asked for (``?date=``), else yesterday there; a bad entry keeps what was
    typed and says why next to the field."""
    yesterday = page.today() - timedelta(days=1)
    typed = (page.request.query_params.get("date") or "").strip()
    if not typed:
        return yesterday, None, yesterday.isoformat()
    try:
        asked = date.fromisoformat(typed)
    except ValueError:
        return yesterday, page.gettext("Enter a date as YYYY-MM-DD."), typed
    if not EARLIEST <= asked <= page.today():
        return yesterday, page.gettext("Choose a day that has begun."), typed
    return asked, None, typed


@router.get("/sitrep")
def sitrep_page(page: PageContext) -> Response:
    assert page.session is not None
    day, error, typed = _chosen_day(page)
    disease = SitrepSettings().disease
    found = service.figures(page.session, page.context, page.here.code, day, disease)
    asked = {"j": page.here.code, "date": day.isoformat(), "lang": page.language}
    return page.render(
        "reports.sitrep/page.html",
        nav="sitrep",
        status_code=422 if error else 200,
        day=day,
        typed=typed,
        error=error,
        report=Markup(render.html(found, page.language, standalone=False)),
        pdf_href="/sitrep.pdf?" + urlencode(asked),
        html_href="/sitrep.html?" + urlencode(asked),
        archive=service.archived(page.session, page.context, page.here.code)[0],
    )


def _document(page: Page, fmt: str) -> Response:
    assert page.session is not None
    day = _chosen_day(page)[0]  # a bad date gives yesterday's document, as the page shows
    found = service.figures(
        page.session, page.context, page.here.code, day, SitrepSettings().disease
    )
    made = service.document(found, page.language, fmt, str(page.request.base_url))
    disposition = f'inline; filename="{made.filename}"'
    return Response(
        made.content, media_type=made.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/sitrep.pdf")
def sitrep_pdf(page: PageContext) -> Response:
    return _document(page, "pdf")


@router.get("/sitrep.html")
def sitrep_html(page: PageContext) -> Response:
    return _document(page, "html")


@router.get("/sitrep/archive/{archive_id}")
def archived(archive_id: Id, page: PageContext) -> Response:
    assert page.session is not None
    made = service.archived_document(page.session, page.context, archive_id)
    disposition = f'inline; filename="{made.filename}"'
    return Response(
        made.content, media_type=made.media_type, headers={"Content-Disposition": disposition}
    )
