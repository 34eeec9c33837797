from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.roles import ROLE_NAMES
from fireline.auth.service import authenticate
from fireline.demo.service import PASSWORD, demo_logins, load_demo
from fireline.surveillance.models import Case
from tests.places.factories import by_code

TODAY = date(2026, 11, 28)


def _cases(session: Session) -> int:
    return int(session.scalar(select(func.count(Case.id))) or 0)


def test_logins_cover_every_role_for_the_city_and_the_county() -> None:
    names = {login.username for login in demo_logins()}
    assert "admin" in names
    for role in ROLE_NAMES:
        assert {f"hangzhou-{role}", f"shangcheng-{role}"} <= names


def test_load_demo_once(session: Session) -> None:
    report = load_demo(session, cases=120, seed=2, today=TODAY)
    assert report.loaded and report.as_of == TODAY
    assert _cases(session) == 120
    user = authenticate(session, "shangcheng-investigator", PASSWORD)
    assert user.jurisdiction.code == "330102"
    index_case = session.scalars(select(Case).order_by(Case.id)).first()
    assert index_case is not None and index_case.imported
    assert index_case.jurisdiction_id == by_code(session, "330102").id
    again = load_demo(session, cases=120, seed=2, today=TODAY)
    assert not again.loaded
    assert _cases(session) == 120
    assert session.scalar(select(func.count(User.id))) == len(demo_logins())


def test_reset_loads_it_afresh(session: Session) -> None:
    load_demo(session, cases=60, seed=2, today=TODAY)
    report = load_demo(session, cases=80, seed=3, today=TODAY, reset=True)
    assert report.loaded
    assert _cases(session) == 80
    assert session.scalar(select(func.count(User.id))) == len(demo_logins())
