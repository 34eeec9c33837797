"""JSON routes of the daily situation report: its figures, its documents, its archive."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fireline.bounds import Day, Id
from fireline.context import Context
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.pagination import Page, make_page
from fireline.reports.sitrep import service
from fireline.reports.sitrep.figures import Gathered
from fireline.reports.sitrep.schemas import ArchivedReport, Sitrep
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.web.deps import ApiContext, ApiListQuery
from fireline.web.errors import api_language

router = APIRouter(tags=["reports"])

ReportDay = Annotated[Day | None, Query(alias="date", description="Default: yesterday there")]
Disease = Annotated[str | None, Query(description="Default: FIRELINE_SITREP_DISEASE")]


def default_day(session: DbSession, context: Context, code: str) -> date:
    """Yesterday in the jurisdiction's time zone: the last whole day."""
    return context.today(context.actor.jurisdiction(session, code)) - timedelta(days=1)


def _gather(
    session: DbSession, context: Context, code: str, day: date | None, disease: str | None
) -> Gathered:
    chosen = day or default_day(session, context, code)
    if chosen > context.today(context.actor.jurisdiction(session, code)):
        raise Problem(422, f"{chosen.isoformat()} has not begun in {code}")
    return service.figures(session, context, code, chosen, disease or SitrepSettings().disease)


@router.get("/jurisdictions/{code}/sitrep", response_model=Sitrep)
def read_sitrep(
    code: str,
    context: ApiContext,
    session: DbSession,
    day: ReportDay = None,
    disease: Disease = None,
) -> Sitrep:
    """Every figure of the jurisdiction's daily situation report for one day."""
    return _gather(session, context, code, day, disease).sitrep


def _document(
    request: Request,
    code: str,
    context: Context,
    session: DbSession,
    day: date | None,
    disease: str | None,
    fmt: str,
) -> Response:
    language = api_language(request)
    service.check_request(language, fmt)
    found = _gather(session, context, code, day, disease)
    made = service.document(found, language, fmt, str(request.base_url))
    disposition = f'inline; filename="{made.filename}"'
    return Response(
        made.content, media_type=made.media_type, headers={"Content-Disposition": disposition}
    )


@router.get("/jurisdictions/{code}/sitrep.pdf", response_class=Response)
def read_sitrep_pdf(
    request: Request,
    code: str,
    context: ApiContext,
    session: DbSession,
    day: ReportDay = None,
    disease: Disease = None,
) -> Response:
    """The report as an A4 PDF, in the request's language (``?lang=``, Accept-Language)."""
    return _document(request, code, context, session, day, disease, "pdf")


@router.get("/jurisdictions/{code}/sitrep.html", response_class=Response)
def read_sitrep_html(
    request: Request,
    code: str,
    context: ApiContext,
    session: DbSession,
    day: ReportDay = None,
    disease: Disease = None,
) -> Response:
    """The report as one HTML document, in the request's language."""
    return _document(request, code, context, session, day, disease, "html")


@router.get("/jurisdictions/{code}/sitrep/archive", response_model=Page[ArchivedReport])
def read_archive(
    code: str,
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    language: Annotated[str | None, Query(description="zh or en")] = None,
    fmt: Annotated[str | None, Query(alias="format", description="pdf or html")] = None,
) -> Page[ArchivedReport]:
    """The archived versions of the jurisdiction's reports, newest first; filters
    ``language`` and ``format``."""
    rows, total = service.archived(session, context, code, query)
    return make_page(rows, total, query)


@router.get("/sitrep-archive/{archive_id}", response_class=Response)
def read_archived(archive_id: Id, context: ApiContext, session: DbSession) -> Response:
    """One archived report, as it was generated."""
    made = service.archived_document(session, context, archive_id)
    disposition = f'inline; filename="{made.filename}"'
    return Response(
        made.content, media_type=made.media_type, headers={"Content-Disposition": disposition}
    )
