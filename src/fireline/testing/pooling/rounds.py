"""A campaign's rounds: the current round's progress, and closing it, which records the
round on the campaign's risk zone (the zone rule "a negative screening round").

A round is closed by hand (``POST /campaigns/{id}/close-round``, the dashboard's button),
not on pool-result ingest: Fireline cannot tell when the last tube of a round has been
collected, and a round closed when the first batch of tubes is resulted would certify a
negative round over a fraction of the residents and let the zone step down.

Closing needs at least one tube, every tube of the round resulted and no single retest
open. The result is positive when a retest of the round is positive; else inconclusive
when a tube was inconclusive or a retest cancelled (some members' status is unknown);
else negative. A positive or negative round of a zone campaign is recorded on the zone
through ``fireline.zones.service.add_round`` with the number tested; an inconclusive one
is not. Its day, in the zone's time zone, is the round's first collection day when it is
negative (every sample was taken on or after it, which is what "a negative round on day 7
or later" asks) and its last one when it is positive (the clean days restart after it).

Dependencies point one way: testing calls the zones service; zones never imports testing.
The campaign's version and the unique (campaign, round) row make a second close a 409.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.errors import Conflict
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.testing.pooling.campaigns import get_campaign
from fireline.testing.pooling.models import (
    Pool,
    PoolMember,
    PoolResult,
    RetestOrder,
    ScreeningCampaign,
    ScreeningRound,
)
from fireline.testing.pooling.schemas import RoundProgress
from fireline.testing.samples import require_write
from fireline.zones import service as zones
from fireline.zones.models import Zone
from fireline.zones.schemas import RoundCreate
from fireline.zones.status import resident_count, resident_filter


@dataclass(frozen=True)
class Tally:
    """The current round's counts, from three grouped queries."""

    pools: int
    resulted: int
    inconclusive: int
    first: datetime | None
    last: datetime | None
    retests_open: int
    retests_positive: int
    retests_cancelled: int
    sampled: int


def _count(column: SQLColumnExpression[str], value: str) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((column == value, 1), else_=0)), 0)


def tally(session: Session, campaign: ScreeningCampaign) -> Tally:
    here = (Pool.campaign_id == campaign.id, Pool.round_no == campaign.round_no)
    pools = session.execute(
        select(
            func.count(Pool.id),
            func.count(PoolResult.id),
            _count(PoolResult.outcome, "inconclusive"),
            func.min(Pool.collected_at),
            func.max(Pool.collected_at),
        )
        .join(PoolResult, PoolResult.pool_id == Pool.id, isouter=True)
        .where(*here)
    ).one()
    retests = session.execute(
        select(
            _count(RetestOrder.status, "open"),
            _count(RetestOrder.status, "positive"),
            _count(RetestOrder.status, "cancelled"),
        ).where(RetestOrder.campaign_id == campaign.id, RetestOrder.round_no == campaign.round_no)
    ).one()
    sampled = session.scalar(
        select(func.count(func.distinct(PoolMember.person_id))).where(
            PoolMember.campaign_id == campaign.id, PoolMember.round_no == campaign.round_no
        )
    )
    return Tally(
        int(pools[0]),
        int(pools[1]),
        int(pools[2]),
        pools[3],
        pools[4],
        int(retests[0]),
        int(retests[1]),
        int(retests[2]),
        int(sampled or 0),
    )


def _residents(session: Session, campaign: ScreeningCampaign) -> tuple[int, int] | None:
    """(residents today, of them sampled in this round) for a zone campaign; set-based."""
    if campaign.target_kind != "zone" or campaign.zone_id is None:
        return None
    zone = session.get_one(Zone, campaign.zone_id)  # the campaign, in scope, names it
    sampled = session.scalar(
        select(func.count(func.distinct(PoolMember.person_id)))
        .join(Person, Person.id == PoolMember.person_id)
        .where(
            PoolMember.campaign_id == campaign.id,
            PoolMember.round_no == campaign.round_no,
            resident_filter(session, zone),
        )
    )
    return resident_count(session, zone), int(sampled or 0)


def _blocker(found: Tally) -> str | None:
    if found.pools == 0:
        return "no pool tube is registered in this round"
    if found.resulted < found.pools:
        return f"{found.pools - found.resulted} of {found.pools} pool tubes await their result"
    if found.retests_open:
        return f"{found.retests_open} single retests await their result"
    return None


def progress(session: Session, campaign: ScreeningCampaign) -> RoundProgress:
    found = tally(session, campaign)
    residents = _residents(session, campaign)
    return RoundProgress(
        round_no=campaign.round_no,
        pools=found.pools,
        resulted_pools=found.resulted,
        retests_open=found.retests_open,
        sampled=found.sampled,
        zone_residents=residents[0] if residents else None,
        residents_sampled=residents[1] if residents else None,
        ready=_blocker(found) is None,
    )


def closed_rounds(session: Session, campaign: ScreeningCampaign) -> list[ScreeningRound]:
    statement = select(ScreeningRound).where(ScreeningRound.campaign_id == campaign.id)
    return list(session.scalars(statement.order_by(ScreeningRound.round_no)))


def result_of(found: Tally) -> str:
    if found.retests_positive:
        return "positive"
    if found.inconclusive or found.retests_cancelled:
        return "inconclusive"
    return "negative"


def _local(moment: datetime | None, timezone: str) -> date:
    assert moment is not None  # a round with a tube has collection instants
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite
    return aware.astimezone(ZoneInfo(timezone)).date()


def _zone_writer(actor: Actor) -> Actor:
    """Screening staff may not write zones by role; the round is recorded on their behalf
    with the investigator's rights (same user, same audit trail), as ``positive`` does for
    cases. Scope is unchanged: the zone must be in the caller's jurisdiction."""
    return actor if actor.can("cases:write") else replace(actor, role="investigator")


def _record_on_zone(
    session: Session, actor: Actor, campaign: ScreeningCampaign, result: str, day: date, tested: int
) -> int | None:
    if campaign.target_kind != "zone" or campaign.zone_id is None or result == "inconclusive":
        return None
    entry = zones.add_round(
        session,
        _zone_writer(actor),
        campaign.zone_id,
        RoundCreate(day=day, result=result, tested=tested),
    )
    return entry.id


def close_round(
    session: Session, actor: Actor, campaign_id: int, *, version: int, now: datetime
) -> ScreeningRound:
    """Close the current round (see the module notes) and open the next one."""
    require_write(actor)
    campaign = get_campaign(session, actor, campaign_id)
    if campaign.version != version:
        raise Conflict(f"campaign {campaign.id} is at version {campaign.version}, not {version}")
    found = tally(session, campaign)
    blocker = _blocker(found)
    if blocker is not None:
        raise Conflict(f"round {campaign.round_no} may not close yet: {blocker}")
    place_id = (
        session.get_one(Zone, campaign.zone_id).jurisdiction_id
        if campaign.zone_id
        else campaign.jurisdiction_id
    )
    timezone = session.get_one(Jurisdiction, place_id).timezone
    first, last = _local(found.first, timezone), _local(found.last, timezone)
    result = result_of(found)
    day = first if result == "negative" else last
    zone_round = _record_on_zone(session, actor, campaign, result, day, found.sampled)
    closed = ScreeningRound(
        campaign_id=campaign.id,
        round_no=campaign.round_no,
        result=result,
        tested=found.sampled,
        first_day=first,
        last_day=last,
        zone_round_id=zone_round,
        closed_at=now,
        closed_by=actor.user_id,
        jurisdiction_id=campaign.jurisdiction_id,
    )
    session.add(closed)
    campaign.round_no += 1
    session.flush()
    audit.record(
        session,
        actor,
        "close_round",
        "screening_campaign",
        [campaign.id],
        jurisdiction_id=campaign.jurisdiction_id,
        round_no=closed.round_no,
        result=result,
        tested=found.sampled,
        zone_round=zone_round,
    )
    return closed
