"""Remembered figures: stored when slow, read while young, refreshed while read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.snapshots import service
from fireline.snapshots.models import FigureSnapshot

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


class Counter:
    """A computation that says how often it ran and returns a new value each time."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, int]:
        self.calls += 1
        return {"cases": 100 + self.calls}


def _read(session: Session, compute: Counter, now: datetime, slow_s: float = 0.0) -> object:
    return service.remembered(
        session, "league", "P|week", now, compute, lambda v: v, lambda v: v, slow_s
    )


def test_a_fast_figure_is_live_and_never_stored(session: Session) -> None:
    compute = Counter()
    first = _read(session, compute, NOW, slow_s=3600)
    second = _read(session, compute, NOW, slow_s=3600)
    assert first == service.Remembered({"cases": 101}, None)
    assert second == service.Remembered({"cases": 102}, None)
    assert session.scalars(select(FigureSnapshot)).all() == []


def test_a_slow_figure_is_read_from_its_snapshot_until_it_ages(session: Session) -> None:
    compute = Counter()
    assert _read(session, compute, NOW) == service.Remembered({"cases": 101}, None)
    later = NOW + service.MAX_AGE - timedelta(seconds=1)
    assert _read(session, compute, later) == service.Remembered({"cases": 101}, NOW)
    assert compute.calls == 1
    aged = NOW + service.MAX_AGE + timedelta(seconds=1)
    # Aged: computed again for this reader and stored, even if it was fast this time.
    assert _read(session, compute, aged, slow_s=3600) == service.Remembered({"cases": 102}, None)
    assert _read(session, compute, aged, slow_s=3600).as_of == aged  # type: ignore[attr-defined]


def test_the_worker_refreshes_what_was_read_and_drops_what_was_not(session: Session) -> None:
    for key in ("read", "unread"):
        service.store(session, "league", key, {"v": 1}, NOW, 2.0)
    session.flush()
    soon = NOW + timedelta(minutes=2)
    assert service.keys_to_refresh(session, "league", soon) == []  # young: nothing to do
    due = NOW + service.REFRESH_EVERY
    assert service.keys_to_refresh(session, "league", due) == ["read", "unread"]
    service.refresh(session, "league", "read", due, lambda: {"v": 2}, slow_s=0.0)
    row = session.scalars(select(FigureSnapshot).where(FigureSnapshot.key == "read")).one()
    session.refresh(row)
    assert row.payload == {"v": 2} and row.computed_at == due
    assert row.read_at == NOW  # a refresh is not a read
    # Keys read in the last hour stay ("read" by a store, "P|week" by a reader);
    # "unread" goes once nobody has read it for an hour.
    _read(session, Counter(), NOW + service.READ_WITHIN - timedelta(minutes=1))
    service.store(session, "league", "read", {"v": 3}, NOW + service.READ_WITHIN, 2.0)
    past = NOW + service.READ_WITHIN + timedelta(minutes=1)
    service.keys_to_refresh(session, "league", past)
    session.flush()
    left = session.scalars(select(FigureSnapshot.key).order_by(FigureSnapshot.key)).all()
    assert left == ["P|week", "read"]


def test_a_refresh_that_is_fast_now_drops_the_snapshot(session: Session) -> None:
    """Stored while a busy server made it slow, a figure that is quick to make on a
    refresh goes back to being counted live."""
    service.store(session, "league", "busy", {"v": 1}, NOW, 2.0)
    session.flush()
    service.refresh(session, "league", "busy", NOW + service.REFRESH_EVERY, dict, slow_s=60.0)
    session.flush()
    assert not service.stored(session, "league", "busy")


def test_the_workers_pass_makes_each_key_read_lately_unless_its_subject_is_gone(
    session: Session,
) -> None:
    for key in ("kept", "gone"):
        service.store(session, "campaign", key, {"v": 1}, NOW, 2.0)
    session.flush()
    due = NOW + service.REFRESH_EVERY

    def maker(key: str) -> object:
        return None if key == "gone" else (lambda: {"v": 2})

    assert service.refresh_read(session, "campaign", due, 0.0, maker) == 1  # type: ignore[arg-type]
    session.flush()
    rows = {r.key: r.payload for r in session.scalars(select(FigureSnapshot))}
    assert rows == {"kept": {"v": 2}, "gone": {"v": 1}}
