from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.people.models import Person
from fireline.tracing.jobs import run_once
from fireline.tracing.models import TransmissionLink
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, add_contact


def test_a_contact_who_became_a_case_is_linked(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    tree = small_tree(session)
    index = add_case(session, tree["C1A"])
    contact = add_contact(session, index, listed_at=T0)
    person = session.get(Person, contact.person_id)
    later = add_case(session, tree["C1A"], person=person)
    session.commit()
    assert run_once(sessions) == 1
    link = session.scalars(select(TransmissionLink)).one()
    assert (link.infector_case_id, link.infectee_case_id) == (index.id, later.id)
    assert run_once(sessions) == 0
