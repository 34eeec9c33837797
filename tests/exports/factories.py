"""A small world for the export tests: the small tree, users of each role that matters,
cases with full personal data (so that a test can look for it in an export), lab
results through the lab-result API, a death and a hospital admission."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.care.models import Admission, Hospital
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.testing.factories import person, result

WEEK_MONDAY = date(2026, 11, 30)  # ISO 2026-W49
IDENTIFIERS = ("Zhang San", "330102198005170011", "13800000001", "8 Lake Road", "1980-05-17")


def add_case(
    session: Session,
    place: Jurisdiction,
    name: str,
    national_id: str,
    classification: str = "confirmed",
    reported: date = WEEK_MONDAY,
    **fields: Any,
) -> Case:
    who = Person(
        jurisdiction_id=place.id,
        name=name,
        national_id=national_id,
        sex="male",
        birth_date=date(1980, 5, 17),
        phone="13800000001",
        address="8 Lake Road",
    )
    session.add(who)
    session.flush()
    case = Case(
        jurisdiction_id=place.id,
        person_id=who.id,
        disease="covid19",
        classification=classification,
        date_reporting=reported,
        date_onset=fields.pop("date_onset", reported.replace(day=reported.day - 2)),
        **fields,
    )
    session.add(case)
    session.flush()
    return case


def world(session: Session, client: TestClient) -> dict[str, Any]:
    """Cases in C1A (3: one died, one probable) and C2A (1); two lab results in C1A and
    one in C2A; one admission in C1A. Users: boss (admin, P), epi (epidemiologist, C1A),
    inv (investigator, C1A), lab (lab, P)."""
    tree = small_tree(session)
    session.commit()
    for username, role, code in (
        ("boss", "admin", "P"),
        ("epi", "epidemiologist", "C1A"),
        ("inv", "investigator", "C1A"),
        ("lab", "lab", "P"),
    ):
        make_user(session, username, role, code)
    cases = {
        "a": add_case(session, tree["C1A"], *IDENTIFIERS[:2]),
        "b": add_case(
            session,
            tree["C1A"],
            "Li Si",
            "330102198005170022",
            outcome="died",
            date_outcome=date(2026, 12, 3),
        ),
        "c": add_case(session, tree["C1A"], "Wang Wu", "330102198005170033", "probable"),
        "d": add_case(session, tree["C2A"], "Zhao Liu", "330102198005170044"),
    }
    hospital = Hospital(jurisdiction_id=tree["C1A"].id, name="County Hospital", beds_general=10)
    session.add(hospital)
    session.flush()
    session.add(
        Admission(
            jurisdiction_id=tree["C1A"].id,
            hospital_id=hospital.id,
            person_id=cases["a"].person_id,
            case_id=cases["a"].id,
            bed_type="general",
            severity="moderate",
            admitted_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        )
    )
    session.commit()
    headers = {name: bearer(client, name) for name in ("boss", "epi", "inv", "lab")}
    at = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    results = [
        result(
            "B-1",
            "positive",
            external_id="R-1",
            resulted_at=at.isoformat(),
            person=person("Ann Lee", "ID0001"),
            targets=[{"gene": "N", "ct": 24.5}],
        ),
        result(
            "B-2",
            "negative",
            external_id="R-2",
            resulted_at=at.isoformat(),
            person=person("Bo Chen", "ID0002"),
            code="94558-4",
        ),
        result(
            "B-3",
            "positive",
            external_id="R-3",
            resulted_at=at.isoformat(),
            jurisdiction_code="C2A",
            person=person("Cy Wu", "ID0003"),
        ),
    ]
    sent = client.post(
        "/api/v1/lab-results",
        json={"source": "lab-a", "message_id": "M-1", "results": results},
        headers=headers["lab"],
    )
    assert sent.status_code == 200, sent.text
    return {"tree": tree, "cases": cases, "headers": headers}
