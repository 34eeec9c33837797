"""The sweep killed mid-run (its connection ended by the server) resumes on the next
run with no duplicate response, task, event or notification."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from fireline.response.jobs import run_once
from fireline.settings import Settings
from tests.conftest import BACKENDS
from tests.db.factories import resumed_equals_uninterrupted
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings


def _cases(session: Session) -> None:
    tree = small_tree(session)
    for place in ("C1A", "C1A", "C2B"):
        add_case(session, tree[place])


def _sweep_at(hours: int):  # type: ignore[no-untyped-def]
    def job(sessions: sessionmaker[Session]) -> object:
        return run_once(sessions, T0 + timedelta(hours=hours), Settings(), settings())

    return job


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_interrupted_sweep_resumes_without_duplicates(backend: str, tmp_path: Path) -> None:
    counts = resumed_equals_uninterrupted(
        backend,
        tmp_path,
        _cases,
        [
            (_sweep_at(0), r"INSERT INTO response_tasks"),  # opening: tasks after responses
            (_sweep_at(3), r"INSERT INTO response_notifications"),  # escalation
        ],
    )
    assert counts["responses"] == 3 and counts["response_tasks"] == 24
    assert counts["response_notifications"] == 6
