"""The situation report on demand and its archive: generate, store every version, list.

Reads go through the context's actor (scope and 404 in one place, reports/service.py);
the report holds counts only, no personal data, so its reads are not audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.errors import Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.reports.sitrep import render
from fireline.reports.sitrep.figures import Gathered, gather
from fireline.reports.sitrep.models import FORMATS, SitrepArchive
from fireline.reports.sitrep.schemas import ArchivedReport
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.web.i18n import LANGUAGES

MAX_LISTED = 60


@dataclass(frozen=True)
class Document:
    content: bytes
    media_type: str
    filename: str


def check_request(language: str, fmt: str) -> None:
    if language not in LANGUAGES:
        raise Problem(422, f"language must be one of {', '.join(LANGUAGES)}")
    if fmt not in FORMATS:
        raise Problem(422, f"format must be one of {', '.join(FORMATS)}")


def figures(session: Session, context: Context, code: str, day: date, disease: str) -> Gathered:
    """The report's figures for ``code`` on ``day`` (404 outside the scope)."""
    if disease not in context.profiles:
        raise Problem(422, f"no disease profile {disease}")
    return gather(session, context, code, day, disease)


def document(found: Gathered, language: str, fmt: str, base_url: str | None = None) -> Document:
    """The report as a file; a PDF's links start with ``base_url`` (default: the
    ``FIRELINE_SITREP_BASE_URL`` setting)."""
    check_request(language, fmt)
    s = found.sitrep
    name = f"sitrep-{s.place.code}-{s.report_date.isoformat()}-{language}.{fmt}"
    content = render.render(found, language, fmt, base_url or SitrepSettings().base_url)
    return Document(content, render.MEDIA_TYPES[fmt], name)


def archive(
    session: Session, context: Context, found: Gathered, language: str, fmt: str
) -> SitrepArchive:
    """Store one more version of the report (versions count per place, day, language
    and format, from 1)."""
    made = document(found, language, fmt)
    place = context.actor.jurisdiction(session, found.sitrep.place.code)
    latest = session.scalar(
        select(func.max(SitrepArchive.version)).where(
            SitrepArchive.jurisdiction_id == place.id,
            SitrepArchive.report_date == found.sitrep.report_date,
            SitrepArchive.language == language,
            SitrepArchive.format == fmt,
        )
    )
    row = SitrepArchive(
        jurisdiction_id=place.id,
        report_date=found.sitrep.report_date,
        language=language,
        format=fmt,
        version=(latest or 0) + 1,
        generated_at=context.now(),
        size_bytes=len(made.content),
        content=made.content,
    )
    session.add(row)
    session.flush()
    return row


def _read(row: SitrepArchive, code: str) -> ArchivedReport:
    return ArchivedReport(
        id=row.id,
        jurisdiction_code=code,
        report_date=row.report_date,
        language=row.language,
        format=row.format,
        version=row.version,
        generated_at=row.generated_at,
        size_bytes=row.size_bytes,
    )


ARCHIVE_LIST: Final = ListSpec(
    sorts={
        "newest": (SitrepArchive.report_date, SitrepArchive.version, SitrepArchive.id),
        "generated": (SitrepArchive.generated_at, SitrepArchive.id),
    },
    default_sort="newest",
    filters={
        "language": lambda v: SitrepArchive.language == v,
        "format": lambda v: SitrepArchive.format == v,
    },
)


def archived(
    session: Session, context: Context, code: str, query: ListQuery | None = None
) -> tuple[list[ArchivedReport], int]:
    """One page of the archived versions of ``code``'s own reports, newest day and
    version first by default, and how many there are."""
    context.actor.require("records:read")
    place: Jurisdiction = context.actor.jurisdiction(session, code)
    statement = select(SitrepArchive).where(SitrepArchive.jurisdiction_id == place.id)
    found, total = search_filter_sort_paginate(
        session, statement, ARCHIVE_LIST, query or ListQuery(limit=MAX_LISTED)
    )
    return [_read(row, code) for row in found], total


def archived_document(session: Session, context: Context, archive_id: int) -> Document:
    context.actor.require("records:read")
    row: SitrepArchive = context.actor.get(session, SitrepArchive, archive_id, "report")
    place = session.get(Jurisdiction, row.jurisdiction_id)
    code = place.code if place is not None else "report"
    name = f"sitrep-{code}-{row.report_date.isoformat()}-{row.language}-v{row.version}.{row.format}"
    return Document(row.content, render.MEDIA_TYPES[row.format], name)
