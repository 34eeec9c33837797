"""Tasks that complete themselves when their evidence exists, checked set-based.

One UPDATE per kind of evidence over all open tasks; the completion time is the
evidence's own time (when the contact was listed, the order entered, the sample
taken), so timeliness does not depend on how often the sweep runs.

Evidence (what each task type needs; the others need a person to complete them):
- interview_case, list_contacts: the case has at least one contact listed. The
  tracing mechanism has no interview record yet, so listing a contact is taken as
  proof of the interview; a case with no contacts is completed by hand.
- quarantine_contacts: the case has contacts and every one has a quarantine order
  (not cancelled).
- sample_contacts: the case has contacts and every one has a sample taken.
- isolate_case: the case's person has an order of their own (no contact_id): isolation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from fireline.quarantine.models import QuarantineOrder
from fireline.response.lights import utc
from fireline.response.models import ResponseTask
from fireline.response.sqlfn import write
from fireline.surveillance.models import Case
from fireline.testing.models import Sample
from fireline.tracing.models import Contact

Task = ResponseTask


def _has_contacts() -> ColumnElement[bool]:
    return exists().where(Contact.case_id == Task.case_id)


def _first_listed() -> Any:
    return select(func.min(Contact.listed_at)).where(Contact.case_id == Task.case_id)


def _every_contact(has: ColumnElement[bool]) -> ColumnElement[bool]:
    """The case has contacts and ``has`` holds for each of them."""
    lacking = exists().where(Contact.case_id == Task.case_id, ~has)
    return _has_contacts() & ~lacking


def _ordered() -> ColumnElement[bool]:
    return exists().where(
        QuarantineOrder.contact_id == Contact.id, QuarantineOrder.status != "cancelled"
    )


def _last_order() -> Any:
    return (
        select(func.max(QuarantineOrder.created_at))
        .join(Contact, Contact.id == QuarantineOrder.contact_id)
        .where(Contact.case_id == Task.case_id)
    )


def _sampled() -> ColumnElement[bool]:
    return exists().where(Sample.person_id == Contact.person_id)


def _last_sample() -> Any:
    return (
        select(func.max(Sample.collected_at))
        .join(Contact, Contact.person_id == Sample.person_id)
        .where(Contact.case_id == Task.case_id)
    )


def _case_person() -> Any:
    return select(Case.person_id).where(Case.id == Task.case_id).correlate(Task).scalar_subquery()


def _isolated() -> ColumnElement[bool]:
    return exists().where(
        QuarantineOrder.person_id == _case_person(),
        QuarantineOrder.contact_id.is_(None),
        QuarantineOrder.status != "cancelled",
    )


def _isolated_at() -> Any:
    return select(func.min(QuarantineOrder.created_at)).where(
        QuarantineOrder.person_id == _case_person(), QuarantineOrder.contact_id.is_(None)
    )


def _rules() -> list[tuple[tuple[str, ...], ColumnElement[bool], Any, str]]:
    """(task types, evidence condition, evidence time, evidence name)."""
    return [
        (("interview_case", "list_contacts"), _has_contacts(), _first_listed(), "contacts"),
        (("quarantine_contacts",), _every_contact(_ordered()), _last_order(), "quarantine_orders"),
        (("sample_contacts",), _every_contact(_sampled()), _last_sample(), "samples"),
        (("isolate_case",), _isolated(), _isolated_at(), "isolation_order"),
    ]


def complete_by_evidence(session: Session, now: datetime) -> int:
    """Close every open task whose evidence exists; returns how many were closed."""
    stamp = utc(now)
    closed = 0
    for types, condition, when, name in _rules():
        statement = (
            update(Task)
            .where(Task.status == "open", Task.type.in_(types), Task.case_id.is_not(None))
            .where(condition)
            .values(
                status="done",
                completed_at=func.coalesce(when.scalar_subquery(), stamp),
                evidence=name,
                version=Task.version + 1,
                updated_at=stamp,
            )
            .execution_options(synchronize_session=False)
        )
        closed += write(session, statement)
    return closed
