"""The demo's quarantine, isolation, care and zones: filled orders with follow-up histories,
flags, isolations ready for review, hospital patients, zones with computed lift dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.care.models import Admission
from fireline.demo.quarantine import PROPOSALS
from fireline.demo.service import demo_context, load_demo
from fireline.diseases import load_profiles
from fireline.listing import ListQuery
from fireline.quarantine import duelist, facilities, proposals
from fireline.quarantine.models import FacilityStaff, FollowUp, QuarantineOrder
from fireline.quarantine.release import release_flags
from fireline.zones import service as zones
from fireline.zones.levels import load_levels
from fireline.zones.status import status
from tests.places.factories import by_code

TODAY = date(2026, 11, 28)
NOW = datetime.combine(TODAY, time(10), UTC)
Q = QuarantineOrder


def test_the_demo_holds_follows_isolates_admits_and_zones(session: Session) -> None:
    load_demo(session, demo_context(TODAY), cases=1500, seed=1)
    actor = system_actor()
    contacts = select(func.count()).where(Q.contact_id.is_not(None))
    assert session.scalar(contacts.where(Q.disease.is_(None))) == 0
    assert (session.scalar(contacts.where(Q.test_mask > 0)) or 0) > 0
    reports = session.scalar(select(func.count(FollowUp.id))) or 0
    assert (
        reports > 0 and (session.scalar(select(func.count()).where(FollowUp.symptomatic)) or 0) > 0
    )
    f = duelist.flags(TODAY, NOW, 24)
    counts = duelist.summary(session, actor, None, f, None)
    assert counts.symptomatic > 0 and counts.non_reporting > 0, counts
    flags = release_flags(
        session, actor, None, now=datetime.now(UTC), today=TODAY, profiles=load_profiles()
    )
    assert len(flags) >= 1
    open_stays = select(func.count()).where(Admission.discharged_at.is_(None))
    assert (session.scalar(open_stays) or 0) > 0
    county = by_code(session, "330102")
    queue, waiting = proposals.list_proposals(
        session, actor, county, ListQuery(), now=NOW, today=TODAY
    )
    assert 0 < waiting <= PROPOSALS and waiting == proposals.waiting(session, actor, None)
    assert not any(p.ended for p in queue)
    ids = [p.order_id for p in queue]
    assert session.scalar(select(func.count()).where(FollowUp.order_id.in_(ids))) == 0
    active = session.scalar(contacts.where(Q.status == "active")) or 0
    assert active > 5 * waiting  # most contacts are under an order
    board = facilities.occupancy(session, actor, county, TODAY)
    assert board and board[0].occupied > 0
    desks = session.execute(
        select(User.username).join(FacilityStaff, FacilityStaff.user_id == User.id)
    ).scalars()
    assert sorted(desks) == ["hangzhou-facility", "shangcheng-facility"]
    found = zones.list_zones(session, actor, county)
    assert sorted(z.level for z in found) == ["controlled", "precaution", "sealed"]
    computed = [status(session, z, load_levels(), TODAY) for z in found]
    assert all(c is not None and c.earliest is not None for c in computed)
    sealed = next(c for z, c in zip(found, computed, strict=True) if z.level == "sealed")
    assert sealed is not None and sealed.last_case is not None
