"""The worker's daily report: the province root's report for yesterday, in every
archived language and both formats, each stored as a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.context import Context
from fireline.db.engine import transaction
from fireline.places.models import Jurisdiction
from fireline.reports.sitrep import service
from fireline.reports.sitrep.models import FORMATS
from fireline.reports.sitrep.settings import SitrepSettings


@dataclass(frozen=True)
class Archived:
    code: str
    versions: int


def run_once(
    sessions: sessionmaker[Session], context: Context, settings: SitrepSettings | None = None
) -> Archived:
    """Generate and archive the root's report for yesterday in its time zone."""
    chosen = settings or SitrepSettings()
    languages = [x.strip() for x in chosen.languages.split(",") if x.strip()]
    with transaction(sessions) as session:
        root = session.scalars(select(Jurisdiction).where(Jurisdiction.depth == 0)).first()
        if root is None:
            return Archived("", 0)
        day = context.today(root) - timedelta(days=1)
        found = service.figures(session, context, root.code, day, chosen.disease)
        for language in languages:
            for fmt in FORMATS:
                service.archive(session, context, found, language, fmt)
        return Archived(root.code, len(languages) * len(FORMATS))
