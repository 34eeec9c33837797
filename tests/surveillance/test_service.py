"""Case reads the pages use: one case with or without its person, counts per disease, the
history with who made each move."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent, User
from fireline.auth.scope import Actor
from fireline.auth.service import actor_for
from fireline.errors import NotFound
from fireline.surveillance import service
from tests.surveillance.profiles import acting
from tests.surveillance.views.factories import world


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def actor(session: Session, username: str) -> Actor:
    return actor_for(session.scalars(select(User).where(User.username == username)).one())


def test_a_case_is_read_with_its_person_only_by_roles_that_read_persons(
    session: Session, data: dict[str, Any]
) -> None:
    case = data["cases"]["ann1"]
    shown, person = service.case_for_reading(session, actor(session, "ann"), case.id)
    assert shown.id == case.id and person is not None and person.name == "张三"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).one()
    assert event.detail["persons"] == [person.id]
    assert service.case_for_reading(session, actor(session, "viewer"), case.id)[1] is None
    with pytest.raises(NotFound):
        service.case_for_reading(session, actor(session, "bob"), case.id)


def test_cases_by_disease_counts_the_scope_only(session: Session, data: dict[str, Any]) -> None:
    assert service.cases_by_disease(session, actor(session, "bob")) == {"covid19": 1}
    assert service.cases_by_disease(session, actor(session, "prov")) == {"covid19": 133}


def test_the_history_names_who_moved_the_case(session: Session, data: dict[str, Any]) -> None:
    ann = actor(session, "ann")
    case = data["cases"]["ann2"]
    service.reclassify(session, acting(ann), case.id, to="confirmed", version=case.version)
    lines = service.history_with_usernames(session, case)
    assert [(e.to_classification, who) for e, who in lines] == [
        ("suspected", ""),
        ("confirmed", "ann"),
    ]
