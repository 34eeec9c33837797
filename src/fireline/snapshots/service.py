"""Read-through snapshots of slow figures, kept fresh by the worker.

A figure that took longer than ``SLOW`` to compute is stored with its instant; the next
reader within ``max_age`` gets the stored one and is told its age ("as of 10:05"). The
worker's ``refresh-figures`` job recomputes every key read in the last ``READ_WITHIN``
before it ages, so readers rarely wait. Figures that are fast to compute are never
stored: a small deployment (the SQLite demo) reads them live, as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fireline.db.base import as_utc
from fireline.snapshots.models import FigureSnapshot

T = TypeVar("T")
# At a 600,000-case wave a refresh remade 189 read figures, 150 s of work: every 4
# minutes that was 60 % of one of two cores, beside the pages (docs/benchmarks.md, "The
# second pass on the wave"). Weekly indicators and tiles a few minutes older cost less.
MAX_AGE: Final = timedelta(minutes=25)
REFRESH_EVERY: Final = timedelta(minutes=10)  # the job's period; before MAX_AGE is reached
READ_WITHIN: Final = timedelta(hours=1)
# A read is recorded at most this often per key, so that readers do not write each time.
TOUCH_AFTER: Final = timedelta(minutes=1)


@dataclass(frozen=True)
class Remembered(Generic[T]):
    """A figure, and the instant it was computed when it is not live."""

    value: T
    as_of: datetime | None  # None: computed for this reader


def _row(session: Session, kind: str, key: str) -> FigureSnapshot | None:
    return session.scalar(
        select(FigureSnapshot).where(FigureSnapshot.kind == kind, FigureSnapshot.key == key)
    )


def store(
    session: Session,
    kind: str,
    key: str,
    payload: Any,
    now: datetime,
    seconds: float,
    *,
    read: bool = True,
) -> None:
    """Insert or replace the snapshot of ``kind``/``key`` in one statement (two workers
    computing the same key at once both succeed; the later one stays). A refresh by the
    worker (``read=False``) keeps the last read, so unread keys still age out."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = FigureSnapshot.__table__
    values = {"payload": payload, "computed_at": now, "seconds": seconds}
    insert = dialect.insert(table).values(kind=kind, key=key, read_at=now, **values)
    changed = {**values, "read_at": now} if read else values
    session.execute(
        insert.on_conflict_do_update(index_elements=[table.c.kind, table.c.key], set_=changed)
    )


def remembered(
    session: Session,
    kind: str,
    key: str,
    now: datetime,
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
    slow_s: float,
) -> Remembered[T]:
    """The stored figure of ``kind``/``key`` if younger than ``MAX_AGE``, else computed
    now (and stored when it took ``slow_s`` or more, or when an older one was stored)."""
    row = _row(session, kind, key)
    if row is not None and as_utc(row.computed_at) > now - MAX_AGE:
        if as_utc(row.read_at) < now - TOUCH_AFTER:
            row.read_at = now
        return Remembered(decode(row.payload), as_utc(row.computed_at))
    began = time.perf_counter()
    value = compute()
    seconds = time.perf_counter() - began
    if seconds >= slow_s or row is not None:
        store(session, kind, key, encode(value), now, seconds)
    return Remembered(value, None)


def keys_to_refresh(session: Session, kind: str, now: datetime) -> list[str]:
    """Keys of ``kind`` read in the last ``READ_WITHIN`` and computed before the last
    refresh period: what the worker recomputes. Older unread ones are dropped."""
    stale = session.scalars(
        select(FigureSnapshot).where(
            FigureSnapshot.kind == kind, FigureSnapshot.read_at < now - READ_WITHIN
        )
    ).all()
    for row in stale:
        session.delete(row)
    return list(
        session.scalars(
            select(FigureSnapshot.key)
            .where(
                FigureSnapshot.kind == kind,
                FigureSnapshot.read_at >= now - READ_WITHIN,
                FigureSnapshot.computed_at < now - REFRESH_EVERY + timedelta(seconds=30),
            )
            .order_by(FigureSnapshot.key)
        )
    )


def refresh(
    session: Session,
    kind: str,
    key: str,
    now: datetime,
    compute: Callable[[], Any],
    slow_s: float,
) -> None:
    """Recompute one key's payload (``compute`` returns it encoded) and store it; if it
    took less than ``slow_s`` the snapshot goes instead and readers count it live again:
    a figure stored because a busy server made it slow is not refreshed for ever."""
    began = time.perf_counter()
    payload = compute()
    seconds = time.perf_counter() - began
    if seconds < slow_s:
        row = _row(session, kind, key)
        if row is not None:
            session.delete(row)
        return
    store(session, kind, key, payload, now, seconds, read=False)


def refresh_read(
    session: Session,
    kind: str,
    now: datetime,
    slow_s: float,
    maker: Callable[[str], Callable[[], Any] | None],
) -> int:
    """The worker's pass over one kind: every key read lately and about to age is made
    again by ``maker(key)`` (a payload-making call, or None when the key's place or
    campaign is gone) and stored through :func:`refresh`. Returns how many were made."""
    done = 0
    for key in keys_to_refresh(session, kind, now):
        compute = maker(key)
        if compute is not None:
            refresh(session, kind, key, now, compute, slow_s)
            done += 1
    return done


def stored(session: Session, kind: str, key: str) -> bool:
    return _row(session, kind, key) is not None
