"""A venue's visits around a case's infectious window, for the venue page and API: one
list (``fireline.listing``), the page asks for its first ``MAX_VISITS``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction, Venue
from fireline.surveillance.models import Case
from fireline.tracing.venues.models import CheckIn
from fireline.tracing.venues.rules import ExposureRule
from fireline.tracing.venues.service import infectious_window

MAX_VISITS = 500  # a page, not an export: the busiest hours of a venue fit
VISITS = ListSpec(
    sorts={
        "checked_in": (CheckIn.checked_in_at, CheckIn.id),
        "person": (CheckIn.person_id, CheckIn.checked_in_at, CheckIn.id),
    },
    default_sort="checked_in",
)


@dataclass(frozen=True)
class Visit:
    person_id: int
    start: datetime
    end: datetime
    open_end: bool  # no check-out: the end comes from the rule
    is_case: bool


@dataclass(frozen=True)
class Timeline:
    venue: Venue
    zone: str
    window: tuple[datetime, datetime] | None
    since: datetime
    until: datetime
    visits: list[Visit]
    total: int  # visits in the span; ``visits`` holds the page asked for

    @property
    def truncated(self) -> bool:
        return self.total > len(self.visits)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def venue_timeline(
    session: Session,
    actor: Actor,
    profiles: Mapping[str, DiseaseProfile],
    venue_id: int,
    query: ListQuery,
    *,
    case_id: int | None = None,
    rule: ExposureRule | None = None,
    now: datetime,
) -> Timeline:
    """A page of the visits at the venue during the case's window (else the last day),
    the case's own marked; in time order unless the reader chose another sort."""
    actor.require("persons:read")
    rule = rule or ExposureRule()
    venue: Venue = actor.get(session, Venue, venue_id, f"venue {venue_id}")
    zone = (
        session.scalar(
            select(Jurisdiction.timezone).where(Jurisdiction.id == venue.jurisdiction_id)
        )
        or "Asia/Shanghai"
    )
    window, person = (
        (None, None) if case_id is None else _case_window(session, actor, profiles, case_id)
    )
    since, until = window or (now - timedelta(days=1), now)
    # Check-ins carry the venue's jurisdiction: the venue in scope holds them all.
    statement = select(CheckIn).where(
        CheckIn.venue_id == venue.id,
        CheckIn.checked_in_at >= since - rule.stay_us * timedelta(microseconds=1),
        CheckIn.checked_in_at < until,
    )
    if not query.sort:
        query = replace(query, sort="checked_in", descending=False)
    rows, total = search_filter_sort_paginate(session, statement, VISITS, query)
    audit.record(
        session,
        actor,
        "read",
        "check_ins",
        [r.id for r in rows],
        venue_id=venue.id,
        case_id=case_id,
    )
    visits = [_visit(r, rule, person) for r in rows]
    return Timeline(venue, zone, window, since, until, visits, total)


def _case_window(
    session: Session, actor: Actor, profiles: Mapping[str, DiseaseProfile], case_id: int
) -> tuple[tuple[datetime, datetime], int]:
    """The case's infectious window (days in its jurisdiction's zone, as proposals use)."""
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    zone = (
        session.scalar(select(Jurisdiction.timezone).where(Jurisdiction.id == case.jurisdiction_id))
        or "Asia/Shanghai"
    )
    profile = profiles.get(case.disease)
    if profile is None:
        raise Problem(422, f"case {case.id}: no disease profile {case.disease!r}")
    return infectious_window(case, zone, profile), case.person_id


def _visit(row: CheckIn, rule: ExposureRule, case_person: int | None) -> Visit:
    start = _utc(row.checked_in_at)
    if row.checked_out_at is not None:
        end, open_end = _utc(row.checked_out_at), False
    else:
        micros = rule.stay_us
        end = start + timedelta(microseconds=micros)
        if rule.round_us:
            epoch = datetime(1970, 1, 1, tzinfo=UTC)
            over = (end - epoch) // timedelta(microseconds=1) % rule.round_us
            end += timedelta(microseconds=(rule.round_us - over) % rule.round_us)
        open_end = True
    return Visit(int(row.person_id), start, end, open_end, row.person_id == case_person)
