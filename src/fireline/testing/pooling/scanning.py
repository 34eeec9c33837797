"""What the scan page at a sampling site reads: the campaign's sites, a site's latest tubes,
and the members a line of scans names (a sample barcode, or a person's ID card followed by
the new sample tube of that person)."""

from __future__ import annotations

from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.testing.pooling.models import Pool, ScreeningCampaign, ScreeningSite
from fireline.testing.pooling.schemas import MemberIn

RECENT: Final = 10


def sites_of(session: Session, campaign: ScreeningCampaign) -> list[ScreeningSite]:
    """The campaign's sites by code (the campaign was read in scope)."""
    statement = select(ScreeningSite).where(ScreeningSite.campaign_id == campaign.id)
    return list(session.scalars(statement.order_by(ScreeningSite.code)))


def site_tubes(session: Session, site: ScreeningSite | None) -> tuple[list[Pool], int]:
    """The site's latest tubes, newest first, and how many it has registered."""
    if site is None:
        return [], 0
    latest = select(Pool).where(Pool.site_id == site.id).order_by(Pool.id.desc()).limit(RECENT)
    total = session.scalar(select(func.count()).select_from(Pool).where(Pool.site_id == site.id))
    return list(session.scalars(latest)), int(total or 0)


def members_from_scans(session: Session, actor: Actor, scans: list[str]) -> list[MemberIn]:
    """Each scan is a sample barcode; a person's ID card (a national ID in scope that is no
    sample's barcode) names the person whose new sample the next scan is."""
    known = set(
        session.scalars(
            actor.restrict(select(Sample.barcode).where(Sample.barcode.in_(scans)), Sample)
        )
    )
    ids = [s.upper() for s in scans if s not in known]
    people = {
        p.national_id: p.id
        for p in session.scalars(
            actor.restrict(
                select(Person).where(Person.national_id.in_(ids), Person.merged_into_id.is_(None)),
                Person,
            )
        )
    }
    members: list[MemberIn] = []
    pending: int | None = None
    for scan in scans:
        if scan not in known and scan.upper() in people and pending is None:
            pending = people[scan.upper()]
            continue
        members.append(MemberIn(barcode=scan, person_id=pending))
        pending = None
    return members
