"""What the system computes for a zone: its residents, its last case, the earliest day it
may step down or lift, and what is still missing.

Residents are persons living in the zone's jurisdiction subtree whose address starts
with one of the zone's address entries (a compound's address takes in its buildings
and rooms). Persons carry no coordinates, so an outline alone finds nobody: a zone
drawn only as a polygon has no known residents and its clean days count from the
start of its level; the status says so.

Counting (9th plan, see levels.yaml): the clean days start the day after the later of
the last case among residents (confirmed or probable, by report date) and the last
positive screening round, and never before the level began. The zone may step down
the day after its last clean day; a required negative round must be dated on the last
clean day or later (the plan's "on day 7").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.zones.levels import LevelRule, Levels, Rule
from fireline.zones.models import Zone, ZoneChange, ZoneRound
from fireline.zones.schemas import Missing, ZoneStatus

# New infections of the plan ("新增感染者"): confirmed cases and, as Fireline classifies
# them, probable ones; suspected cases are not yet infections and may be discarded.
COUNTED: Final = ("confirmed", "probable")


def resident_filter(session: Session, zone: Zone) -> ColumnElement[bool]:
    """Persons of the zone (see the module's note); nobody when it lists no address."""
    entries = zone.addresses or []
    if not entries:
        return false()
    # The zone's whole subtree, whoever reads the zone (it was read in their scope).
    place = session.get_one(Jurisdiction, zone.jurisdiction_id)
    return and_(
        system_actor().within(place).covers(Person.jurisdiction_id),
        Person.merged_into_id.is_(None),
        or_(*[Person.address.startswith(entry, autoescape=True) for entry in entries]),
    )


def residents(session: Session, zone: Zone, *, limit: int, offset: int) -> tuple[list[int], int]:
    """Person ids of the zone's residents (one page, by id) and how many there are."""
    where = resident_filter(session, zone)
    ids = session.scalars(
        select(Person.id).where(where).order_by(Person.id).limit(limit).offset(offset)
    )
    return list(ids), resident_count(session, zone)


def resident_count(session: Session, zone: Zone) -> int:
    """How many residents the zone has today (a count: no personal data is read)."""
    where = resident_filter(session, zone)
    return int(session.scalar(select(func.count()).select_from(Person).where(where)) or 0)


def last_case(session: Session, zone: Zone) -> date | None:
    """The report date of the last confirmed or probable case among the residents."""
    if not zone.addresses:
        return None
    found: date | None = session.scalar(
        select(func.max(Case.date_reporting))
        .join(Person, Person.id == Case.person_id)
        .where(resident_filter(session, zone), Case.classification.in_(COUNTED))
    )
    return found


def stepped_down(session: Session, zone: Zone, levels: Levels) -> bool:
    """Whether the zone came to its level by a step down (not drawn or raised to it)."""
    change = session.scalars(
        select(ZoneChange)
        .where(ZoneChange.zone_id == zone.id)
        .order_by(ZoneChange.at.desc(), ZoneChange.id.desc())
        .limit(1)
    ).first()
    if change is None or change.from_level is None or change.to_level != zone.level:
        return False
    known = levels.codes
    return change.from_level in known and levels.rank(change.from_level) < levels.rank(zone.level)


def _rounds(session: Session, zone: Zone, result: str, on_or_after: date | None = None) -> Any:
    statement = select(func.max(ZoneRound.day)).where(
        ZoneRound.zone_id == zone.id, ZoneRound.result == result
    )
    if on_or_after is not None:
        statement = statement.where(ZoneRound.day >= on_or_after)
    return session.scalar(statement)


def higher_zones(session: Session, zone: Zone, levels: Levels) -> int:
    """Active zones of a higher level in the same jurisdiction."""
    higher = levels.codes[: levels.rank(zone.level)]
    if not higher:
        return 0
    found = session.scalar(
        select(func.count()).where(
            Zone.jurisdiction_id == zone.jurisdiction_id,
            Zone.status == "active",
            Zone.level.in_(higher),
            Zone.id != zone.id,
        )
    )
    return int(found or 0)


@dataclass(frozen=True)
class Facts:
    last_case: date | None
    last_positive_round: date | None
    last_negative_round: date | None  # on or after the last clean day
    stepped_down: bool
    higher_zones: int


def facts(session: Session, zone: Zone, levels: Levels) -> Facts:
    down = stepped_down(session, zone, levels)
    case = last_case(session, zone)
    positive = _rounds(session, zone, "positive")
    rule = levels.get(zone.level).rule(down)
    start = clean_start(zone.level_since, case, positive)
    round_from = start + timedelta(days=max(rule.clean_days - 1, 0))
    negative = _rounds(session, zone, "negative", round_from)
    return Facts(case, positive, negative, down, higher_zones(session, zone, levels))


def clean_start(level_since: date, *events: date | None) -> date:
    return max([level_since, *(e + timedelta(days=1) for e in events if e is not None)])


NO_RESIDENTS: Final = (
    "no address list: persons have no coordinates, so the outline alone finds no residents "
    "or cases; clean days count from the start of the level"
)


def _blocking(
    level: LevelRule, rule: Rule, known: Facts, start: date, today: date
) -> list[Missing]:
    """What keeps the zone at its level today."""
    earliest = start + timedelta(days=rule.clean_days)
    missing: list[Missing] = []
    if today < earliest:
        missing.append(
            Missing(
                code="clean_days",
                until=earliest,
                count=rule.clean_days,
                message=f"{rule.clean_days} clean days: not before {earliest}",
            )
        )
    if rule.screening_round and known.last_negative_round is None:
        day = start + timedelta(days=max(rule.clean_days - 1, 0))
        missing.append(
            Missing(
                code="screening_round",
                until=day,
                message=f"a negative screening round on {day} or later",
            )
        )
    if level.lifts_with_higher and known.higher_zones:
        missing.append(
            Missing(
                code="higher_zones",
                count=known.higher_zones,
                message=f"{known.higher_zones} higher zones still active here",
            )
        )
    return missing


def compute(zone: Zone, known: Facts, levels: Levels, today: date) -> ZoneStatus:
    """The zone's status from its facts: pure, so the rule is tested without a database."""
    level = levels.get(zone.level)
    rule = level.rule(known.stepped_down)
    start = clean_start(zone.level_since, known.last_case, known.last_positive_round)
    missing = _blocking(level, rule, known, start, today)
    blocking = bool(missing)
    if not zone.addresses:  # said, but it does not hold the zone back
        missing.append(Missing(code="no_residents_known", message=NO_RESIDENTS))
    return ZoneStatus(
        last_case=known.last_case,
        clean_since=start,
        earliest=start + timedelta(days=rule.clean_days),
        next_level=levels.below(zone.level),
        ready=not blocking,
        missing=missing,
    )


def status(session: Session, zone: Zone, levels: Levels, today: date) -> ZoneStatus | None:
    """The computed status of an active zone; None once lifted."""
    if zone.status != "active":
        return None
    return compute(zone, facts(session, zone, levels), levels, today)
