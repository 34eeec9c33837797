"""Campaigns and their sites; registering pool tubes and matrix plates at a site.

Registration is per tube (a line of people at a site), so it is plain ORM work; checks
refuse, with the member's path: a tube barcode on file, a member barcode twice, a sample
barcode on file for another person, a person already in a pool of this round.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics.pooling import choose_pool_size
from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, NotFound, Problem
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.testing.pooling.models import (
    Pool,
    PoolMember,
    ScreeningCampaign,
    ScreeningSite,
)
from fireline.testing.pooling.schemas import (
    CampaignCreate,
    MemberIn,
    PlateCreate,
    PoolCreate,
    SiteCreate,
)
from fireline.testing.samples import (
    PersonTally,
    person_for,
    propose_new,
    require_write,
    sample_by_barcode,
)
from fireline.zones import service as zones
from fireline.zones.models import Zone
from fireline.zones.status import resident_count


def disease_profile(profiles: Mapping[str, DiseaseProfile], disease: str) -> DiseaseProfile:
    """The deployment's profile of ``disease``, or 422 naming the known ones."""
    if disease not in profiles:
        raise Problem(
            422,
            f"unknown disease {disease!r}; known: {', '.join(sorted(profiles))}",
            errors=[{"path": "disease", "message": f"unknown disease {disease!r}"}],
        )
    return profiles[disease]


def create_campaign(session: Session, context: Context, data: CampaignCreate) -> ScreeningCampaign:
    """A campaign for one of the deployment's diseases (``context.profiles``), as
    ``context.actor``."""
    actor = context.actor
    require_write(actor)
    place = actor.jurisdiction(session, data.jurisdiction_code)
    profile = disease_profile(context.profiles, data.disease)
    if data.pool_size is None and data.prevalence is None:
        raise Problem(
            422,
            "give the expected prevalence or a pool size",
            errors=[{"path": "prevalence", "message": "needed to choose the pool size"}],
        )
    try:
        choice = choose_pool_size(
            data.prevalence or 0.0, profile.max_pool_size, data.design, data.pool_size
        )
    except ValueError as exc:
        raise Problem(422, str(exc), errors=[{"path": "pool_size", "message": str(exc)}]) from None
    zone_id, population = _target(session, actor, data, place)
    campaign = ScreeningCampaign(
        name=data.name,
        disease=profile.code,
        target_kind=data.target_kind,
        zone_id=zone_id,
        population=population,
        design=data.design,
        pool_size=choice.pool_size,
        prevalence=data.prevalence,
        chosen_by=choice.chosen_by,
        hold_days=data.hold_days,
        starts_on=data.starts_on,
        jurisdiction_id=place.id,
        created_by=actor.user_id,
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "screening_campaign",
        [campaign.id],
        jurisdiction_id=place.id,
        pool_size=choice.pool_size,
    )
    return campaign


def _target(
    session: Session, actor: Actor, data: CampaignCreate, place: Jurisdiction
) -> tuple[int | None, int]:
    """The zone and the people to cover: a zone campaign targets the zone's residents (their
    count, unless given); the zone must be active, in scope and inside the jurisdiction."""
    if data.target_kind != "zone":
        if data.zone_id is not None:
            raise Problem(
                422,
                "a zone_id is only for a campaign over a risk zone",
                errors=[{"path": "zone_id", "message": "give target_kind zone or no zone_id"}],
            )
        return None, data.population or int(place.population or 0)
    if data.zone_id is None:
        raise Problem(
            422,
            "a campaign over a risk zone needs the zone",
            errors=[{"path": "zone_id", "message": "the risk zone to screen"}],
        )
    zone = zones.get_zone(session, actor, data.zone_id)
    inside = session.get_one(Jurisdiction, zone.jurisdiction_id).path.startswith(place.path)
    if zone.status != "active" or not inside:
        why = "is lifted" if inside else f"lies outside {place.name_en} ({place.code})"
        raise Problem(
            422,
            f"zone {zone.id} {why}",
            errors=[{"path": "zone_id", "message": f"zone {zone.id} {why}"}],
        )
    return zone.id, data.population or resident_count(session, zone)


@dataclass(frozen=True)
class ZoneTarget:
    """A risk zone a campaign may screen: active, in scope, with its residents."""

    zone: Zone
    residents: int
    jurisdiction_code: str


def zone_target(session: Session, actor: Actor, zone_id: int | None) -> ZoneTarget | None:
    """The zone with ``zone_id`` when it is active and in scope, else None (the set-up page
    then offers a plain form)."""
    if not zone_id:
        return None
    try:
        zone = zones.get_zone(session, actor, zone_id)
    except NotFound:
        return None
    if zone.status != "active":
        return None
    code = session.get_one(Jurisdiction, zone.jurisdiction_id).code
    return ZoneTarget(zone, resident_count(session, zone), code)


def get_campaign(session: Session, actor: Actor, campaign_id: int) -> ScreeningCampaign:
    actor.require("records:read")
    found: ScreeningCampaign = actor.get(
        session, ScreeningCampaign, campaign_id, f"campaign {campaign_id}"
    )
    return found


def add_site(session: Session, actor: Actor, campaign_id: int, data: SiteCreate) -> ScreeningSite:
    require_write(actor)
    campaign = get_campaign(session, actor, campaign_id)
    place_id = campaign.jurisdiction_id
    if data.jurisdiction_code:
        place_id = actor.jurisdiction(session, data.jurisdiction_code).id
    taken = session.scalar(
        select(ScreeningSite.id).where(
            ScreeningSite.campaign_id == campaign.id, ScreeningSite.code == data.code
        )
    )
    if taken is not None:
        raise Conflict(f"site {data.code} is already in this campaign")
    site = ScreeningSite(
        campaign_id=campaign.id,
        code=data.code,
        name=data.name,
        capacity_per_hour=data.capacity_per_hour,
        jurisdiction_id=place_id,
    )
    session.add(site)
    session.flush()
    return site


def site_by_code(session: Session, campaign: ScreeningCampaign, code: str) -> ScreeningSite:
    site = session.scalars(
        select(ScreeningSite).where(
            ScreeningSite.campaign_id == campaign.id, ScreeningSite.code == code
        )
    ).first()
    if site is None:
        raise NotFound(f"site {code}")
    return site


def _check_members(
    session: Session, site: ScreeningSite, members: list[MemberIn], tube: str
) -> None:
    """Tube barcodes are unique per jurisdiction: only the site's own tubes are looked at,
    so a tube another county holds is not "already registered" here."""
    errors, seen = [], set()
    here = site.jurisdiction_id
    if session.scalar(select(Pool.id).where(Pool.barcode == tube, Pool.jurisdiction_id == here)):
        errors.append({"path": "barcode", "message": f"pool tube {tube} is already registered"})
    for i, member in enumerate(members):
        if member.barcode in seen or member.barcode == tube:
            errors.append(
                {
                    "path": f"members[{i}].barcode",
                    "message": f"barcode {member.barcode} is scanned twice",
                }
            )
        seen.add(member.barcode)
    if errors:
        raise Problem(409, errors[0]["message"], errors=errors)


def _member_samples(
    session: Session,
    actor: Actor,
    campaign: ScreeningCampaign,
    site: ScreeningSite,
    members: list[MemberIn],
    collected: datetime,
    sample_type: str,
    tally: PersonTally,
) -> list[Sample]:
    samples, errors = [], []
    place = site.jurisdiction_id
    for i, member in enumerate(members):
        sample = sample_by_barcode(session, actor, member.barcode)
        if sample is None:
            person = _member_person(session, actor, member, site, tally)
            if person is None:
                errors.append(
                    {
                        "path": f"members[{i}]",
                        "message": f"sample {member.barcode} "
                        "is not on file; give the member's person",
                    }
                )
                continue
            sample = Sample(
                barcode=member.barcode,
                person_id=person.id,
                disease=campaign.disease,
                sample_type=sample_type,
                collected_at=collected,
                site=site.code,
                jurisdiction_id=place,
            )
            session.add(sample)
        elif member.person_id is not None and member.person_id != sample.person_id:
            errors.append(
                {
                    "path": f"members[{i}].barcode",
                    "message": f"sample {member.barcode} is on file for another person",
                }
            )
        samples.append(sample)
    if errors:
        raise Problem(409, errors[0]["message"], errors=errors)
    session.flush()
    return samples


def _member_person(
    session: Session, actor: Actor, member: MemberIn, site: ScreeningSite, tally: PersonTally
) -> Person | None:
    if member.person_id is not None:
        found: Person = actor.get(session, Person, member.person_id, f"person {member.person_id}")
        return found
    if member.person is None:
        return None
    return person_for(
        session, actor, session.get_one(Jurisdiction, site.jurisdiction_id), member.person, tally
    )


def _check_round(
    session: Session, campaign: ScreeningCampaign, samples: list[Sample], axis: str
) -> None:
    persons = [s.person_id for s in samples]
    twice = {p for p in persons if persons.count(p) > 1}
    already = set(
        session.scalars(
            select(PoolMember.person_id).where(
                PoolMember.campaign_id == campaign.id,
                PoolMember.round_no == campaign.round_no,
                PoolMember.axis == axis,
                PoolMember.person_id.in_(persons),
            )
        )
    )
    bad = [
        {
            "path": f"members[{i}].barcode",
            "message": f"sample {s.barcode}: this person is "
            f"already in a pool of round {campaign.round_no}",
        }
        for i, s in enumerate(samples)
        if s.person_id in already | twice
    ]
    if bad:
        raise Problem(409, bad[0]["message"], errors=bad)


def _add_pool(
    session: Session,
    actor: Actor,
    campaign: ScreeningCampaign,
    site: ScreeningSite,
    barcode: str,
    samples: list[Sample],
    collected: datetime,
    axis: str = "pool",
    plate: str | None = None,
    line: int | None = None,
) -> Pool:
    pool = Pool(
        barcode=barcode,
        campaign_id=campaign.id,
        site_id=site.id,
        round_no=campaign.round_no,
        axis=axis,
        plate=plate,
        line=line,
        size=len(samples),
        collected_at=collected,
        registered_by=actor.user_id,
        jurisdiction_id=site.jurisdiction_id,
    )
    session.add(pool)
    session.flush()
    session.add_all(
        PoolMember(
            pool_id=pool.id,
            sample_id=s.id,
            person_id=s.person_id,
            campaign_id=campaign.id,
            round_no=campaign.round_no,
            axis=axis,
            jurisdiction_id=site.jurisdiction_id,
        )
        for s in samples
    )
    return pool


def register_pool(
    session: Session, actor: Actor, campaign_id: int, data: PoolCreate, now: datetime
) -> Pool:
    """A k-in-1 tube with its members' samples (at most the campaign's pool size)."""
    require_write(actor)
    campaign = get_campaign(session, actor, campaign_id)
    site = site_by_code(session, campaign, data.site_code)
    if len(data.members) > campaign.pool_size:
        raise Problem(
            422,
            f"a pool holds at most {campaign.pool_size} samples",
            errors=[
                {
                    "path": f"members[{campaign.pool_size}]",
                    "message": "more members than the pool size",
                }
            ],
        )
    _check_members(session, site, data.members, data.barcode)
    collected, tally = data.collected_at or now, PersonTally()
    samples = _member_samples(
        session, actor, campaign, site, data.members, collected, data.sample_type, tally
    )
    _check_round(session, campaign, samples, "pool")
    pool = _add_pool(session, actor, campaign, site, data.barcode, samples, collected)
    propose_new(session, actor, tally)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "pool",
        [pool.id],
        jurisdiction_id=pool.jurisdiction_id,
        members=len(samples),
    )
    return pool


def register_plate(
    session: Session, actor: Actor, campaign_id: int, data: PlateCreate, now: datetime
) -> list[Pool]:
    """A matrix plate: side x side members, one tube per row and per column."""
    require_write(actor)
    campaign = get_campaign(session, actor, campaign_id)
    site = site_by_code(session, campaign, data.site_code)
    side = campaign.pool_size
    if len(data.members) > side * side:
        raise Problem(422, f"a plate holds at most {side * side} samples")
    _check_members(session, site, data.members, f"{data.plate}-R1")
    collected, tally = data.collected_at or now, PersonTally()
    samples = _member_samples(
        session, actor, campaign, site, data.members, collected, data.sample_type, tally
    )
    _check_round(session, campaign, samples, "row")
    rows = math.ceil(len(samples) / side)
    pools = [
        _add_pool(
            session,
            actor,
            campaign,
            site,
            f"{data.plate}-R{r + 1}",
            samples[r * side : (r + 1) * side],
            collected,
            "row",
            data.plate,
            r + 1,
        )
        for r in range(rows)
    ]
    pools += [
        _add_pool(
            session,
            actor,
            campaign,
            site,
            f"{data.plate}-C{c + 1}",
            samples[c::side],
            collected,
            "col",
            data.plate,
            c + 1,
        )
        for c in range(min(side, len(samples)))
    ]
    propose_new(session, actor, tally)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "pool",
        [p.id for p in pools],
        jurisdiction_id=site.jurisdiction_id,
        plate=data.plate,
    )
    return pools
