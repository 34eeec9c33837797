"""Venue exposure use cases: propose contacts for cases, list them, decide them.

Every function takes the session and the acting user; reads and writes go
through the actor's scope (docs/architecture.md, "Scope in one place").
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import DEFAULT_ZONE
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, NotFound, Problem
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction, Venue
from fireline.surveillance.models import Case
from fireline.tracing.venues import duckdb as duckdb_engine
from fireline.tracing.venues.export import export_check_ins
from fireline.tracing.venues.models import ProposedContact
from fireline.tracing.venues.proposals import (
    create_contacts,
    drafts_from,
    existing_contacts,
    store_proposals,
)
from fireline.tracing.venues.rules import ExposureRule, index_table

Engine = Literal["duckdb", "spark"]
Decision = Literal["confirm", "reject"]


@dataclass(frozen=True)
class IndexCase:
    case_id: int
    person_id: int
    jurisdiction_id: int
    window: tuple[datetime, datetime]  # UTC, end exclusive


@dataclass
class ProposalReport:
    cases: int
    exposures: int
    proposed: int
    engine: str
    proposal_ids: list[int] = field(default_factory=list)


def day_start(day: date, zone: str) -> datetime:
    """Local midnight of ``day`` in ``zone``, as a UTC instant."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(UTC)


def infectious_window(case: Case, zone: str, profile: DiseaseProfile) -> tuple[datetime, datetime]:
    """The profile's infectious days around onset, as [first local midnight, day after last).

    A case without onset (asymptomatic) is anchored on its report date: a
    deployment choice, as the profiles give the window relative to onset only.
    """
    first, last = profile.infectious_window.window(case.date_onset or case.date_reporting)
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)


def _check_category(profile: DiseaseProfile, rule: ExposureRule) -> None:
    codes = [c.code for c in profile.contact_categories]
    if rule.category not in codes:
        raise Problem(
            422,
            f"the rule's category {rule.category!r} is not a contact category"
            f" of {profile.code} ({', '.join(codes)})",
        )


def index_cases(
    session: Session,
    actor: Actor,
    profiles: Mapping[str, DiseaseProfile],
    rule: ExposureRule,
    *,
    case_ids: Sequence[int] | None = None,
    jurisdiction_code: str | None = None,
) -> list[IndexCase]:
    """The cases to trace, in scope, not discarded, with their infectious windows."""
    statement = (
        select(Case, Jurisdiction.timezone)
        .join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
        .where(Case.classification != "discarded")
    )
    if case_ids is not None:
        statement = statement.where(Case.id.in_(list(case_ids)))
    scope = actor.within_code(session, jurisdiction_code)
    found = []
    for case, zone in session.execute(scope.restrict(statement, Case)).all():
        profile = profiles.get(case.disease)
        if profile is None:
            raise Problem(422, f"case {case.id}: no disease profile {case.disease!r}")
        _check_category(profile, rule)
        window = infectious_window(case, zone, profile)
        found.append(IndexCase(case.id, case.person_id, case.jurisdiction_id, window))
    if case_ids is not None and len(found) != len(set(case_ids)):
        raise NotFound("a case")
    return found


def _micros(value: datetime) -> int:
    return (value - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _index(cases: list[IndexCase]) -> pa.Table:
    return index_table(
        [(c.case_id, c.person_id, _micros(c.window[0]), _micros(c.window[1])) for c in cases]
    )


def run_engine(
    engine: Engine, files: Sequence[Path], index: pa.Table, rule: ExposureRule
) -> pa.Table:
    """The exposures from one engine; Spark runs in local mode here (CLI, small jobs)."""
    if engine == "spark":
        from fireline.tracing.venues import spark

        with spark.spark_session() as session:
            return spark.find_exposures(session, files, index, rule)
    return duckdb_engine.find_exposures(files, index, rule)


def _exposures_from_database(
    session: Session, cases: list[IndexCase], rule: ExposureRule, engine: Engine
) -> pa.Table:
    # A visit that began a day before the earliest window can still reach into it.
    since = min(c.window[0] for c in cases) - timedelta(days=1)
    until = max(c.window[1] for c in cases)
    with tempfile.TemporaryDirectory(prefix="fireline-venues-") as folder:
        path = Path(folder) / "check_ins.parquet"
        export_check_ins(session, path, since=since, until=until)
        return run_engine(engine, [path], _index(cases), rule)


def propose_exposures(
    session: Session,
    actor: Actor,
    profiles: Mapping[str, DiseaseProfile],
    rule: ExposureRule,
    *,
    case_ids: Sequence[int] | None = None,
    jurisdiction_code: str | None = None,
    engine: Engine = "duckdb",
    now: datetime,
) -> ProposalReport:
    """Find everyone who shared a venue with the cases while infectious; propose them."""
    actor.require("cases:write")
    cases = index_cases(
        session, actor, profiles, rule, case_ids=case_ids, jurisdiction_code=jurisdiction_code
    )
    if not cases:
        return ProposalReport(0, 0, 0, engine)
    exposures = _exposures_from_database(session, cases, rule, engine)
    session.flush()
    rows = store_proposals(
        session.connection(), exposures, {c.case_id: c.jurisdiction_id for c in cases}, rule, now
    )
    ids = _new_ids(session, rows)
    audit.record(
        session,
        actor,
        "propose",
        "proposed_contacts",
        ids,
        engine=engine,
        cases=len(cases),
        rule=rule.name,
    )
    return ProposalReport(len(cases), exposures.num_rows, len(rows), engine, ids)


def _new_ids(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    keys = {(r["case_id"], r["person_id"], r["venue_id"]) for r in rows}
    cases = sorted({k[0] for k in keys})
    statement = select(
        ProposedContact.id,
        ProposedContact.case_id,
        ProposedContact.person_id,
        ProposedContact.venue_id,
    ).where(ProposedContact.case_id.in_(cases))
    return sorted(i for i, c, p, v in session.execute(statement) if (c, p, v) in keys)


def _whole_number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 19 else None


def _case_filter(text: str) -> ColumnElement[bool] | None:
    case_id = _whole_number(text)
    return None if case_id is None else ProposedContact.case_id == case_id


def _status_filter(text: str) -> ColumnElement[bool] | None:
    return None if text == "all" else ProposedContact.status == text


def _venue_filter(text: str) -> ColumnElement[bool] | None:
    venue_id = _whole_number(text)
    return None if venue_id is None else ProposedContact.venue_id == venue_id


def _on_day(text: str, zone: str) -> ColumnElement[bool] | None:
    """Shared time starting on the local day ``text`` (YYYY-MM-DD) in ``zone``; a
    malformed day means no filter, as every list filter (``fireline.listing``)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    start = day_start(day, zone)
    return (ProposedContact.exposure_start >= start) & (
        ProposedContact.exposure_start < start + timedelta(days=1)
    )


PROPOSALS = ListSpec(
    sorts={
        "case": (ProposedContact.case_id, ProposedContact.exposure_start, ProposedContact.id),
        "exposure": (ProposedContact.exposure_start, ProposedContact.id),
        "minutes": (ProposedContact.overlap_minutes, ProposedContact.id),
    },
    default_sort="exposure",
    filters={"case_id": _case_filter, "status": _status_filter, "venue_id": _venue_filter},
)


def list_proposals(
    session: Session, actor: Actor, query: ListQuery, place: Jurisdiction | None = None
) -> tuple[list[ProposedContact], int]:
    """A page of the proposals in scope (under ``place`` when given) and how many; by
    default those still to decide (``status``: proposed, confirmed, rejected or all),
    newest shared time first (``venue_id``, ``day``: filters). The read of personal data
    is audited."""
    actor.require("persons:read")
    if not query.value("status"):
        query = replace(query, filters={**query.filters, "status": "proposed"})
    if not query.sort:
        query = replace(query, sort="exposure", descending=True)
    scope = actor.within(place) if place is not None else actor
    statement = scope.restrict(select(ProposedContact), ProposedContact)
    on_day = _on_day(query.value("day"), place.timezone if place else DEFAULT_ZONE)
    if on_day is not None:
        statement = statement.where(on_day)
    rows, total = search_filter_sort_paginate(session, statement, PROPOSALS, query)
    audit.record(session, actor, "read", "proposed_contacts", [p.id for p in rows])
    return rows, total


def venues_by_id(session: Session, actor: Actor, ids: set[int]) -> dict[int, Venue]:
    """The venues in scope among ``ids`` (those a page of proposals names)."""
    if not ids:
        return {}
    statement = actor.restrict(select(Venue).where(Venue.id.in_(sorted(ids))), Venue)
    return {v.id: v for v in session.scalars(statement)}


@dataclass
class DecisionReport:
    decided: int
    contacts_created: int
    contact_ids: list[int] = field(default_factory=list)


def decide(
    session: Session,
    actor: Actor,
    proposal_ids: Sequence[int],
    decision: Decision,
    *,
    now: datetime,
) -> DecisionReport:
    """Confirm (list as contacts) or reject proposals in bulk: all of them or none."""
    actor.require("cases:write")
    wanted = sorted(set(proposal_ids))
    statement = actor.restrict(
        select(ProposedContact).where(ProposedContact.id.in_(wanted)), ProposedContact
    )
    proposals = list(session.scalars(statement.with_for_update()))
    if len(proposals) != len(wanted):
        raise NotFound("a proposed contact")
    decided = [p for p in proposals if p.status != "proposed"]
    if decided:
        raise Conflict(f"proposed contact {decided[0].id} was already {decided[0].status}")
    links: dict[tuple[int, int], int] = {}
    created: list[int] = []
    if decision == "confirm":
        links, created = _confirm(session, proposals)
    for p in proposals:
        p.status = "confirmed" if decision == "confirm" else "rejected"
        p.decided_by, p.decided_at = actor.user_id, now
        p.contact_id = links.get((p.case_id, p.person_id))
    session.flush()
    audit.record(session, actor, decision, "proposed_contacts", wanted, contacts=created)
    return DecisionReport(len(proposals), len(created), created)


def _confirm(
    session: Session, proposals: list[ProposedContact]
) -> tuple[dict[tuple[int, int], int], list[int]]:
    zones = dict(
        session.execute(
            select(Jurisdiction.id, Jurisdiction.timezone).where(
                Jurisdiction.id.in_({p.jurisdiction_id for p in proposals})
            )
        )
        .tuples()
        .all()
    )
    pairs = sorted({(p.case_id, p.person_id) for p in proposals})
    links = existing_contacts(session, pairs)
    drafts = [d for d in drafts_from(proposals, zones) if (d.case_id, d.person_id) not in links]
    new = create_contacts(session, drafts)
    return {**links, **new}, sorted(new.values())


def queue_venues(
    session: Session, actor: Actor, place: Jurisdiction | None = None, limit: int = 500
) -> list[tuple[int, str]]:
    """(id, name) of the venues with proposals in scope, for the queue's venue filter."""
    actor.require("persons:read")
    scope = actor.within(place) if place is not None else actor
    ids = scope.restrict(select(ProposedContact.venue_id).distinct(), ProposedContact)
    statement = actor.restrict(
        select(Venue.id, Venue.name).where(Venue.id.in_(ids.scalar_subquery())), Venue
    )
    rows = session.execute(statement.order_by(Venue.name, Venue.id).limit(limit))
    return [(int(i), str(name)) for i, name in rows]
