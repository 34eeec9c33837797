"""The scheduled purge: a dry run, then the purge, each audited; killed mid-way, it resumes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.models import AuditEvent
from fireline.retention.jobs import run_once
from tests.conftest import BACKENDS
from tests.db.factories import resumed_equals_uninterrupted
from tests.response.factories import context_at
from tests.retention.factories import NOW, retention_world


def test_the_job_counts_then_purges(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        retention_world(session)
    assert run_once(sessions, context_at(NOW)).pseudonymised == 2
    assert run_once(sessions, context_at(NOW)).eligible == 0
    with sessions() as session:
        runs = session.scalars(
            select(AuditEvent.detail)
            .where(AuditEvent.action == "retention_purge")
            .order_by(AuditEvent.id)
        ).all()
    assert [(r["dry_run"], r["eligible"]) for r in runs] == [(True, 2), (False, 2), (True, 0)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_interrupted_purge_resumes(backend: str, tmp_path: Path) -> None:
    counts = resumed_equals_uninterrupted(
        backend,
        tmp_path,
        retention_world,
        [(lambda sessions: run_once(sessions, context_at(NOW)), r"^\s*UPDATE persons")],
        committed_before_the_kill=("audit_events",),  # the killed run's dry run stays
    )
    assert counts["audit_events"] == 3  # dry run + purge, then a dry run finding nobody
