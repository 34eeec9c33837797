"""Linking contacts who became cases: once, and again after a run killed mid-way."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from fireline.people.models import Person
from fireline.tracing.jobs import run_once
from fireline.tracing.models import TransmissionLink
from tests.conftest import BACKENDS
from tests.db.factories import resumed_equals_uninterrupted
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


def _contacts_who_became_cases(session: Session) -> None:
    tree = small_tree(session)
    for _ in range(3):
        index = add_case(session, tree["C1A"])
        contact = add_contact(session, index, listed_at=T0)
        add_case(session, tree["C1A"], person=session.get(Person, contact.person_id))


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_interrupted_linking_run_resumes_without_duplicate_links(
    backend: str, tmp_path: Path
) -> None:
    counts = resumed_equals_uninterrupted(
        backend,
        tmp_path,
        _contacts_who_became_cases,
        [(run_once, r"INSERT INTO transmission_links")],
    )
    assert counts["transmission_links"] == 3
