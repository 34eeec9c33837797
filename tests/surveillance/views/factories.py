"""A small world for the surveillance page tests: a tree, users, cases, an alert, a match."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from fireline.people.models import Person, PersonMatch
from fireline.surveillance.models import Case
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases, make_alert


def add_case(
    session: Session,
    place: Any,
    name: str,
    classification: str = "confirmed",
    reported: date | None = None,
    **fields: Any,
) -> Case:
    person = Person(jurisdiction_id=place.id, name=name, sex="female", birth_date=date(1980, 5, 17))
    session.add(person)
    session.flush()
    case = Case(
        jurisdiction_id=place.id,
        person_id=person.id,
        disease="covid19",
        classification=classification,
        date_reporting=reported or date.today(),
        **fields,
    )
    session.add(case)
    session.flush()
    return case


def world(session: Session) -> dict[str, Any]:
    """P > C1 > C1A, C1B; P > C2 > C2A, C2B; users at P (admin), C1A (investigator and
    viewer) and C2A (investigator); named cases in C1A and C2A, a daily series in C1B."""
    tree = small_tree(session)
    # The pages count days in the jurisdiction's own time zone, not the machine's.
    today = datetime.now(ZoneInfo(tree["C1"].timezone)).date()
    cases = {
        # reported on the jurisdiction's today, not the machine's (they differ from 16:00 UTC)
        "ann1": add_case(
            session,
            tree["C1A"],
            "张三",
            external_id="EXT-1",
            date_onset=today - timedelta(days=3),
            reported=today,
        ),
        "ann2": add_case(
            session,
            tree["C1A"],
            "李四",
            "suspected",
            today - timedelta(days=1),
            imported=True,
            external_id="EXT-2",
        ),
        "bob1": add_case(session, tree["C2A"], "王五", reported=today - timedelta(days=2)),
    }
    add_daily_cases(
        session, tree["C1B"], today, [1, 2, 3, 2, 4, 5, 3, 6, 4, 7, 5, 8, 6, 9] * 2, onset_lag=2
    )
    alert = make_alert(session, tree["C1A"], today)
    keep = Person(
        jurisdiction_id=tree["C1A"].id,
        name="赵六",
        birth_date=date(1990, 1, 1),
        phone="13900000009",
    )
    dup = Person(
        jurisdiction_id=tree["C1A"].id,
        name="赵 六",
        birth_date=date(1990, 1, 1),
        phone="13900000009",
    )
    session.add_all([keep, dup])
    session.flush()
    match = PersonMatch(
        person_id=keep.id,
        duplicate_id=dup.id,
        score=0.95,
        reasons=["name similarity 1.00", "same birth date", "same phone"],
        status="proposed",
        jurisdiction_id=tree["C1A"].id,
    )
    session.add(match)
    session.commit()
    make_user(session, "prov", "admin", "P")
    make_user(session, "ann", "investigator", "C1A")
    make_user(session, "viewer", "viewer", "C1A")
    make_user(session, "bob", "investigator", "C2A")
    return {"tree": tree, "cases": cases, "alert": alert, "match": match}
