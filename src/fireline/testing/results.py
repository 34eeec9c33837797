"""Lab result intake (API, CSV, FHIR all end here): validate everything, then store.

1. A message seen before (same ``source`` and ``message_id``) is a no-op: its first
   report is returned. The same id with other content is refused (409).
2. Every result is checked (disease, code system and code against the profile's lab
   tests, Ct range, the sample or what is needed to register it, scope); any problem
   refuses the whole message with every problem and its path (problem+json
   ``errors``), and nothing is stored (the request's transaction rolls back).
3. A result known by ``(source, external_id)`` with the same content is unchanged; with
   other content it is a new revision, the previous one kept (``current`` false).
4. Positive current results create or confirm cases; retest orders close (``positive``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Conflict, Problem
from fireline.lab.models import LabMessage, LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.testing import positive
from fireline.testing.codes import LOINC, codes
from fireline.testing.samples import (
    PersonTally,
    person_for,
    propose_new,
    require_write,
    sample_by_barcode,
)
from fireline.testing.schemas import ResultCreate

Error = dict[str, str]
Profiles = Mapping[str, DiseaseProfile]


@dataclass(frozen=True)
class Incoming:
    """One result of a message and where it sits in it (for error paths)."""

    path: str
    data: ResultCreate


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _check_code(item: Incoming, profiles: Profiles, errors: list[Error]) -> str | None:
    """The test type, from the LOINC code (codes.yaml) or as given; the disease must be one
    of the deployment's profiles."""
    data, path = item.data, item.path
    profile = profiles.get(data.disease)
    if profile is None:
        errors.append({"path": f"{path}.disease", "message": f"unknown disease {data.disease!r}"})
        return None
    if data.code is None:
        if data.test_type is None:
            errors.append({"path": f"{path}.code", "message": "give a LOINC code or a test_type"})
        return data.test_type
    if data.code_system != LOINC:
        errors.append(
            {
                "path": f"{path}.code_system",
                "message": f"the code system must be {LOINC}, not {data.code_system!r}",
            }
        )
        return None
    known = {c.code for c in profile.lab_tests if c.system == LOINC}
    if data.code not in known:
        errors.append(
            {
                "path": f"{path}.code",
                "message": f"LOINC {data.code} is not a lab test "
                f"of {data.disease} (known: {', '.join(sorted(known))})",
            }
        )
        return None
    kind = codes().test_type(LOINC, data.code) or "other"
    if data.test_type is not None and data.test_type != kind:
        errors.append(
            {
                "path": f"{path}.test_type",
                "message": f"LOINC {data.code} is a {kind} test, not {data.test_type}",
            }
        )
    return kind


def _check_ct(item: Incoming, errors: list[Error]) -> None:
    low, high = codes().ct_range
    values = [(f"{item.path}.ct_value", item.data.ct_value)]
    values += [(f"{item.path}.targets[{i}].ct", t.ct) for i, t in enumerate(item.data.targets)]
    for path, value in values:
        if value is not None and not codes().ct_in_range(value):
            errors.append({"path": path, "message": f"Ct {value} is outside {low}..{high}"})


def _check_sample(
    session: Session, actor: Actor, item: Incoming, errors: list[Error]
) -> Sample | None:
    data, path = item.data, item.path
    sample = sample_by_barcode(session, actor, data.barcode)
    if sample is not None:
        if sample.disease != data.disease:
            errors.append(
                {
                    "path": f"{path}.disease",
                    "message": f"sample {data.barcode} was taken for {sample.disease}",
                }
            )
        return sample
    missing = [
        n
        for n in ("jurisdiction_code", "sample_type", "collected_at", "person")
        if getattr(data, n) is None
    ]
    if missing:
        errors.append(
            {
                "path": f"{path}.{missing[0]}",
                "message": f"sample {data.barcode} is "
                f"not on file; give {', '.join(missing)} to register it",
            }
        )
    return None


def validate(
    session: Session, actor: Actor, items: Sequence[Incoming], profiles: Profiles
) -> list[str]:
    """The test type of each result; raises 422 with every problem found."""
    errors: list[Error] = []
    kinds = []
    for item in items:
        kinds.append(_check_code(item, profiles, errors) or "other")
        _check_ct(item, errors)
        _check_sample(session, actor, item, errors)
        if item.data.jurisdiction_code is not None:
            try:
                actor.jurisdiction(session, item.data.jurisdiction_code)
            except Problem:
                errors.append(
                    {
                        "path": f"{item.path}.jurisdiction_code",
                        "message": (
                            f"jurisdiction {item.data.jurisdiction_code} is not in your scope"
                        ),
                    }
                )
    if errors:
        raise Problem(
            422, f"{len(errors)} problem(s) in the message; nothing was stored", errors=errors
        )
    return kinds


def _sample_for(session: Session, actor: Actor, data: ResultCreate, tally: PersonTally) -> Sample:
    sample = sample_by_barcode(session, actor, data.barcode)
    if sample is not None:
        return sample
    assert data.jurisdiction_code and data.person and data.sample_type and data.collected_at
    place = actor.jurisdiction(session, data.jurisdiction_code)
    person = person_for(session, actor, place, data.person, tally)
    sample = Sample(
        barcode=data.barcode,
        person_id=person.id,
        disease=data.disease,
        sample_type=data.sample_type,
        collected_at=data.collected_at,
        lab=data.lab,
        received_at=data.received_at,
        jurisdiction_id=place.id,
    )
    session.add(sample)
    session.flush()
    return sample


def _content(
    r: LabResult | ResultCreate, kind: str, targets: list[dict[str, object]]
) -> tuple[object, ...]:
    resulted = r.resulted_at.replace(tzinfo=None) if r.resulted_at else None
    ct = r.ct_value if r.ct_value is not None else _lowest(targets)
    return (r.outcome, ct, targets, r.status, resulted, kind, r.code)


def _lowest(targets: list[dict[str, object]]) -> float | None:
    found = [float(str(t["ct"])) for t in targets if t.get("ct") is not None]
    return min(found) if found else None


def _store(
    session: Session,
    actor: Actor,
    source: str,
    data: ResultCreate,
    kind: str,
    sample: Sample,
    message: LabMessage,
) -> LabResult | None:
    """The new or amended result; None when an identical one is on file."""
    targets = [t.model_dump() for t in data.targets]
    previous = None
    if data.external_id is not None:
        # Only a result in the actor's subtree, and in the sample's own jurisdiction (the
        # key's scope), is amended: a city user's result for county A never retires B's.
        previous = session.scalars(
            actor.restrict(
                select(LabResult)
                .where(
                    LabResult.source == source,
                    LabResult.external_id == data.external_id,
                    LabResult.jurisdiction_id == sample.jurisdiction_id,
                    LabResult.current.is_(True),
                )
                .order_by(LabResult.id),
                LabResult,
            )
        ).first()
        if previous is not None and _content(
            previous, previous.test_type, previous.targets
        ) == _content(data, kind, targets):
            return None
    if previous is not None:
        previous.current = False
    result = LabResult(
        sample_id=sample.id,
        test_type=kind,
        outcome=data.outcome,
        ct_value=data.ct_value if data.ct_value is not None else _lowest(targets),
        resulted_at=data.resulted_at,
        source=source,
        external_id=data.external_id,
        revision=previous.revision + 1 if previous else 1,
        current=True,
        status=data.status,
        code_system=data.code_system,
        code=data.code,
        targets=targets,
        lab=data.lab or sample.lab,
        message_id=message.id,
        created_by=actor.user_id,
        jurisdiction_id=sample.jurisdiction_id,
    )
    session.add(result)
    session.flush()
    return result


def _known_message(
    session: Session, actor: Actor, source: str, message_id: str, sha: str
) -> LabMessage | None:
    """A message seen before in the actor's subtree; one another county received is not
    seen, so its id answers as a new one (OWASP API1)."""
    statement = select(LabMessage).where(
        LabMessage.source == source, LabMessage.message_id == message_id
    )
    known = session.scalars(actor.restrict(statement.order_by(LabMessage.id), LabMessage)).first()
    if known is not None and known.sha256 != sha:
        raise Conflict(
            f"{source} message {message_id} was received before with other content; "
            "send changes in a new message"
        )
    return known


def ingest(
    session: Session,
    context: Context,
    *,
    source: str,
    message_id: str,
    fmt: str,
    content: bytes,
    items: Sequence[Incoming],
) -> tuple[LabMessage, bool]:
    """Store a message's results as ``context.actor``; returns its report and whether it
    was a repeat. Diseases are the deployment's (``context.profiles``)."""
    actor = context.actor
    require_write(actor)
    sha = digest(content)
    known = _known_message(session, actor, source, message_id, sha)
    if known is not None:
        return known, True
    kinds = validate(session, actor, items, context.profiles)
    message = LabMessage(
        source=source,
        message_id=message_id,
        format=fmt,
        sha256=sha,
        user_id=actor.user_id,
        jurisdiction_id=_home(session, actor),
    )
    session.add(message)
    session.flush()
    stored = _store_items(session, actor, items, kinds, message)
    positive.apply(session, context, stored, message)
    audit.record(
        session,
        actor,
        "create",
        "lab_result",
        [r.id for r, _ in stored],
        jurisdiction_id=message.jurisdiction_id,
        message=message.id,
    )
    session.flush()
    return message, False


def _store_items(
    session: Session, actor: Actor, items: Sequence[Incoming], kinds: list[str], message: LabMessage
) -> list[tuple[LabResult, Sample]]:
    """Store each result (registering unknown samples); count what changed on ``message``."""
    tally = PersonTally()
    stored: list[tuple[LabResult, Sample]] = []
    for item, kind in zip(items, kinds, strict=True):
        sample = _sample_for(session, actor, item.data, tally)
        result = _store(session, actor, message.source, item.data, kind, sample, message)
        if result is None:
            message.results_unchanged += 1
            continue
        message.results_amended += result.revision > 1
        message.results_created += result.revision == 1
        stored.append((result, sample))
    propose_new(session, actor, tally)
    message.persons_created, message.matches_proposed = tally.created, tally.proposed
    return stored


def _home_place(session: Session, actor: Actor) -> Jurisdiction | None:
    """The sender's home jurisdiction (the system actor's is the root)."""
    if actor.jurisdiction_id:
        return session.get(Jurisdiction, actor.jurisdiction_id)
    root = select(Jurisdiction).order_by(Jurisdiction.depth, Jurisdiction.id)
    return session.scalars(root).first()


def _home(session: Session, actor: Actor) -> int:
    """The message's jurisdiction: the sender's home."""
    place = _home_place(session, actor)
    return place.id if place is not None else 0


def home_code(session: Session, actor: Actor) -> str:
    """Where the new samples of a FHIR Bundle go when the sender names no jurisdiction."""
    place = _home_place(session, actor)
    return place.code if place is not None else ""
