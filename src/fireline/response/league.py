"""The league table: the child jurisdictions of a jurisdiction, ranked on each indicator.

Contact tracing indicators follow the Resolve to Save Lives contact tracing
playbook ("Contact tracing key performance indicators", RTSL / Vital Strategies,
2020), each a share of new confirmed cases (or of new contacts) over the period;
the 7-1-7 shares follow Frieden et al. 2021 (metrics.py). Source dates are days
(a case's report date, an order's start date), so "within 24 h" is read as "on
the same or the next calendar day" throughout. Each indicator is one grouped
query for all children at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased

from fireline.db.sqlfn import day_diff
from fireline.lab.models import Sample
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import ISSUED_STATUSES, QuarantineOrder
from fireline.response.lights import utc
from fireline.response.metrics import seven_one_seven, timelines
from fireline.response.models import Response, ResponseTask
from fireline.response.ranking import is_small, rank_score
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact, TransmissionLink


@dataclass(frozen=True)
class Indicator:
    key: str
    higher_is_better: bool
    is_share: bool = True


INDICATORS = (
    Indicator("reported_24h", True),
    Indicator("interviewed_24h", True),
    Indicator("contacts_quarantined_24h", True),
    Indicator("cases_known_contacts", True),
    Indicator("cases_in_quarantine", True),
    Indicator("cases_unlinked", False),
    Indicator("detect_7d", True),
    Indicator("notify_1d", True),
    Indicator("respond_7d", True),
    Indicator("overdue_tasks", False, is_share=False),
)

Counts = dict[int, tuple[int, int]]  # child id -> (numerator, denominator)


@dataclass
class Cell:
    value: float | None
    numerator: int
    denominator: int
    previous: float | None = None
    rank: int | None = None
    red: bool = False
    small: bool = False  # a share on fewer than ranking.MIN_DENOMINATOR events

    @property
    def trend(self) -> float | None:
        """Change since the previous period of the same length."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class LeagueRow:
    jurisdiction_id: int
    code: str
    name_en: str
    name_zh: str
    cells: dict[str, Cell] = field(default_factory=dict)
    rank: int | None = None


def ranked(parent: Jurisdiction, level: str | None) -> Any:
    """Who is ranked: the children of ``parent``, or its descendants at ``level``."""
    if level is None:
        return Jurisdiction.parent_id == parent.id
    return and_(
        Jurisdiction.level == level,
        Jurisdiction.path >= parent.path,
        Jurisdiction.path < parent.path + "~",
    )


def _children(session: Session, parent: Jurisdiction, level: str | None) -> Any:
    """jurisdiction id -> ranked id, for every jurisdiction under a ranked one."""
    place = aliased(Jurisdiction)
    child = select(Jurisdiction.id, Jurisdiction.path).where(ranked(parent, level)).subquery()
    return (
        select(place.id.label("place_id"), child.c.id.label("child_id"))
        .join(child, and_(place.path >= child.c.path, place.path < child.c.path + "~"))
        .subquery()
    )


def _share(ok: ColumnElement[bool], counted: ColumnElement[bool] | None = None) -> list[Any]:
    numerator = func.sum(case((ok, 1), else_=0))
    denominator = func.sum(case((counted, 1), else_=0)) if counted is not None else func.count()
    return [numerator, denominator]


def _within_a_day(start: Any, end: Any) -> ColumnElement[bool]:
    return day_diff(start, end) <= 1


def _case_columns() -> list[Any]:
    first_sample = (
        select(func.min(Sample.collected_at))
        .where(Sample.person_id == Case.person_id, Sample.disease == Case.disease)
        .scalar_subquery()
    )
    interview_task = (
        select(func.min(ResponseTask.completed_at))
        .where(ResponseTask.case_id == Case.id, ResponseTask.type == "interview_case")
        .scalar_subquery()
    )
    first_listed = (
        select(func.min(Contact.listed_at)).where(Contact.case_id == Case.id).scalar_subquery()
    )
    interviewed = func.coalesce(interview_task, first_listed)
    known = exists().where(
        Contact.person_id == Case.person_id, day_diff(Contact.listed_at, Case.date_reporting) >= 0
    )
    quarantined = exists().where(
        QuarantineOrder.person_id == Case.person_id,
        QuarantineOrder.contact_id.is_not(None),
        QuarantineOrder.status.in_(ISSUED_STATUSES),  # a proposal held nobody
        QuarantineOrder.start_date <= Case.date_reporting,
        QuarantineOrder.end_date >= Case.date_reporting,
    )
    linked = exists().where(TransmissionLink.infectee_case_id == Case.id)
    return [
        *_share(_within_a_day(first_sample, Case.date_reporting), first_sample.is_not(None)),
        *_share(interviewed.is_not(None) & _within_a_day(Case.date_reporting, interviewed)),
        *_share(known),
        *_share(quarantined),
        *_share(~linked & ~known & ~Case.imported),
    ]


CASE_KEYS = (
    "reported_24h",
    "interviewed_24h",
    "cases_known_contacts",
    "cases_in_quarantine",
    "cases_unlinked",
)


def _case_counts(session: Session, children: Any, start: date, end: date) -> dict[str, Counts]:
    statement = (
        select(children.c.child_id, *_case_columns())
        .select_from(Case)
        .join(children, children.c.place_id == Case.jurisdiction_id)
        .where(
            Case.classification == "confirmed",
            Case.date_reporting >= start,
            Case.date_reporting <= end,
        )
        .group_by(children.c.child_id)
    )
    out: dict[str, Counts] = {key: {} for key in CASE_KEYS}
    for row in session.execute(statement):
        for i, key in enumerate(CASE_KEYS):
            out[key][row[0]] = (int(row[1 + 2 * i] or 0), int(row[2 + 2 * i] or 0))
    return out


def _instant(day: date) -> datetime:
    return utc(datetime.combine(day, time()))


def _contact_counts(session: Session, children: Any, start: date, end: date) -> Counts:
    ordered = exists().where(
        QuarantineOrder.contact_id == Contact.id,
        QuarantineOrder.status.in_(ISSUED_STATUSES),
        _within_a_day(Contact.listed_at, QuarantineOrder.start_date),
    )
    statement = (
        select(children.c.child_id, *_share(ordered))
        .select_from(Contact)
        .join(children, children.c.place_id == Contact.jurisdiction_id)
        .where(
            Contact.listed_at >= _instant(start),
            Contact.listed_at < _instant(end + timedelta(days=1)),
        )
        .group_by(children.c.child_id)
    )
    return {c: (int(n or 0), int(d or 0)) for c, n, d in session.execute(statement)}


def _response_counts(
    session: Session, children: Any, start: date, end: date, today: date
) -> dict[str, Counts]:
    """Shares of the period's responses that met each 7-1-7 target (decided ones only)."""
    found = timelines(
        session,
        Response.jurisdiction_id.in_(select(children.c.place_id)),
        Response.opened_at >= _instant(start),
        Response.opened_at < _instant(end + timedelta(days=1)),
    )
    pairs = session.execute(select(children.c.place_id, children.c.child_id))
    mapping = {int(place): int(child) for place, child in pairs}
    out: dict[str, Counts] = {"detect_7d": {}, "notify_1d": {}, "respond_7d": {}}
    for jurisdiction_id, timeline in found.values():
        child = mapping[jurisdiction_id]
        for key, interval in zip(out, seven_one_seven(timeline, today), strict=True):
            if interval.met is not None:
                met, total = out[key].get(child, (0, 0))
                out[key][child] = (met + int(interval.met), total + 1)
    return out


def _overdue_counts(session: Session, children: Any, now: datetime) -> Counts:
    """Overdue open tasks per ranked place, counted per owner first (an index-only scan
    of ``ix_response_tasks_open_owner``) so that only the owners meet the children."""
    per_owner = (
        select(ResponseTask.owner_id, func.count().label("n"))
        .where(ResponseTask.status == "open", ResponseTask.due_at <= utc(now))
        .group_by(ResponseTask.owner_id)
        .subquery()
    )
    statement = (
        select(children.c.child_id, func.sum(per_owner.c.n))
        .join(per_owner, children.c.place_id == per_owner.c.owner_id)
        .group_by(children.c.child_id)
    )
    return {c: (int(n), 1) for c, n in session.execute(statement)}


def overdue_by_child(session: Session, parent: Jurisdiction, now: datetime) -> dict[int, int]:
    """The league table's "overdue tasks now" per child of ``parent``, by child id."""
    found = _overdue_counts(session, _children(session, parent, None), now)
    return {child: n for child, (n, _) in found.items()}


def period_counts(
    session: Session,
    parent: Jurisdiction,
    start: date,
    end: date,
    now: datetime,
    level: str | None = None,
    *,
    overdue: bool = True,
) -> dict[str, Counts]:
    """Every indicator's (numerator, denominator) per ranked jurisdiction for one period;
    the overdue count is the same for any period (it is read at ``now``), so a caller that
    has it already passes ``overdue=False``."""
    children = _children(session, parent, level)
    counts = _case_counts(session, children, start, end)
    counts["contacts_quarantined_24h"] = _contact_counts(session, children, start, end)
    counts.update(_response_counts(session, children, start, end, now.date()))
    counts["overdue_tasks"] = _overdue_counts(session, children, now) if overdue else {}
    return counts


def _cell(indicator: Indicator, counts: tuple[int, int] | None) -> Cell:
    numerator, denominator = counts or (0, 0)
    if not indicator.is_share:
        return Cell(float(numerator), numerator, denominator)
    value = numerator / denominator if denominator else None
    return Cell(value, numerator, denominator, small=is_small(denominator))


def _is_red(indicator: Indicator, value: float | None, target: float) -> bool:
    if value is None:
        return False
    if not indicator.is_share:
        return value > 0
    return value < target if indicator.higher_is_better else value > 1 - target


def _has_activity(row: LeagueRow) -> bool:
    """A place with no case, contact or task in the period has nothing to be ranked on."""
    shares = [i for i in INDICATORS if i.is_share]
    return any(row.cells[i.key].value is not None for i in shares)


def _score(indicator: Indicator, cell: Cell) -> float | None:
    """What a cell ranks on, larger being better: a share's Wilson bound (ranking.py), so
    that 1 of 1 does not come first; a count (overdue tasks) as it is, fewer being better."""
    if cell.value is None:
        return None
    if not indicator.is_share:
        return -cell.value
    return rank_score(cell.numerator, cell.denominator, indicator.higher_is_better)


def _rank(rows: list[LeagueRow]) -> None:
    """Competition ranking per indicator (1, 2, 2, 4), then overall by the mean rank.

    Only places with activity in the period are ranked; the others keep no rank and
    come last, so a quiet county is not "first" on an overdue count of zero.
    """
    active = [r for r in rows if _has_activity(r)]
    for indicator in INDICATORS:
        scores = [_score(indicator, r.cells[indicator.key]) for r in active]
        for row, score in zip(active, scores, strict=True):
            if score is not None:
                row.cells[indicator.key].rank = 1 + sum(
                    1 for s in scores if s is not None and s > score + 1e-12
                )

    def mean_rank(row: LeagueRow) -> float:
        ranks = [c.rank for c in row.cells.values() if c.rank is not None]
        return sum(ranks) / len(ranks) if ranks else float("inf")

    ordered = sorted(active, key=lambda r: (mean_rank(r), r.code))
    for position, row in enumerate(ordered, start=1):
        row.rank = position
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.code))


def league_table(
    session: Session,
    parent: Jurisdiction,
    start: date,
    end: date,
    now: datetime,
    target: float,
    level: str | None = None,
) -> list[LeagueRow]:
    """The children of ``parent`` (or its descendants at ``level``) on every indicator for
    ``start``..``end`` (inclusive), with the previous period of the same length for the trend."""
    children = session.scalars(
        select(Jurisdiction).where(ranked(parent, level)).order_by(Jurisdiction.code)
    ).all()
    length = timedelta(days=(end - start).days + 1)
    current = period_counts(session, parent, start, end, now, level)
    before = period_counts(
        session, parent, start - length, start - timedelta(days=1), now, level, overdue=False
    )
    rows = []
    for child in children:
        row = LeagueRow(child.id, child.code, child.name_en, child.name_zh)
        for indicator in INDICATORS:
            cell = _cell(indicator, current[indicator.key].get(child.id))
            if indicator.is_share:
                cell.previous = _cell(indicator, before[indicator.key].get(child.id)).value
            cell.red = _is_red(indicator, cell.value, target)
            row.cells[indicator.key] = cell
        rows.append(row)
    _rank(rows)
    return rows


def response_indicators(
    session: Session,
    parent: Jurisdiction,
    start: date,
    end: date,
    now: datetime,
    level: str | None = None,
) -> tuple[list[Jurisdiction], dict[str, Counts]]:
    """The ranked places and their 7-1-7 shares and overdue tasks alone, counted as the
    league table counts them, without its case and contact indicators (the daily
    situation report's columns: at 600,000 cases those take most of the table's time)."""
    ranked_places = session.scalars(
        select(Jurisdiction).where(ranked(parent, level)).order_by(Jurisdiction.code)
    ).all()
    children = _children(session, parent, level)
    counts = _response_counts(session, children, start, end, now.date())
    counts["overdue_tasks"] = _overdue_counts(session, children, now)
    return list(ranked_places), counts
