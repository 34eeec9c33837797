"""Property: no write route lets a county reach its sibling's records (issue #12, section 1).

Hypothesis draws persons for county C1B (names, GB 11643 national IDs with their check
character, phones, birth dates, addresses), each with a case and a sample. A C1A
investigator then sends every write route the other county's identifiers: national
IDs, names with phones, barcodes, and the record ids themselves. Afterwards C1B's rows
are exactly as before, and no response carries a field of theirs that the C1A user did
not type (OWASP API Security Top 10 2023, API1 "Broken Object Level Authorization").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.people.models import Person
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.testing.models import LabResult, Sample
from fireline.tracing.models import Contact
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.testing.factories import T0, result

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
TABLES = (Person, Case, Contact, Sample, LabResult, QuarantineOrder)
Route = Callable[[TestClient, dict[str, str], dict[str, Any], int], list[str]]


def national_id(born: date, sequence: int) -> str:
    """GB 11643-1999: area, birth date, sequence, ISO 7064 MOD 11-2 check character."""
    body = f"330102{born:%Y%m%d}{sequence:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


@st.composite
def other_person(draw: st.DrawFn) -> dict[str, Any]:
    born = draw(st.dates(date(1930, 1, 1), date(2000, 12, 31)))
    return {
        "name": "Zed" + draw(st.text("王李张刘陈杨黄赵吴周", min_size=1, max_size=3)),
        "national_id": national_id(born, draw(st.integers(0, 999))),
        "birth_date": born,
        "phone": "137" + draw(st.text("0123456789", min_size=8, max_size=8)),
        "address": "Lane " + draw(st.text("ABCDEFGH", min_size=3, max_size=6)),
    }


def _add_records(
    session: Session, place: int, people: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each person of the other county with a case and a sample; their ids and barcodes."""
    made = []
    for i, fields in enumerate(people):
        person = Person(jurisdiction_id=place, sex="female", **fields)
        session.add(person)
        session.flush()
        case = Case(person_id=person.id, jurisdiction_id=place, disease="covid19",
                    classification="confirmed", date_reporting=date(2024, 3, 3))  # fmt: skip
        sample = Sample(barcode=f"THEIRS-{i}", person_id=person.id, disease="covid19",
                        sample_type="nasopharyngeal_swab", collected_at=T0,
                        jurisdiction_id=place)  # fmt: skip
        session.add_all([case, sample])
        session.flush()
        made.append(
            {**fields, "person_id": person.id, "case_id": case.id, "barcode": sample.barcode}
        )
    return made


def _snapshot(session: Session, place: int) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for model in TABLES:
        columns = [c for c in model.__table__.columns]  # type: ignore[attr-defined]
        statement = select(*columns).where(model.jurisdiction_id == place).order_by(model.id)
        rows += [(model.__tablename__, *r) for r in session.execute(statement)]
    return rows


def _post(client: TestClient, headers: dict[str, str], path: str, **kw: Any) -> list[str]:
    response = client.post(f"/api/v1{path}", headers=headers, **kw)
    assert response.status_code < 500, response.text
    return [response.text]


def _case(**over: Any) -> dict[str, Any]:
    return {"disease": "covid19", "jurisdiction_code": "C1A", "classification": "suspected",
            "date_reporting": "2024-03-05", **over}  # fmt: skip


def _contact(**person: Any) -> dict[str, Any]:
    return {"category": "close", "setting": "household", "date_first_exposure": "2024-03-01",
            "date_last_exposure": "2024-03-04", **person}  # fmt: skip


def _sample(barcode: str, **person: Any) -> dict[str, Any]:
    return {"barcode": barcode, "disease": "covid19", "sample_type": "nasopharyngeal_swab",
            "collected_at": "2024-03-04T08:00:00+00:00", "jurisdiction_code": "C1A",
            **person}  # fmt: skip


def _import(client: TestClient, headers: dict[str, str], p: dict[str, Any], _: int) -> list[str]:
    row = f"N{p['person_id']},Typed Name,{p['national_id']},female,,,C1A,,2024-03-03,confirmed"
    files = {"file": ("cases.csv", csv_bytes(EN_HEADER, [row]), "text/csv")}
    upload = client.post("/api/v1/case-imports", headers=headers, files=files,
                         data={"disease": "covid19", "source": f"t{p['person_id']}"})  # fmt: skip
    assert upload.status_code == 201, upload.text
    done = client.post(f"/api/v1/case-imports/{upload.json()['id']}/commit", headers=headers,
                       json={})  # fmt: skip
    return [upload.text, done.text]


# (what the C1A user typed of theirs, the route)
ROUTES: list[tuple[tuple[str, ...], Route]] = [
    (("national_id",), lambda c, h, p, _: _post(c, h, "/cases", json=_case(
        person={"name": "Typed Name", "national_id": p["national_id"]}))),
    ((), lambda c, h, p, _: _post(c, h, "/cases", json=_case(person_id=p["person_id"]))),
    ((), lambda c, h, p, _: _post(c, h, f"/cases/{p['case_id']}/classification",
                                  json={"to": "discarded", "version": 1})),
    ((), lambda c, h, p, _: _post(c, h, f"/cases/{p['case_id']}/contacts",
                                  json=_contact(person={"name": "Typed Name"}))),
    (("name", "phone"), lambda c, h, p, own: _post(c, h, f"/cases/{own}/contacts", json=_contact(
        person={"name": p["name"], "phone": p["phone"]}))),
    (("national_id",), lambda c, h, p, own: _post(c, h, f"/cases/{own}/contacts", json=_contact(
        person={"name": "Typed Name", "national_id": p["national_id"]}))),
    ((), lambda c, h, p, own: _post(c, h, f"/cases/{own}/contacts",
                                    json=_contact(person_id=p["person_id"]))),
    (("national_id",), lambda c, h, p, _: _post(c, h, "/samples", json=_sample(
        p["barcode"], person={"name": "Typed Name", "national_id": p["national_id"]}))),
    ((), lambda c, h, p, _: _post(c, h, "/samples", json=_sample("MINE-X",
                                                                 person_id=p["person_id"]))),
    ((), lambda c, h, p, _: _post(c, h, "/lab-results", json={
        "source": "lab", "message_id": f"a{p['barcode']}", "results": [result(p["barcode"])]})),
    (("national_id",), lambda c, h, p, _: _post(c, h, "/lab-results", json={
        "source": "lab", "message_id": f"b{p['barcode']}", "results": [result(
            p["barcode"], person={"name": "Typed Name", "national_id": p["national_id"]})]})),
    (("national_id",), _import),
]  # fmt: skip


def _assert_unrevealed(bodies: list[str], person: dict[str, Any], typed: tuple[str, ...]) -> None:
    for key in ("name", "national_id", "phone", "address", "birth_date"):
        if key in typed:
            continue
        value = str(person[key])
        for body in bodies:
            assert value not in body, (key, body[:300])


def test_write_routes_leave_the_other_county_unchanged_and_unrevealed(
    client: TestClient, sessions: sessionmaker[Session], connection: Connection
) -> None:
    with sessions() as session:
        tree = small_tree(session)
        session.commit()
        make_user(session, "own", "investigator", "C1A")
        other = tree["C1B"].id
    headers = bearer(client, "own")
    own_case = client.post("/api/v1/cases", headers=headers,
                           json=_case(person={"name": "Own Index"})).json()["id"]  # fmt: skip

    @settings(
        max_examples=3,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(other_person(), min_size=1, max_size=2, unique_by=lambda p: p["national_id"]))
    def check(people: list[dict[str, Any]]) -> None:  # fmt: skip
        savepoint = connection.begin_nested()
        try:
            with sessions() as session:
                theirs = _add_records(session, other, people)
                session.commit()
                before = _snapshot(session, other)
            for person in theirs:
                for typed, route in ROUTES:
                    _assert_unrevealed(route(client, headers, person, own_case), person, typed)
            with sessions() as session:
                assert _snapshot(session, other) == before
        finally:
            savepoint.rollback()

    check()
