"""Daily case counts for every jurisdiction of the tree, from one grouped query.

Counts are taken where cases are reported and summed up the tree level by
level, so a province, its cities and its counties all get a
series without a query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy import Date, func, literal, select
from sqlalchemy.orm import Session

from fireline.db.sqlfn import day_diff
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case

# Cases that count for signals: EARS and Farrington monitor reported cases;
# discarded and merely suspected reports would raise alarms on noise.
SIGNAL_CLASSIFICATIONS = ("confirmed", "probable")


@dataclass(frozen=True)
class TreeSeries:
    """``counts[i, d]``: cases of ``jurisdiction_ids[i]``'s subtree on ``first + d`` days."""

    jurisdiction_ids: list[int]
    first: date
    counts: npt.NDArray[np.int64]


def _roll_up(
    own: npt.NDArray[np.int64], parent: list[int], depth: list[int]
) -> npt.NDArray[np.int64]:
    """Add every row into its parent's, deepest level first: O(places x days)."""
    total = own.copy()
    parents = np.asarray(parent)
    depths = np.asarray(depth)
    for level in range(int(depths.max(initial=0)), 0, -1):
        rows = np.flatnonzero((depths == level) & (parents >= 0))
        np.add.at(total, parents[rows], total[rows])
    return total


def _tree(session: Session) -> list[tuple[int, int | None, int]]:
    statement = select(Jurisdiction.id, Jurisdiction.parent_id, Jurisdiction.depth)
    return [(j, p, d) for j, p, d in session.execute(statement.order_by(Jurisdiction.path))]


def _series(session: Session, disease: str, first: date, end: date, period: int) -> TreeSeries:
    """Cases counted per jurisdiction and ``period``-day bin from ``first`` to ``end``,
    binned and grouped by the database (one row per place and bin, not per case)."""
    tree = _tree(session)
    position = {jid: i for i, (jid, _, _) in enumerate(tree)}
    offset = day_diff(literal(first, Date()), Case.date_reporting)
    bin_ = offset if period == 1 else offset // period
    rows = session.execute(
        select(Case.jurisdiction_id, bin_, func.count())
        .where(
            Case.disease == disease,
            Case.classification.in_(SIGNAL_CLASSIFICATIONS),
            Case.date_reporting >= first,
            Case.date_reporting <= end,
        )
        .group_by(Case.jurisdiction_id, bin_)
    ).all()
    own = np.zeros((len(tree), ((end - first).days + 1) // period), dtype=np.int64)
    if rows:
        places, bins, n = (np.asarray(column, dtype=np.int64) for column in zip(*rows, strict=True))
        np.add.at(own, (np.array([position[p] for p in places]), bins), n)
    parent = [position.get(pid, -1) if pid is not None else -1 for _, pid, _ in tree]
    counts = _roll_up(own, parent, [depth for _, _, depth in tree])
    return TreeSeries([jid for jid, _, _ in tree], first, counts)


def daily_by_jurisdiction(session: Session, disease: str, end: date, days: int) -> TreeSeries:
    """Reported confirmed and probable cases per day over ``days`` days ending on ``end``."""
    first = end - timedelta(days=days - 1)
    return _series(session, disease, first, end, 1)


def weekly_by_jurisdiction(
    session: Session, disease: str, last_day: date, weeks: int
) -> TreeSeries:
    """Reported confirmed and probable cases per week over ``weeks`` weeks whose last
    ends on ``last_day``, the days binned into weeks by the database."""
    first = last_day - timedelta(days=7 * weeks - 1)
    return _series(session, disease, first, last_day, 7)


def reporting_spans(session: Session) -> dict[str, tuple[date, date]]:
    """Each disease's first and last report date of a counted case: how much history
    the weekly methods have (one grouped query)."""
    rows = session.execute(
        select(Case.disease, func.min(Case.date_reporting), func.max(Case.date_reporting))
        .where(Case.classification.in_(SIGNAL_CLASSIFICATIONS))
        .group_by(Case.disease)
    ).all()
    return {disease: (first, last) for disease, first, last in rows}


def diseases_with_cases(session: Session, since: date) -> list[str]:
    statement = select(Case.disease).where(Case.date_reporting >= since).distinct()
    return sorted(session.scalars(statement))
