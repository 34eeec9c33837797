"""The sections of "My work" per role, read through the service: what appears, in which
order, how many, and nothing from another county."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.quarantine import duelist
from fireline.quarantine.positives.models import ConversionProposal
from fireline.response.models import ResponseTask
from fireline.settings import Settings
from fireline.work import service
from fireline.work.schemas import WorkRead
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.work.factories import DAY, NOW, County, county_day, swept, works_at

MARKER = "Zed"  # every name in the other county starts with it


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)
    own = county_day(session, tree["C1A"], "Ann")
    county_day(session, tree["C2A"], MARKER)
    swept(session)
    return {"tree": tree, "own": own}


def work_of(
    session: Session, role: str, place: Any, limit: int = 5, user_id: int | None = None
) -> WorkRead:
    actor = Actor(user_id, f"a-{role}", role, place.id, place.path)
    context = Context.build(actor, Settings(), FrozenClock(NOW))
    frame = service.frame_for(session, context, limit=limit, non_reporting_hours=24)
    return service.my_work(session, frame)


def by_key(work: WorkRead) -> dict[str, Any]:
    return {s.key: s for s in work.sections}


def test_investigator_sections(session: Session, world: dict[str, Any]) -> None:
    own: County = world["own"]
    work = work_of(session, "investigator", own.place)
    assert MARKER not in work.model_dump_json()
    sections = by_key(work)
    assert list(sections) == [
        "cases_to_interview",
        "proposals",
        "contacts_to_call",
        "not_reporting",
        "lab_positives",
    ]
    cases = sections["cases_to_interview"]
    assert [i.id for i in cases.items] == own.to_interview and cases.total == 2
    clocked, fresh = cases.items
    assert clocked.light == "green" and clocked.due_at is not None and fresh.due_at is None
    assert clocked.href == f"/investigation/cases/{clocked.id}"
    assert [i.id for i in sections["proposals"].items] == own.proposals
    assert [i.id for i in sections["not_reporting"].items] == own.silent
    (positive,) = sections["lab_positives"].items
    assert positive.id == own.positives[0] and positive.link_id == own.positive_orders[0]
    # The order page, at the panel where the conversion is decided.
    assert positive.href == f"/quarantine/orders/{own.positive_orders[0]}#conversion"
    assert positive.label == "Ann Positive" and positive.code == "pcr"
    f = duelist.flags(DAY, NOW, 24)
    counts = duelist.summary(session, Actor(1, "x", "admin", own.place.id, own.place.path), None, f)
    calls = sections["contacts_to_call"]
    assert calls.total == counts.to_contact and calls.total > len(calls.items) == 5
    assert calls.next_offset == 5 and calls.href == "/quarantine?list=to_contact"
    assert not set(own.reported) & {i.id for i in calls.items}
    assert all(i.phone for i in calls.items)


def test_lab_and_facility_sections(session: Session, world: dict[str, Any]) -> None:
    own: County = world["own"]
    lab = by_key(work_of(session, "lab", own.place))
    assert [i.id for i in lab["samples_waiting"].items] == own.samples_waiting
    assert [i.id for i in lab["holds"].items] == own.holds
    desk_user = make_user(session, "desk", "facility", own.place.code)
    works_at(session, own, desk_user.id)
    desk = by_key(work_of(session, "facility", own.place, user_id=desk_user.id))
    # Their own hotel's arrival and the one ordered into no facility yet; not the other
    # hotel's people, though they are in the same county.
    assert [i.id for i in desk["arrivals"].items] == own.arrivals
    releases = desk["releases_due"].items
    assert [i.id for i in releases] == own.releases
    assert releases[0].href == f"/quarantine/orders/{own.releases[0]}/release"
    (room,) = desk["rooms"].items
    assert (room.id, room.capacity, room.occupied) == (own.facility_id, 3, 2)


def test_facility_user_of_no_facility_has_nothing_to_do(
    session: Session, world: dict[str, Any]
) -> None:
    own: County = world["own"]
    loose = make_user(session, "loose", "facility", own.place.code)
    desk = by_key(work_of(session, "facility", own.place, user_id=loose.id))
    assert all(s.total == 0 and not s.items for s in desk.values())


def test_positives_addressed_to_someone_else_are_theirs(
    session: Session, world: dict[str, Any]
) -> None:
    own: County = world["own"]
    me = make_user(session, "me", "investigator", own.place.code)
    other = make_user(session, "other", "investigator", own.place.code)
    session.execute(
        update(ConversionProposal)
        .where(ConversionProposal.id.in_(own.positives))
        .values(owner_id=other.id)
    )
    mine = by_key(work_of(session, "investigator", own.place, user_id=me.id))
    assert mine["lab_positives"].total == 0
    theirs = by_key(work_of(session, "investigator", own.place, user_id=other.id))
    assert [i.id for i in theirs["lab_positives"].items] == own.positives


def test_epidemiologist_sees_its_city_only(session: Session, world: dict[str, Any]) -> None:
    city = world["tree"]["C1"]
    work = work_of(session, "epidemiologist", city)
    sections = by_key(work)
    assert [i.id for i in sections["open_alerts"].items] == world["own"].alerts
    tasks = sections["overdue_tasks"]
    overdue = (
        select(func.count())
        .select_from(ResponseTask)
        .where(
            ResponseTask.status == "open",
            ResponseTask.due_at <= NOW,
            ResponseTask.jurisdiction_id == world["own"].place.id,
        )
    )
    assert tasks.total == (session.scalar(overdue) or 0) > 0
    assert all(i.light == "red" and i.place == "C1A" for i in tasks.items)


def test_viewer_gets_figures_only(session: Session, world: dict[str, Any]) -> None:
    work = work_of(session, "viewer", world["own"].place)
    assert all(not s.items for s in work.sections)
    figures = {s.key: s.total for s in work.sections}
    assert figures["open_alerts"] == 1 and figures["cases_today"] >= 2


def test_reads_of_people_are_audited(session: Session, world: dict[str, Any]) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    work_of(session, "investigator", world["own"].place)
    session.flush()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(before)).all()
    assert {e.detail.get("list") for e in events} == {
        "work:cases_to_interview",
        "work:proposals",
        "work:contacts_to_call",
        "work:not_reporting",
        None,  # the lab positives: recorded by the positive-result service itself
    }
    (positives,) = [e for e in events if e.entity == "conversion_proposal"]
    assert positives.action == "read"
    assert all(MARKER not in str(e.detail) for e in events)
