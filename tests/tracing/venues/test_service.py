"""Proposing venue contacts from the database and deciding them in bulk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor, system_actor
from fireline.diseases.loader import load_profiles
from fireline.errors import Conflict, NotFound, Problem
from fireline.listing import ListQuery
from fireline.tracing.models import Contact
from fireline.tracing.venues import service
from fireline.tracing.venues.demo import newest_cases, propose_demo_exposures
from fireline.tracing.venues.models import ProposedContact
from fireline.tracing.venues.rules import ExposureRule
from tests.tracing.venues.factories import venue_world

NOW = datetime(2026, 11, 10, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    return venue_world(session)


def _propose(
    session: Session, world: dict[str, Any], rule: ExposureRule, actor: Actor | None = None
) -> service.ProposalReport:
    return service.propose_exposures(
        session,
        actor or system_actor(),
        load_profiles(),
        rule,
        case_ids=[world["case"].id],
        now=NOW,
    )


def _proposed(session: Session) -> dict[int, ProposedContact]:
    return {p.person_id: p for p in session.scalars(select(ProposedContact))}


def test_overlapping_visits_become_proposals(session: Session, world: dict[str, Any]) -> None:
    report = _propose(session, world, ExposureRule(min_overlap_minutes=10))
    found = _proposed(session)
    assert set(found) == {world["Long"].id, world["Open"].id}  # Short shared 5 min only
    assert report.proposed == 2 and report.cases == 1
    long = found[world["Long"].id]
    assert (long.overlap_minutes, long.category, long.status) == (30, "close", "proposed")
    assert found[world["Open"].id].overlap_minutes == 15  # open visit: 60 minutes by the rule
    assert session.scalars(select(Contact)).all() == []  # nothing added silently


def test_padding_and_no_minimum_find_more(session: Session, world: dict[str, Any]) -> None:
    _propose(session, world, ExposureRule(padding_minutes=0))
    assert world["Short"].id in _proposed(session)
    assert world["Later"].id not in _proposed(session)


def test_a_rerun_proposes_nothing_twice(session: Session, world: dict[str, Any]) -> None:
    _propose(session, world, ExposureRule())
    again = _propose(session, world, ExposureRule())
    assert again.exposures == 3 and again.proposed == 0


def test_category_must_be_the_profiles(session: Session, world: dict[str, Any]) -> None:
    with pytest.raises(Problem, match="not a contact category"):
        _propose(session, world, ExposureRule(category="acquaintance"))


def test_confirm_creates_contacts_with_the_rule_category(
    session: Session, world: dict[str, Any]
) -> None:
    _propose(session, world, ExposureRule(category="secondary_close"))
    ids = [p.id for p in _proposed(session).values()]
    report = service.decide(session, system_actor(), ids, "confirm", now=NOW)
    assert report.decided == 3 and report.contacts_created == 3
    contacts = session.scalars(select(Contact)).all()
    assert {c.category for c in contacts} == {"secondary_close"}
    assert {c.setting for c in contacts} == {"venue"}
    # 12:00 in Shanghai on 2 November: the local date is the exposure date
    assert {c.date_last_exposure for c in contacts} == {date(2026, 11, 2)}
    assert all(p.status == "confirmed" and p.contact_id for p in _proposed(session).values())
    assert session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == "proposed_contacts")
    ).all() == ["propose", "confirm"]


def test_reject_lists_no_contact_and_is_final(session: Session, world: dict[str, Any]) -> None:
    _propose(session, world, ExposureRule())
    ids = [p.id for p in _proposed(session).values()]
    service.decide(session, system_actor(), ids[:1], "reject", now=NOW)
    assert session.scalars(select(Contact)).all() == []
    with pytest.raises(Conflict, match="already rejected"):
        service.decide(session, system_actor(), ids, "confirm", now=NOW)
    assert session.scalars(select(Contact)).all() == []  # all or none
    assert _propose(session, world, ExposureRule()).proposed == 0  # stays rejected


def test_another_county_cannot_see_or_decide(session: Session, world: dict[str, Any]) -> None:
    _propose(session, world, ExposureRule())
    other = world["tree"]["C2A"]
    county = Actor(None, "c2a", "investigator", other.id, other.path)
    ids = [p.id for p in _proposed(session).values()]
    with pytest.raises(NotFound):
        service.decide(session, county, ids, "confirm", now=NOW)
    with pytest.raises(NotFound):
        _propose(session, world, ExposureRule(), actor=county)
    assert service.list_proposals(session, county, ListQuery()) == ([], 0)


def test_queue_per_case_and_per_jurisdiction(session: Session, world: dict[str, Any]) -> None:
    _propose(session, world, ExposureRule())
    actor = system_actor()
    by_case = ListQuery(filters={"case_id": str(world["case"].id)}, limit=2)
    rows, total = service.list_proposals(session, actor, by_case)
    assert total == 3 and len(rows) == 2
    # newest shared time first (issue 14: the queue showed the oldest first)
    assert [p.exposure_start for p in rows] == sorted(
        (p.exposure_start for p in rows), reverse=True
    )
    assert service.list_proposals(session, actor, ListQuery(), world["tree"]["C2"])[1] == 0
    assert service.list_proposals(session, actor, ListQuery(), world["tree"]["C1"])[1] == 3
    decided = ListQuery(filters={"status": "confirmed"})
    assert service.list_proposals(session, actor, decided)[1] == 0
    every = ListQuery(filters={"status": "all"}, sort="minutes", descending=True)
    minutes = [p.overlap_minutes for p in service.list_proposals(session, actor, every)[0]]
    assert len(minutes) == 3 and minutes == sorted(minutes, reverse=True)


def test_the_demo_function_proposes_for_every_case(session: Session, world: dict[str, Any]) -> None:
    report = propose_demo_exposures(session, now=NOW)
    assert report.cases == 1 and report.proposed == 2  # the demo rule: 15 shared minutes


def test_the_demo_traces_the_newest_cases_only(session: Session, world: dict[str, Any]) -> None:
    """Issue #17: a large wave's exposures grow with the square of its check-ins; the
    demo proposes for its newest cases, and none when it traces none."""
    assert newest_cases(session, 5) == [world["case"].id]
    report = propose_demo_exposures(session, now=NOW, traced=0)
    assert (report.cases, report.proposed) == (0, 0)
    assert _proposed(session) == {}


def test_queue_filters_by_venue_and_day(session: Session, world: dict[str, Any]) -> None:
    """Issue 14: the queue had no filters; venue and the day of the shared time narrow it,
    and a malformed day means no filter rather than an error."""
    _propose(session, world, ExposureRule())
    actor = system_actor()
    venue = str(world["venue"].id)
    assert service.list_proposals(session, actor, ListQuery(filters={"venue_id": venue}))[1] == 3
    assert service.list_proposals(session, actor, ListQuery(filters={"venue_id": "999"}))[1] == 0
    first = min(p.exposure_start for p in _proposed(session).values())
    day = first.astimezone(ZoneInfo("Asia/Shanghai")).date()
    on_day = ListQuery(filters={"day": day.isoformat()})
    assert service.list_proposals(session, actor, on_day)[1] == 3
    before = ListQuery(filters={"day": (day - timedelta(days=1)).isoformat()})
    assert service.list_proposals(session, actor, before)[1] == 0
    assert service.list_proposals(session, actor, ListQuery(filters={"day": "x"}))[1] == 3
    assert [v for _, v in service.queue_venues(session, actor)] == [world["venue"].name]
