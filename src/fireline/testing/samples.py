"""Samples: registration by barcode, the person behind them, lists, turnaround per lab and site.

Who may write: the roles with ``samples:write`` (lab, investigator, admin). Reads of
samples name persons, so they need ``persons:read`` and are audited.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import DEFAULT_ZONE, Context
from fireline.errors import Conflict, Problem
from fireline.lab.models import LabResult, Sample
from fireline.listing import Filter, ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.people.service import PersonDetails, find_or_create, propose
from fireline.people.values import SEX, phone_digits
from fireline.places.models import Jurisdiction
from fireline.testing.schemas import PersonRef, SampleCreate, Turnaround


def require_write(actor: Actor) -> None:
    """Samples, pool tubes and results need ``samples:write`` (lab, investigator, admin)."""
    actor.require("samples:write")


@dataclass
class PersonTally:
    """Persons made for unknown patients, and the match proposals they raised."""

    created: int = 0
    proposed: int = 0
    new_ids: list[int] = field(default_factory=list)


def person_for(
    session: Session, actor: Actor, place: Jurisdiction, ref: PersonRef, tally: PersonTally
) -> Person:
    """The person in scope with this national ID, or a new one for the matching queue
    (``people.service.find_or_create``: never a person outside the actor's subtree)."""
    sex = SEX.get((ref.sex or "").casefold()) if ref.sex else None
    details = PersonDetails(
        name=ref.name,
        national_id=ref.national_id,
        sex=sex or ref.sex,
        birth_date=ref.birth_date,
        phone=phone_digits(ref.phone) if ref.phone else None,
    )
    found = find_or_create(session, actor, details, place.id, propose=False)
    if found.created:
        tally.created += 1
        tally.new_ids.append(found.person.id)
    return found.person


def propose_new(session: Session, actor: Actor, tally: PersonTally) -> None:
    """Send the persons made for unknown patients to the matching queue (never merged here)."""
    tally.proposed += propose(session, actor, tally.new_ids)
    tally.new_ids.clear()


def sample_by_barcode(session: Session, actor: Actor, barcode: str) -> Sample | None:
    """The sample in the actor's subtree with this barcode (the oldest, should a user above
    two counties see the same barcode in both); one outside answers as no sample at all."""
    statement = select(Sample).where(Sample.barcode == barcode).order_by(Sample.id)
    found: Sample | None = session.scalars(actor.restrict(statement, Sample)).first()
    return found


def barcode_taken(session: Session, actor: Actor, barcode: str, jurisdiction_id: int) -> bool:
    """Barcodes are unique per jurisdiction; the target's is in scope (resolved through
    ``actor.jurisdiction``), so the answer says nothing about other counties."""
    statement = select(Sample.id).where(
        Sample.barcode == barcode, Sample.jurisdiction_id == jurisdiction_id
    )
    return session.scalar(statement) is not None


def register_sample(session: Session, actor: Actor, data: SampleCreate) -> Sample:
    """A new sample; a barcode already on file is refused with 409."""
    require_write(actor)
    place = actor.jurisdiction(session, data.jurisdiction_code)
    if barcode_taken(session, actor, data.barcode, place.id):
        raise Conflict(f"sample barcode {data.barcode} is already registered")
    tally = PersonTally()
    if data.person_id is not None:
        person = actor.get(session, Person, data.person_id, f"person {data.person_id}")
    elif data.person is not None:
        person = person_for(session, actor, place, data.person, tally)
    else:
        raise Problem(
            422,
            "give person_id or person",
            errors=[{"path": "person", "message": "a sample needs the person it was taken from"}],
        )
    sample = Sample(
        barcode=data.barcode,
        person_id=person.id,
        disease=data.disease,
        sample_type=data.sample_type,
        collected_at=data.collected_at,
        site=data.site,
        lab=data.lab,
        received_at=data.received_at,
        jurisdiction_id=place.id,
    )
    session.add(sample)
    session.flush()
    propose_new(session, actor, tally)
    audit.record(
        session, actor, "create", "sample", [sample.id], jurisdiction_id=place.id, person=person.id
    )
    return sample


def local_zone(session: Session, actor: Actor) -> ZoneInfo:
    """The time zone of the jurisdiction the actor acts in (the default for the system)."""
    place = session.get(Jurisdiction, actor.jurisdiction_id) if actor.jurisdiction_id else None
    return ZoneInfo(place.timezone if place is not None else DEFAULT_ZONE)


def _collected(zone: ZoneInfo, *, until: bool) -> Filter:
    """``since``/``until`` a ``YYYY-MM-DD`` day in ``zone``, both days included."""

    def condition(text: str) -> ColumnElement[bool] | None:
        try:
            start = datetime.combine(date.fromisoformat(text), time(), zone)
        except ValueError:
            return None
        if until:
            return Sample.collected_at < start + timedelta(days=1)
        return Sample.collected_at >= start

    return condition


def sample_list(zone: ZoneInfo) -> ListSpec:
    """How the sample list answers: by barcode, site and collection days (in ``zone``)."""
    return ListSpec(
        sorts={
            "collected": (Sample.collected_at, Sample.id),
            "received": (Sample.received_at, Sample.id),
            "barcode": (Sample.barcode,),
        },
        default_sort="collected",
        filters={
            "barcode": lambda v: Sample.barcode == v,
            "site": lambda v: Sample.site == v,
            "disease": lambda v: Sample.disease == v,
            "since": _collected(zone, until=False),
            "until": _collected(zone, until=True),
        },
        search=lambda text: [Sample.barcode.startswith(text, autoescape=True)],
    )


def list_samples(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[tuple[Sample, Person]], int]:
    """Samples with their persons in the context's scope, newest first by default; the
    page and the API both list them here, and the read is audited."""
    actor = context.actor
    actor.require("persons:read")
    statement = actor.restrict(
        select(Sample, Person).join(Person, Person.id == Sample.person_id), Sample
    )
    spec = sample_list(local_zone(session, actor))
    found, total = search_filter_sort_paginate(session, statement, spec, query, scalars=False)
    rows = [(sample, person) for sample, person in found]
    audit.record(
        session,
        actor,
        "read",
        "sample",
        [s.id for s, _ in rows],
        jurisdiction_id=actor.jurisdiction_id or None,
        persons=[p.id for _, p in rows],
    )
    return rows, total


def get_sample(session: Session, actor: Actor, sample_id: int) -> Sample:
    actor.require("persons:read")
    sample: Sample = actor.get(session, Sample, sample_id, f"sample {sample_id}")
    audit.record(
        session,
        actor,
        "read",
        "sample",
        [sample.id],
        jurisdiction_id=sample.jurisdiction_id,
        persons=[sample.person_id],
    )
    return sample


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 3600


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 2) if present else None


def turnaround(
    session: Session, actor: Actor, since: datetime | None, query: ListQuery
) -> tuple[list[Turnaround], int]:
    """Median hours from collection to receipt to result, per lab and site (current results):
    one page of the labs and sites, in their order, and how many there are."""
    actor.require("records:read")
    statement = actor.restrict(
        select(
            Sample.lab, Sample.site, Sample.collected_at, Sample.received_at, LabResult.resulted_at
        )
        .join(Sample, Sample.id == LabResult.sample_id)
        .where(LabResult.current.is_(True)),
        LabResult,
    )
    if since is not None:
        statement = statement.where(LabResult.resulted_at >= since)
    groups: dict[tuple[str | None, str | None], list[tuple[float | None, ...]]] = defaultdict(list)
    for lab, site, collected, received, resulted in session.execute(statement):
        groups[(lab, site)].append(
            (_hours(collected, received), _hours(received, resulted), _hours(collected, resulted))
        )
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][0] or "", kv[0][1] or ""))
    shown = ordered[query.offset : query.offset + query.limit]
    return [_turnaround(lab, site, rows) for (lab, site), rows in shown], len(ordered)


def _turnaround(
    lab: str | None, site: str | None, rows: list[tuple[float | None, ...]]
) -> Turnaround:
    return Turnaround(
        lab=lab,
        site=site,
        results=len(rows),
        collect_to_receipt_h=_median([r[0] for r in rows]),
        receipt_to_result_h=_median([r[1] for r in rows]),
        collect_to_result_h=_median([r[2] for r in rows]),
    )
