"""A case reported by hand (the new-case form and ``POST /cases``): its values pass
``people.validation``, the person on file is never silently preferred over what was
typed, and a second case of the same disease for one person needs a reason.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.errors import Conflict
from fireline.people import validation as rules
from fireline.people.lookup import Difference, differences, update_from
from fireline.people.models import Person
from fireline.people.service import Found, PersonDetails, find_in_scope, find_or_create
from fireline.people.values import SEX
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.surveillance.schemas import CaseCreate, PersonIn

PERSON_FIELDS: Final = frozenset({"name", "national_id", "sex", "birth_date", "phone", "address"})
# A classification that says "not a case": an earlier one does not make a repeat.
NOT_A_CASE: Final = "discarded"


class PersonOnFile(Conflict):
    """409: the national ID names a person on file whose details differ from the typed
    ones; the answer carries both, for the user to choose (``existing_person``)."""

    def __init__(self, person: Person, found: list[Difference]) -> None:
        super().__init__(
            f"the national ID belongs to person {person.id} on file, whose "
            f"{', '.join(d.field for d in found)} differ from those given: send "
            "existing_person 'keep' to use the record as it is, or 'update' to update it"
        )
        self.person = person
        self.differences = found
        self.extensions = {
            "person_id": person.id,
            "differences": [
                {"field": d.field, "on_file": d.on_file, "typed": d.typed} for d in found
            ],
        }


class RepeatCase(Conflict):
    """409: the person has a case of this disease already; ``repeat_reason`` overrides."""

    def __init__(self, cases: list[tuple[int, str, date]]) -> None:
        first = cases[0]
        super().__init__(
            f"this person has a {first[1]} case of this disease already (case {first[0]}, "
            f"reported {first[2].isoformat()}); give repeat_reason to report another"
        )
        self.cases = cases
        self.extensions = {"cases": [c[0] for c in cases]}


def _loc(field: str) -> list[str]:
    return ["body", "person", field] if field in PERSON_FIELDS else ["body", field]


def refuse(refusals: list[rules.Invalid]) -> None:
    """Raise 422 naming each refused field where the request has it."""
    if refusals:
        problem = rules.Refused(refusals)
        problem.extensions["errors"] = [
            {"loc": _loc(r.field), "msg": str(r), "type": "value_error"} for r in refusals
        ]
        raise problem


def checked_details(context: Context, place: Jurisdiction, data: CaseCreate) -> PersonDetails:
    """The typed person, with birth date and sex filled from the resident ID, after every
    date rule (by today in the case's jurisdiction); refused with every reason at once."""
    today = context.today(place)
    typed: PersonIn | None = data.person
    refusals: list[rules.Invalid] = []
    birth = typed.birth_date if typed else None
    sex = _sex(typed.sex) if typed else None
    if typed is not None and typed.national_id:
        try:
            rid = rules.resident_id(typed.national_id, today)
        except rules.Invalid as refused:
            refusals.append(refused)
        else:
            birth, sex, contradictions = rules.fill_from_id(rid, birth, sex)
            refusals += contradictions
    refusals += rules.case_dates(
        today,
        birth_date=birth,
        date_onset=data.date_onset,
        date_reporting=data.date_reporting,
        date_confirmation=data.date_confirmation,
    )
    refuse(refusals)
    if typed is None:
        return PersonDetails(name="")
    return PersonDetails(
        name=typed.name,
        national_id=typed.national_id,
        sex=sex,
        birth_date=birth,
        phone=typed.phone,
        address=typed.address,
    )


def _sex(text: str | None) -> str | None:
    return (SEX.get(text.casefold()) or text) if text else None


def person_for(
    session: Session, actor: Actor, data: CaseCreate, details: PersonDetails, place: Jurisdiction
) -> Found:
    """The person by id, the person on file with this national ID (when what was typed
    agrees with it, or the user chose), or a new person."""
    on_file: Person | None
    if data.person_id is not None:
        on_file = actor.get(session, Person, data.person_id, f"person {data.person_id}")
        if data.person is None:
            return Found(on_file, False)
    else:
        on_file = find_in_scope(session, actor, details)
    if on_file is not None:
        found = differences(on_file, details)
        if found and data.existing_person == "ask":
            raise PersonOnFile(on_file, found)
        if found and data.existing_person == "update":
            update_from(session, actor, on_file, details, [d.field for d in found])
        return Found(on_file, False)
    return find_or_create(session, actor, details, place.id)


def refuse_repeat(
    session: Session, actor: Actor, person_id: int, disease: str, reason: str | None
) -> None:
    """A second case of one disease for one person (five confirmed the same day, say) is
    refused unless a reason is given (stored in the case's history, audited)."""
    if reason and reason.strip():
        return
    statement = (
        select(Case.id, Case.classification, Case.date_reporting)
        .where(
            Case.person_id == person_id,
            Case.disease == disease,
            Case.classification != NOT_A_CASE,
        )
        .order_by(Case.date_reporting.desc(), Case.id.desc())
        .limit(5)
    )
    known = list(session.execute(actor.restrict(statement, Case)).tuples())
    if known:
        raise RepeatCase(known)
