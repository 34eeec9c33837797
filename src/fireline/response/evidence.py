"""Tasks that complete themselves when their evidence exists, checked set-based.

One UPDATE per kind of evidence over all open tasks; the completion time is the
evidence's own time (when the contact was listed, the order entered, the sample
taken), so timeliness does not depend on how often the sweep runs.

Evidence (what each task type needs; the others need a person to complete them):
- interview_case, list_contacts: the case has at least one contact listed. The
  tracing mechanism has no interview record yet, so listing a contact is taken as
  proof of the interview; a case with no contacts is completed by hand.
- quarantine_contacts: the case has contacts and every one has a quarantine order
  issued (not a proposal waiting in the quarantine queue, not cancelled); done at the
  last order's issue time (a confirmed proposal's is its confirmation).
- sample_contacts: the case has contacts and every one has a sample taken.
- isolate_case: the case's person has an order of their own (no contact_id): isolation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Select,
    TableClause,
    case,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from fireline.db.sqlfn import drop, stage, working_memory, write_big
from fireline.lab.models import Sample
from fireline.quarantine.models import ISSUED_STATUSES, QuarantineOrder
from fireline.response.lights import utc
from fireline.response.models import ResponseTask
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact

Task = ResponseTask
ISSUED = case((QuarantineOrder.status.in_(ISSUED_STATUSES), 1), else_=0)
# The per-contact aggregates of a 100,000-case wave spilled 11-47 MB each to temporary
# files at PostgreSQL's default 4 MB (docs/benchmarks.md, "Bulk day").
EVIDENCE_MEMORY_MB = 128
CHANGED = "fl_evidence_cases"


def _open_cases(types: tuple[str, ...], among: TableClause | None = None) -> Select[Any]:
    """Cases with an open task of ``types`` (of ``among``'s cases when given): every
    aggregate below looks at these only, so a sweep's cost follows the open tasks, not
    the whole contact history."""
    task = aliased(ResponseTask)  # not the UPDATE's own table
    # A literal status, so that PostgreSQL sees that the partial index
    # ix_response_tasks_open_type_case holds these rows (not a bound parameter).
    is_open = task.status == literal_column("'open'")
    found = select(task.case_id).where(is_open, task.type.in_(types))
    if among is not None:
        found = found.where(task.case_id.in_(select(among.c.case_id)))
    return found


def _first_contact(types: tuple[str, ...], among: TableClause | None) -> Select[Any]:
    """Cases with a contact listed, and when the first was listed."""
    return (
        select(Contact.case_id, func.min(Contact.listed_at).label("at"))
        .where(Contact.case_id.in_(_open_cases(types, among)))
        .group_by(Contact.case_id)
    )


def _every_contact_ordered(types: tuple[str, ...], among: TableClause | None) -> Select[Any]:
    """Cases whose every contact has an issued order; the last issued order's time (any
    of the case's contacts, as the record of when quarantine was done)."""
    issued_at = case(
        (QuarantineOrder.status.in_(ISSUED_STATUSES), QuarantineOrder.created_at), else_=None
    )
    per_contact = (
        select(
            Contact.case_id,
            func.max(issued_at).label("last"),
            func.max(ISSUED).label("ordered"),
        )
        .outerjoin(QuarantineOrder, QuarantineOrder.contact_id == Contact.id)
        .where(Contact.case_id.in_(_open_cases(types, among)))
        .group_by(Contact.case_id, Contact.id)
        .subquery()
    )
    return (
        select(per_contact.c.case_id, func.max(per_contact.c.last).label("at"))
        .group_by(per_contact.c.case_id)
        .having(func.min(per_contact.c.ordered) == 1)
    )


def _every_contact_sampled(types: tuple[str, ...], among: TableClause | None) -> Select[Any]:
    """Cases whose every contact has a sample; the last sample's time. A contact without
    one joins to a single NULL row, so the minimum of "has a sample" is 0."""
    sampled = case((Sample.id.is_(None), 0), else_=1)
    return (
        select(Contact.case_id, func.max(Sample.collected_at).label("at"))
        .outerjoin(Sample, Sample.person_id == Contact.person_id)
        .where(Contact.case_id.in_(_open_cases(types, among)))
        .group_by(Contact.case_id)
        .having(func.min(sampled) == 1)
    )


def _isolated(types: tuple[str, ...], among: TableClause | None) -> Select[Any]:
    """Cases whose person has an order of their own (isolation) issued; the first such
    order's time (cancelled ones included, as before)."""
    return (
        select(Case.id.label("case_id"), func.min(QuarantineOrder.created_at).label("at"))
        .join(QuarantineOrder, QuarantineOrder.person_id == Case.person_id)
        .where(QuarantineOrder.contact_id.is_(None), Case.id.in_(_open_cases(types, among)))
        .group_by(Case.id)
        .having(func.max(ISSUED) == 1)
    )


Evidence = Callable[[tuple[str, ...], TableClause | None], Select[Any]]
RULES: list[tuple[tuple[str, ...], Evidence, str]] = [
    (("interview_case", "list_contacts"), _first_contact, "contacts"),
    (("quarantine_contacts",), _every_contact_ordered, "quarantine_orders"),
    (("sample_contacts",), _every_contact_sampled, "samples"),
    (("isolate_case",), _isolated, "isolation_order"),
]
"""(task types, the cases with that evidence and its time, evidence name)."""


def complete_by_evidence(
    session: Session, now: datetime, among: CompoundSelect[Any] | None = None
) -> int:
    """Close every open task whose evidence exists (of the cases ``among`` selects, when
    given: evidence_watch.changed_cases); returns how many were closed.

    One UPDATE ... FROM per rule, joined to the rule's per-case aggregate (a hash join
    on PostgreSQL), instead of correlated subqueries evaluated per task.
    """
    stamp = utc(now)
    closed = 0
    staged = None if among is None else stage(session, CHANGED, select(among.subquery()))
    with working_memory(session, EVIDENCE_MEMORY_MB):
        for types, evidence, name in RULES:
            closed += _complete(session, types, evidence(types, staged), name, stamp)
    if staged is not None:
        drop(session, CHANGED)
    return closed


def _complete(
    session: Session, types: tuple[str, ...], evidence: Select[Any], name: str, stamp: datetime
) -> int:
    """Close the open tasks of ``types`` whose case is in ``evidence`` (case id, time)."""
    found = evidence.subquery("evidence")
    statement = (
        update(Task)
        .where(Task.status == "open", Task.type.in_(types), Task.case_id == found.c.case_id)
        .values(
            status="done",
            # The evidence's own time, never after the sweep's clock: rows stamped
            # by another clock (an import, a demo) must not finish a task in the future.
            completed_at=case((found.c.at < stamp, found.c.at), else_=stamp),
            evidence=name,
            version=Task.version + 1,
            updated_at=stamp,
        )
        .execution_options(synchronize_session=False)
    )
    return write_big(session, statement, "response_tasks")
