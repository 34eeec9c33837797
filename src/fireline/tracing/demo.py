"""Interviews for the demo's cases, in one INSERT ... SELECT (the simulator writes the
contacts and links; the demo calls :func:`add_interviews` after loading them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, ColumnElement, case, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from fireline.surveillance.models import Case
from fireline.tracing.models import Interview


def add_interviews(session: Session, now: datetime | None = None) -> int:
    """A completed interview for every case that has none: onset from the case, fever
    for cases with an onset (every shipped profile lists fever), isolated on the report day."""
    at = now or datetime.now(UTC)
    # SQLite stores JSON as text (CAST AS JSON would give a number); PostgreSQL needs it.
    postgres = session.get_bind().dialect.name == "postgresql"

    def json(text: str) -> ColumnElement[object]:
        return cast(literal(text), JSON) if postgres else literal(text)

    symptoms = case((Case.date_onset.is_not(None), json('["fever"]')), else_=json("[]"))
    missing = ~select(Interview.id).where(Interview.case_id == Case.id).exists()
    source = select(
        Case.id,
        Case.jurisdiction_id,
        literal("completed"),
        Case.date_onset,
        symptoms,
        Case.date_reporting,
        literal(1),
        literal(at),
        literal(at),
        literal(at),
    ).where(missing)
    columns = [
        "case_id",
        "jurisdiction_id",
        "status",
        "date_onset",
        "symptoms",
        "date_isolation",
        "version",
        "completed_at",
        "created_at",
        "updated_at",
    ]
    before = interview_count(session)
    session.execute(insert(Interview).from_select(columns, source))
    return interview_count(session) - before


def interview_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Interview)) or 0)
