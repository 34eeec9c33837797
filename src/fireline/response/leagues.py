"""The league table as a user asks for it: in scope, for a period, and remembered when
it is slow to make.

At a wave's scale (600,000 cases, a busiest week of 100,000 confirmed) the province's
table takes seconds: each indicator looks at every confirmed case of two weeks. Such a
table is kept as a snapshot (``fireline.snapshots``), shown with its time, and
refreshed by the worker's ``refresh-figures`` job before it ages; a small deployment's
table is fast and always live (issue #17).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.context import Context
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.response.league import Cell, LeagueRow, league_table
from fireline.snapshots import service as snapshots

KIND = "league"


@dataclass(frozen=True)
class League:
    """A league table as asked for: whose children, which days, the rows, and the
    instant they were computed when they come from a snapshot (None: live)."""

    place: Jurisdiction
    start: date
    end: date
    rows: list[LeagueRow]
    as_of: datetime | None = None


def league_of(
    session: Session,
    context: Context,
    target: float,
    *,
    code: str | None = None,
    start: date | None = None,
    end: date | None = None,
    level: str | None = None,
) -> League:
    """The league table under the jurisdiction ``code`` in scope (default: the context's
    own) for ``start``..``end``, by default the 7 days to today in that jurisdiction."""
    actor = context.actor
    actor.require("records:read")
    place: Jurisdiction = (
        actor.jurisdiction(session, code)
        if code
        else actor.get(session, Jurisdiction, actor.jurisdiction_id, "jurisdiction")
    )
    end = end or context.today(place)
    start = start or end - timedelta(days=6)
    if start > end:
        raise Problem(422, "start is after end")
    now = context.now()
    found = snapshots.remembered(
        session,
        KIND,
        key_of(place.code, start, end, target, level),
        now,
        lambda: league_table(session, place, start, end, now, target, level),
        encode,
        decode,
        context.settings.snapshot_after_s,
    )
    return League(place, start, end, found.value, found.as_of)


LEVELS = ("province", "city", "county", "township")


def deeper_levels(session: Session, context: Context, place: Jurisdiction) -> list[str]:
    """The levels below ``place``'s children (e.g. every county of a province), which a
    league table can rank instead of the children."""
    statement = select(Jurisdiction.level).where(Jurisdiction.depth >= place.depth + 2)
    statement = context.actor.within(place).restrict(statement.distinct(), Jurisdiction)
    found = session.scalars(statement).all()
    return sorted(found, key=lambda level: LEVELS.index(level) if level in LEVELS else 99)


def key_of(code: str, start: date, end: date, target: float, level: str | None) -> str:
    return f"{code}|{start.isoformat()}|{end.isoformat()}|{target:g}|{level or ''}"


def encode(rows: list[LeagueRow]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def decode(payload: list[dict[str, Any]]) -> list[LeagueRow]:
    rows = []
    for item in payload:
        cells = {key: Cell(**cell) for key, cell in item.pop("cells").items()}
        rows.append(LeagueRow(**item, cells=cells))
    return rows


def refresh(session: Session, context: Context, target: float) -> int:
    """Recompute the league tables read lately and about to age; then, when the
    province's own table is slow to make, the default tables of the province and of
    every city, so that the first reader of the day does not wait. Returns how many."""
    now = context.now()

    def maker(key: str) -> Callable[[], list[dict[str, Any]]] | None:
        code, first, last, share, level = key.split("|")
        place = session.scalar(select(Jurisdiction).where(Jurisdiction.code == code))
        if place is None:
            return None
        start, end = date.fromisoformat(first), date.fromisoformat(last)
        return partial(_encoded, session, place, start, end, now, float(share), level or None)

    slow_s = context.settings.snapshot_after_s
    return snapshots.refresh_read(session, KIND, now, slow_s, maker) + _warm(
        session, context, target
    )


def _encoded(
    session: Session,
    place: Jurisdiction,
    start: date,
    end: date,
    now: datetime,
    target: float,
    level: str | None,
) -> list[dict[str, Any]]:
    return encode(league_table(session, place, start, end, now, target, level))


def _warm(session: Session, context: Context, target: float) -> int:
    """The default table (children, the last 7 days) of the province and its cities,
    through ``league_of``: each is stored only if it is slow to make."""
    places = session.scalars(
        select(Jurisdiction).where(Jurisdiction.depth <= 1).order_by(Jurisdiction.depth)
    ).all()
    done = 0
    for place in places:
        found = league_of(session, context, target, code=place.code)
        done += 1
        if place.depth == 0 and found.as_of is None and not _stored(session, found, target):
            return done  # fast enough to be live: the cities are faster still
    return done


def _stored(session: Session, found: League, target: float) -> bool:
    key = key_of(found.place.code, found.start, found.end, target, None)
    return snapshots.stored(session, KIND, key)
