"""Cases: create, read with history, update with a version, reclassify per the profile.

Every function takes the session and the acting user, or the request's
:class:`~fireline.context.Context` where the deployment's disease profiles or the clock
matter (creating and reclassifying); scope goes through the
:class:`~fireline.auth.scope.Actor`; every write and every read of the person behind a
case is audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Forbidden, Problem
from fireline.people import validation as rules
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.caselist import can_read_cases, shows_persons
from fireline.surveillance.counts.models import CaseDailyCount as Daily
from fireline.surveillance.intake import manual
from fireline.surveillance.intake.values import OUTCOME_CODES
from fireline.surveillance.models import Case, ClassificationChange
from fireline.surveillance.schemas import CaseCreate, CaseDates, CaseUpdate


def known_profile(profiles: Mapping[str, DiseaseProfile], disease: str) -> DiseaseProfile:
    """The deployment's profile of ``disease``, or 422 naming the known ones."""
    profile = profiles.get(disease)
    if profile is None:
        raise Problem(422, f"unknown disease {disease!r}; known: {', '.join(sorted(profiles))}")
    return profile


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


def create_case(session: Session, context: Context, data: CaseCreate) -> tuple[Case, int]:
    """A new case of a disease the deployment's profiles know, and the number of
    person-match proposals it raised. Its values pass ``people.validation`` (see
    ``intake.manual``); a person on file that differs from the typed one, and a second
    case of the disease for one person, are refused (409) unless the request chose."""
    actor = context.actor
    actor.require("cases:write")
    profile = known_profile(context.profiles, data.disease)
    check_classification(profile, data.classification)
    place = actor.jurisdiction(session, data.jurisdiction_code)
    details = manual.checked_details(context, place, data)
    _check_values(data, data.date_onset, data.date_reporting)
    _refuse_known_external_id(session, actor, data.source, data.external_id)
    found = manual.person_for(session, actor, data, details, place)
    person, created = found.person, found.created
    if not created:
        manual.refuse_repeat(session, actor, person.id, profile.code, data.repeat_reason)
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
    repeat = data.repeat_reason.strip() if data.repeat_reason and not created else None
    if repeat:
        # Kept as the creation line of the case's history (see ``history``).
        session.add(
            ClassificationChange(
                case_id=case.id,
                from_classification=None,
                to_classification=case.classification,
                user_id=actor.user_id,
                reason=f"repeat case: {repeat}",
            )
        )
    audit.record(
        session,
        actor,
        "create",
        "case",
        [case.id],
        jurisdiction_id=place.id,
        person=person.id,
        person_created=created,
        repeat=bool(repeat),
    )
    session.flush()
    return case, found.proposed


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


def case_for_reading(session: Session, actor: Actor, case_id: int) -> tuple[Case, Person | None]:
    """One case in scope (else 404) for the roles that may see cases, with its person for
    those that may read persons: that read of personal data is audited."""
    if not can_read_cases(actor):
        raise Forbidden(f"the {actor.role} role does not allow reading cases")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    if not shows_persons(actor):
        return case, None
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


def cases_by_disease(session: Session, actor: Actor) -> dict[str, int]:
    """How many cases each disease has in the actor's scope (counts only), from the
    daily counts the database keeps (surveillance/counts): every dashboard asks."""
    statement = select(Daily.disease, func.sum(Daily.case_count)).group_by(Daily.disease)
    statement = actor.restrict(statement, Daily)
    return {disease: int(n) for disease, n in session.execute(statement).tuples()}


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


def history_with_usernames(session: Session, case: Case) -> list[tuple[HistoryEntry, str]]:
    """The case's history, each line with the username of who made it ("" if none)."""
    entries = history(session, case)
    ids = {e.user_id for e in entries if e.user_id}
    statement = select(User.id, User.username).where(User.id.in_(ids))
    names = dict(session.execute(statement).tuples().all()) if ids else {}
    return [(e, names.get(e.user_id, "") if e.user_id else "") for e in entries]


def allowed_transitions(profiles: Mapping[str, DiseaseProfile], case: Case) -> list[str]:
    """Where the case's classification may move next, per the deployment's profile."""
    profile = known_profile(profiles, case.disease)
    return list(profile.classification(case.classification).transitions)


def _check_version(case: Case, version: int) -> None:
    if case.version != version:
        raise Conflict(
            f"case {case.id} is at version {case.version}, not {version}; reload it and try again"
        )


def update_case(session: Session, context: Context, case_id: int, data: CaseUpdate) -> Case:
    """Apply the fields given; the ``version`` must be the current one (else 409). The
    changed dates pass the same rule as a new case's (none after today in the case's
    jurisdiction, onset before report: ``people.validation.case_dates``)."""
    actor = context.actor
    actor.require("cases:write")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    _check_version(case, data.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "jurisdiction_code"})
    onset = changes.get("date_onset", case.date_onset)
    reporting = changes.get("date_reporting", case.date_reporting)
    manual.refuse(
        rules.case_dates(
            context.today(session.get(Jurisdiction, case.jurisdiction_id)),
            date_onset=onset,
            date_reporting=reporting,
            date_confirmation=changes.get("date_confirmation", case.date_confirmation),
        )
    )
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
    context: Context,
    case_id: int,
    *,
    to: str,
    version: int,
    reason: str | None = None,
    date_confirmation: date | None = None,
) -> Case:
    """Move a case along its disease profile's transitions, recording who and when; a
    confirmation is dated today in the case's jurisdiction unless a date is given."""
    actor = context.actor
    actor.require("cases:write")
    case: Case = actor.get(session, Case, case_id, f"case {case_id}")
    _check_version(case, version)
    profile = known_profile(context.profiles, case.disease)
    check_classification(profile, to)
    if not profile.can_transition(case.classification, to):
        allowed = list(profile.classification(case.classification).transitions)
        raise Problem(409, f"a {case.classification} case cannot become {to}", allowed=allowed)
    confirmed_on = _confirmation_day(session, context, case, to, date_confirmation)
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
    if confirmed_on is not None:
        case.date_confirmation = confirmed_on
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


def _confirmation_day(
    session: Session, context: Context, case: Case, to: str, given: date | None
) -> date | None:
    """The date a move to confirmed records: the one given, else today in the case's
    jurisdiction (read before the case changes, so that one UPDATE bumps its version)."""
    if to != "confirmed" or case.date_confirmation is not None:
        return None
    return given or context.today(session.get_one(Jurisdiction, case.jurisdiction_id))
