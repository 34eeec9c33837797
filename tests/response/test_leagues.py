"""The league table as asked for: a slow one is remembered, told as of when, and
refreshed by the worker; a fast one stays live."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.response import leagues
from fireline.response.league import league_table
from fireline.settings import Settings
from fireline.snapshots.models import FigureSnapshot
from fireline.snapshots.service import REFRESH_EVERY
from tests.places.factories import small_tree
from tests.response.factories import add_case, context_at

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
START, END = date(2026, 3, 4), date(2026, 3, 10)


def _remembering(moment: datetime) -> Context:
    """A context whose every league table counts as slow: each one is remembered."""
    return replace(context_at(moment), settings=Settings(snapshot_after_s=0))


def test_a_remembered_table_reads_back_the_same_rows_with_its_time(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"], reported=date(2026, 3, 8), entered=NOW - timedelta(days=2))
    first = leagues.league_of(session, _remembering(NOW), 0.8, code="C1")
    assert first.as_of is None  # computed for this reader
    again = leagues.league_of(session, _remembering(NOW + timedelta(minutes=3)), 0.8, code="C1")
    assert again.as_of == NOW and again.rows == first.rows
    live = league_table(session, tree["C1"], START, END, NOW, 0.8)
    assert again.rows == live


def test_a_fast_table_is_live(session: Session) -> None:
    small_tree(session)
    fast = replace(context_at(NOW), settings=Settings(snapshot_after_s=3600))
    assert leagues.league_of(session, fast, 0.8, code="C1").as_of is None
    assert session.scalars(select(FigureSnapshot)).all() == []


def test_the_worker_refreshes_a_read_table_with_the_new_cases(session: Session) -> None:
    tree = small_tree(session)
    before = leagues.league_of(session, _remembering(NOW), 0.8, code="C1")
    add_case(session, tree["C1B"], reported=date(2026, 3, 9), entered=NOW - timedelta(days=1))
    later = NOW + REFRESH_EVERY
    assert leagues.refresh(session, _remembering(later), 0.8) >= 1
    after = leagues.league_of(session, _remembering(later + timedelta(minutes=1)), 0.8, code="C1")
    assert after.as_of == later
    reported = {r.code: r.cells["cases_known_contacts"].denominator for r in after.rows}
    assert reported["C1B"] == 1
    assert {r.code: r.cells["cases_known_contacts"].denominator for r in before.rows}["C1B"] == 0
