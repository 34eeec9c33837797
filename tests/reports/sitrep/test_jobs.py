"""The worker's daily report: each run archives a new version of the root's report."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.reports.sitrep import jobs, service
from fireline.reports.sitrep.models import SitrepArchive
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.settings import Settings
from fireline.worker.scheduler import find
from tests.reports.sitrep.factories import DAY, outbreak

MORNING = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)  # 07:00 on 11 March in Hangzhou


def test_each_run_archives_a_new_version(session: Session, sessions: sessionmaker[Session]) -> None:
    outbreak(session)
    context = Context.build(system_actor(), Settings(), FrozenClock(MORNING))
    only_english = SitrepSettings(languages="en")
    first = jobs.run_once(sessions, context, only_english)
    assert (first.code, first.versions) == ("P", 2)
    jobs.run_once(sessions, context, only_english)
    rows = session.scalars(select(SitrepArchive).order_by(SitrepArchive.id)).all()
    assert [(r.report_date, r.format, r.version) for r in rows] == [
        (DAY, "pdf", 1),
        (DAY, "html", 1),
        (DAY, "pdf", 2),
        (DAY, "html", 2),
    ]
    assert rows[0].content.startswith(b"%PDF") and b"Daily situation report" in rows[1].content
    listed, total = service.archived(session, context, "P")
    assert total == 4
    assert [(a.version, a.format) for a in listed[:2]] == [(2, "html"), (2, "pdf")]
    stored = service.archived_document(session, context, rows[1].id)
    assert stored.content == rows[1].content
    job = find("daily-sitrep")
    assert job is not None and "situation report" in job.help
