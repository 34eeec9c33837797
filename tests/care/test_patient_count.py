"""Patients are counted one way: the overview, the care page, its table and the API give
the same number (issue #15 saw 21, 15 and 19 for one province)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.care import occupancy, service
from fireline.care.schemas import AdmissionCreate, HospitalCreate
from fireline.places.models import Jurisdiction
from tests.auth.factories import bearer
from tests.people.factories import make_person
from tests.surveillance.cases.factories import county_world
from tests.web.pages import add_case, log_in

NOW = datetime(2026, 3, 1, 2, tzinfo=UTC)


def admit(session: Session, hospital: int, place: Jurisdiction, bed_type: str) -> int:
    person = make_person(session, place, "Patient")
    body = AdmissionCreate(person_id=person.id, bed_type=bed_type, severity="moderate")
    return service.admit(session, system_actor(), hospital, body, now=NOW).id


def build(session: Session) -> dict[str, Jurisdiction]:
    """In C1: two general, one ICU and one isolation patient in C1A (one more discharged)
    and one general in C1B; in C2A one more; and confirmed cases with no outcome that are
    not in hospital (the old overview counted those)."""
    tree = county_world(session)
    actor = system_actor()
    beds = {"beds_general": 10, "beds_icu": 2, "beds_isolation": 3}
    a = service.create_hospital(
        session, actor, HospitalCreate(name="A", jurisdiction_code="C1A", **beds)
    )
    b = service.create_hospital(
        session, actor, HospitalCreate(name="B", jurisdiction_code="C1B", beds_general=5)
    )
    c = service.create_hospital(
        session, actor, HospitalCreate(name="C", jurisdiction_code="C2A", beds_general=4)
    )
    for bed_type in ("general", "general", "icu", "isolation"):
        admit(session, a.id, tree["C1A"], bed_type)
    gone = admit(session, a.id, tree["C1A"], "general")
    service.discharge(session, actor, gone, version=1, outcome="recovered", at=NOW)
    admit(session, b.id, tree["C1B"], "general")
    admit(session, c.id, tree["C2A"], "general")
    for _ in range(3):
        add_case(session, tree["C1A"], "confirmed", date(2026, 2, 20))
    session.commit()
    found: dict[str, Jurisdiction] = tree
    return found


def test_overview_care_page_table_and_api_count_the_same_patients(
    client: TestClient, session: Session
) -> None:
    tree = build(session)
    log_in(client, "city")
    overview = client.get("/?j=C1&lang=en").text
    tile = re.search(r'href="/care">Patients in hospital</a></dt>\s*<dd>(\d+)</dd>', overview)
    care = client.get("/care?j=C1&lang=en").text
    headline = re.search(r'id="patients-total">(\d+)<', care)
    footer = care.split('id="hospital-total"', 1)[1].split("</tr>", 1)[0]
    table = sum(int(n) for n in re.findall(r'data-occupied="(\d+)"', footer))
    summary = client.get("/api/v1/jurisdictions/C1/summary", headers=bearer(client, "city"))
    assert tile and headline
    counts = (int(tile.group(1)), int(headline.group(1)), table)
    assert counts == (5, 5, 5) and summary.json()["patients_in_hospital"] == 5
    assert "not yet discharged" in care and "Counted:" in care  # the label says what is counted
    assert re.search(r'id="patients-icu">1<', care) and re.search(
        r'id="patients-isolation">1<', care
    )
    # the forecast cards start from the same patients (when there is a forecast at all)
    now = occupancy.census(session, system_actor().within(tree["C1"]))
    assert [(b.bed_type, b.occupied, b.beds) for b in now.by_type] == [
        ("general", 3, 15),
        ("icu", 1, 2),
        ("isolation", 1, 3),
    ]


def test_a_place_without_beds_says_so(client: TestClient, session: Session) -> None:
    county_world(session)
    session.commit()
    log_in(client, "city")
    care = client.get("/care?j=C1&lang=en").text
    assert "No hospital beds are registered in Place C1." in care
    assert "Capacity runs out" not in care and 'id="patient-census"' not in care
    assert "地区C1未登记医院床位。" in client.get("/care?j=C1&lang=zh").text
