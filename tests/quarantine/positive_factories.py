"""Contacts under quarantine and lab positives for them, for the conversion tests."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.auth.service import actor_for
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.diseases import load_profiles
from fireline.lab.models import LabMessage, Sample
from fireline.places.models import Jurisdiction
from fireline.quarantine import orders
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.schemas import OrderCreate
from fireline.settings import Settings
from fireline.testing.codes import LOINC
from fireline.testing.results import Incoming, ingest
from fireline.testing.schemas import ResultCreate
from tests.auth.factories import make_user
from tests.quarantine.factories import T0, add_case, add_contact

DAY = T0.date()
PCR = "94500-6"  # SARS-CoV-2 RNA, respiratory specimen, NAA with probe detection


def context_of(actor: Actor) -> Context:
    return Context.build(actor, Settings(), FrozenClock(T0))


def contact_order(
    session: Session,
    place: Jurisdiction,
    *,
    owner_id: int | None = None,
    name: str = "Contact Person",
) -> QuarantineOrder:
    """An index case, its contact listed by ``owner_id``, and the contact's active order."""
    case = add_case(session, place, name=f"Index of {name}")
    contact = add_contact(session, case, place, last=DAY, name=name)
    contact.listed_by = owner_id
    return orders.create_order(
        session,
        system_actor(),
        OrderCreate(contact_id=contact.id),
        profiles=load_profiles(),
        today=DAY,
    )


def lab_actor(session: Session, code: str = "C1A") -> Actor:
    return actor_for(make_user(session, f"lab-{code}", "lab", code))


def lab_results(
    session: Session,
    actor: Actor,
    people: list[tuple[int, int, str]],
    *,
    message: str = "M1",
) -> LabMessage:
    """One lab message with a result per (person, jurisdiction, outcome), each on a sample
    registered for that person first."""
    items = []
    for n, (person_id, place_id, outcome) in enumerate(people):
        barcode = f"{message}-{n}"
        session.add(
            Sample(
                barcode=barcode,
                person_id=person_id,
                disease="covid19",
                sample_type="nasopharyngeal_swab",
                collected_at=T0,
                jurisdiction_id=place_id,
            )
        )
        data = ResultCreate(
            barcode=barcode,
            disease="covid19",
            outcome=outcome,
            resulted_at=T0,
            code_system=LOINC,
            code=PCR,
            ct_value=22.5 if outcome == "positive" else None,
        )
        items.append(Incoming(f"results[{n}]", data))
    session.flush()
    done, _ = ingest(
        session,
        context_of(actor),
        source="lab-a",
        message_id=message,
        fmt="api",
        content=message.encode(),
        items=items,
    )
    return done


def positive_for(
    session: Session, actor: Actor, order: QuarantineOrder, message: str = "M1"
) -> LabMessage:
    return lab_results(
        session, actor, [(order.person_id, order.jurisdiction_id, "positive")], message=message
    )
