"""Reading lab results: the list the results page and the API share, one result with every
revision of it, and a lab message's report.

Every read goes through the context's actor, narrowed to the jurisdiction asked for. A
person's name and a sample's barcode are personal data: they are read with
``persons:read`` only, and every read is audited here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.lab.models import TEST_TYPES, LabMessage, LabResult, Sample
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case

OUTCOMES: Final = ("positive", "negative", "inconclusive")
# Filters that name a sample: only for roles that may read persons.
PERSONAL_FILTERS: Final = ("barcode",)

# A result without a Ct sorts as if beyond any run (both databases order NULLs alike then).
NO_CT: Final = 100.0

RESULT_LIST: Final = ListSpec(
    sorts={
        "resulted": (LabResult.resulted_at, LabResult.id),
        "ct": (func.coalesce(LabResult.ct_value, NO_CT), LabResult.id),
    },
    default_sort="resulted",
    filters={
        "outcome": lambda v: LabResult.outcome == v if v in OUTCOMES else None,
        "test": lambda v: LabResult.test_type == v if v in TEST_TYPES else None,
        "disease": lambda v: Sample.disease == v,
        "barcode": lambda v: Sample.barcode == v,
    },
    search=lambda text: [Sample.barcode.startswith(text, autoescape=True)],
)


class ResultRow(NamedTuple):
    result: LabResult
    sample: Sample
    person: Person | None  # None for roles without persons:read


def _without_personal_filters(query: ListQuery) -> ListQuery:
    """A viewer may not look a barcode up: its filters and search are dropped."""
    kept = {k: v for k, v in query.filters.items() if k not in PERSONAL_FILTERS}
    return replace(query, filters=kept, q="")


def list_results(
    session: Session, context: Context, query: ListQuery
) -> tuple[list[ResultRow], int]:
    """Current results in the context's scope, newest first by default, with their samples
    and (for ``persons:read``) persons. The read is audited with the persons it names."""
    actor = context.actor
    actor.require("records:read")
    named = actor.can("persons:read")
    statement = actor.restrict(
        select(LabResult, Sample, Person)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(Person, Person.id == Sample.person_id)
        .where(LabResult.current.is_(True)),
        LabResult,
    )
    asked = query if named else _without_personal_filters(query)
    found, total = search_filter_sort_paginate(
        session, statement, RESULT_LIST, asked, scalars=False
    )
    rows = [ResultRow(r, s, p if named else None) for r, s, p in found]
    audit.record(
        session,
        actor,
        "read",
        "lab_result",
        [row.result.id for row in rows],
        jurisdiction_id=actor.jurisdiction_id or None,
        persons=[row.person.id for row in rows if row.person is not None],
    )
    return rows, total


@dataclass(frozen=True)
class ResultFile:
    """One result, what it was taken from, and every revision of it (oldest first)."""

    result: LabResult
    sample: Sample
    person: Person
    case: Case | None
    place: Jurisdiction
    history: list[LabResult]


def revisions(session: Session, actor: Actor, result: LabResult) -> list[LabResult]:
    """Every revision of ``result``, oldest first. A result id is a key per jurisdiction:
    another county's results with the same id are not revisions of this one."""
    if result.external_id is None:
        return [result]
    statement = select(LabResult).where(
        LabResult.source == result.source,
        LabResult.external_id == result.external_id,
        LabResult.jurisdiction_id == result.jurisdiction_id,
    )
    return list(session.scalars(actor.restrict(statement, LabResult).order_by(LabResult.revision)))


def result_file(session: Session, actor: Actor, result_id: int) -> ResultFile:
    """The result in scope (404 otherwise) with its sample, person, case and revisions."""
    actor.require("persons:read")
    result: LabResult = actor.get(session, LabResult, result_id, f"lab result {result_id}")
    sample = session.get_one(Sample, result.sample_id)
    person = session.get_one(Person, sample.person_id)
    case = session.get(Case, result.case_id) if result.case_id else None
    place = session.get_one(Jurisdiction, sample.jurisdiction_id)
    audit.record(
        session,
        actor,
        "read",
        "lab_result",
        [result.id],
        jurisdiction_id=result.jurisdiction_id,
        persons=[person.id],
    )
    return ResultFile(result, sample, person, case, place, revisions(session, actor, result))


def get_message(session: Session, actor: Actor, message_id: int) -> LabMessage:
    """A lab message in scope (what it changed), or 404."""
    actor.require("records:read")
    found: LabMessage = actor.get(session, LabMessage, message_id, f"lab message {message_id}")
    return found
