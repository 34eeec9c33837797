"""Cases: create, read with history, update with a version, reclassify per the profile.

Every function takes the session and the acting user; scope goes through the
:class:`~fireline.auth.scope.Actor`; every write and every read of the person
behind a case is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.pagination import PageParams, count
from fireline.people.models import Person
from fireline.people.service import Found, PersonDetails, find_or_create
from fireline.people.values import SEX, phone_digits
from fireline.places.models import Jurisdiction, subtree_ids
from fireline.surveillance.intake.values import OUTCOME_CODES
from fireline.surveillance.models import Case, ClassificationChange
from fireline.surveillance.schemas import CaseCreate, CaseDates, CaseUpdate, PersonIn


@dataclass(frozen=True)
class CaseFilters:
    disease: str | None = None
    classification: str | None = None
    jurisdiction_code: str | None = None
    reported_from: date | None = None
    reported_to: date | None = None


def profile_for(disease: str) -> DiseaseProfile:
    profiles = load_profiles()
    if disease not in profiles:
        raise Problem(422, f"unknown disease {disease!r}; known: {', '.join(sorted(profiles))}")
    return profiles[disease]


def check_classification(profile: DiseaseProfile, code: str) -> None:
    known = [c.code for c in profile.classifications.items]
    if code not in known:
        raise Problem(
            422, f"{profile.code} has no classification {code!r}; known: {', '.join(known)}"
        )


def _check_values(values: CaseDates, onset: date | None, reporting: date | None) -> None:
    if values.outcome is not None and values.outcome not in OUTCOME_CODES:
        raise Problem(422, f"outcome must be one of {', '.join(OUTCOME_CODES)}")
    if onset is not None and reporting is not None and onset > reporting:
        raise Problem(422, "the onset date is after the report date")


def create_case(session: Session, actor: Actor, data: CaseCreate) -> tuple[Case, int]:
    """A new case and the number of person-match proposals it raised."""
    actor.require("cases:write")
    profile = profile_for(data.disease)
    check_classification(profile, data.classification)
    _check_values(data, data.date_onset, data.date_reporting)
    place = actor.jurisdiction(session, data.jurisdiction_code)
    _refuse_known_external_id(session, actor, data.source, data.external_id)
    found = _person_for(session, actor, data, place)
    person, created = found.person, found.created
    case = Case(
        person_id=person.id,
        jurisdiction_id=place.id,
        disease=profile.code,
        source=data.source,
        external_id=data.external_id,
        classification=data.classification,
        date_reporting=data.date_reporting,
        date_onset=data.date_onset,
        date_confirmation=data.date_confirmation,
        imported=bool(data.imported),
        outcome=data.outcome,
        date_outcome=data.date_outcome,
        created_by=actor.user_id,
    )
    session.add(case)
    session.flush()
    proposed = found.proposed
    audit.record(
        session,
        actor,
        "create",
        "case",
        [case.id],
        jurisdiction_id=place.id,
        person=person.id,
        person_created=created,
    )
    session.flush()
    return case, proposed


def _refuse_known_external_id(
    session: Session, actor: Actor, source: str, external_id: str | None
) -> None:
    """The idempotency key is looked up in the actor's subtree only: another county's case
    with the same (source, external_id) is neither revealed nor refused (OWASP API1)."""
    if external_id is None:
        return
    statement = select(Case.id).where(Case.source == source, Case.external_id == external_id)
    known = session.scalar(actor.restrict(statement, Case).limit(1))
    if known is not None:
        raise Conflict(f"{source} case {external_id} was reported already")


def _person_for(
    session: Session, actor: Actor, data: CaseCreate, place: Jurisdiction
) -> Found:
    """The person in scope by id, the person in scope with the same national ID, or a new one
    (see ``people.service.find_or_create``: never a person outside the actor's subtree)."""
    if data.person_id is not None:
        return Found(actor.get(session, Person, data.person_id, f"person {data.person_id}"), False)
    details: PersonIn = data.person  # type: ignore[assignment]  # checked by the schema
    sex = SEX.get((details.sex or "").casefold()) if details.sex else None
    return find_or_create(
        session,
        actor,
        PersonDetails(
            name=details.name,
            national_id=details.national_id,
            sex=sex or details.sex,
            birth_date=details.birth_date,
            phone=phone_digits(details.phone) if details.phone else None,
            address=details.address,
        ),
        place.id,
    )


def _case_query(
    actor: Actor, filters: CaseFilters, place: Jurisdiction | None
) -> Select[tuple[Case, str]]:
    statement = actor.restrict(
        select(Case, Person.name).join(Person, Person.id == Case.person_id), Case
    )
    if place is not None:  # a subtree inside the actor's, found through actor.jurisdiction
        statement = statement.where(Case.jurisdiction_id.in_(subtree_ids(place.path)))
    if filters.disease:
        statement = statement.where(Case.disease == filters.disease)
    if filters.classification:
        statement = statement.where(Case.classification == filters.classification)
    if filters.reported_from:
        statement = statement.where(Case.date_reporting >= filters.reported_from)
    if filters.reported_to:
        statement = statement.where(Case.date_reporting <= filters.reported_to)
    return statement.order_by(Case.date_reporting.desc(), Case.id.desc())


def list_cases(
    session: Session, actor: Actor, params: PageParams, filters: CaseFilters
) -> tuple[list[tuple[Case, str]], int]:
    """A page of cases in scope with their person's name; the read is audited."""
    actor.require("cases:read")
    code = filters.jurisdiction_code
    place = actor.jurisdiction(session, code) if code else None
    statement = _case_query(actor, filters, place)
    rows = [
        r._tuple() for r in session.execute(statement.limit(params.limit).offset(params.offset))
    ]
    audit.record(
        session,
        actor,
        "read",
        "case",
        [c.id for c, _ in rows],
        jurisdiction_id=actor.jurisdiction_id or None,
        persons=[c.person_id for c, _ in rows],
    )
    return rows, count(session, statement)


def get_case(session: Session, actor: Actor, case_id: int) -> tuple[Case, Person]:
    """One case in scope and its person (a read of personal data: audited)."""
    actor.require("cases:read")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    person = session.get_one(Person, case.person_id)
    audit.record(
        session,
        actor,
        "read",
        "case",
        [case.id],
        jurisdiction_id=case.jurisdiction_id,
        persons=[person.id],
    )
    return case, person


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's classification history; ``id`` is None for its creation."""

    id: int | None
    from_classification: str | None
    to_classification: str
    user_id: int | None
    at: datetime
    reason: str | None


def history(session: Session, case: Case) -> list[HistoryEntry]:
    """The case's creation ("created as X by Y at T"), then every recorded change.

    ``classification_changes`` holds the moves only; the creation is read from the
    case itself: its initial classification is the first move's ``from`` (or the
    current one when it never moved), by ``created_by`` at ``created_at``. A change
    row without ``from`` (written by versions that recorded the creation) is that
    creation and is shown as it is.
    """
    statement = (
        select(ClassificationChange)
        .where(ClassificationChange.case_id == case.id)
        .order_by(ClassificationChange.at, ClassificationChange.id)
    )
    changes = [
        HistoryEntry(c.id, c.from_classification, c.to_classification, c.user_id, c.at, c.reason)
        for c in session.scalars(statement)
    ]
    if changes and changes[0].from_classification is None:
        return changes
    initial = changes[0].from_classification if changes else case.classification
    reason = f"imported in batch {case.import_batch_id}" if case.import_batch_id else "reported"
    created = HistoryEntry(
        None, None, initial or case.classification, case.created_by, case.created_at, reason
    )
    return [created, *changes]


def allowed_transitions(case: Case) -> list[str]:
    return list(profile_for(case.disease).classification(case.classification).transitions)


def _check_version(case: Case, version: int) -> None:
    if case.version != version:
        raise Conflict(
            f"case {case.id} is at version {case.version}, not {version}; reload it and try again"
        )


def update_case(session: Session, actor: Actor, case_id: int, data: CaseUpdate) -> Case:
    """Apply the fields given; the ``version`` must be the current one (else 409)."""
    actor.require("cases:write")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    _check_version(case, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "jurisdiction_code"})
    onset = changes.get("date_onset", case.date_onset)
    reporting = changes.get("date_reporting", case.date_reporting)
    _check_values(data, onset, reporting)
    if data.jurisdiction_code is not None:
        case.jurisdiction_id = actor.jurisdiction(session, data.jurisdiction_code).id
        changes["jurisdiction_id"] = case.jurisdiction_id
    if changes.get("imported", True) is None:
        changes.pop("imported")
    for name, value in changes.items():
        setattr(case, name, value)
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "case",
        [case.id],
        jurisdiction_id=case.jurisdiction_id,
        fields=sorted(changes),
    )
    return case


def reclassify(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    to: str,
    version: int,
    reason: str | None = None,
    date_confirmation: date | None = None,
) -> Case:
    """Move a case along its disease profile's transitions, recording who and when."""
    actor.require("cases:write")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    _check_version(case, version)
    profile = profile_for(case.disease)
    check_classification(profile, to)
    if not profile.can_transition(case.classification, to):
        allowed = list(profile.classification(case.classification).transitions)
        raise Problem(409, f"a {case.classification} case cannot become {to}", allowed=allowed)
    session.add(
        ClassificationChange(
            case_id=case.id,
            from_classification=case.classification,
            to_classification=to,
            user_id=actor.user_id,
            reason=reason,
        )
    )
    previous, case.classification = case.classification, to
    if to == "confirmed" and case.date_confirmation is None:
        case.date_confirmation = date_confirmation or _today(session, case)
    session.flush()
    audit.record(
        session,
        actor,
        "classify",
        "case",
        [case.id],
        jurisdiction_id=case.jurisdiction_id,
        from_classification=previous,
        to_classification=to,
    )
    return case


def _today(session: Session, case: Case) -> date:
    """Today in the case's jurisdiction (docs/architecture.md, "Time": display and dates
    are local)."""
    place = session.get_one(Jurisdiction, case.jurisdiction_id)
    return datetime.now(ZoneInfo(place.timezone)).date()
