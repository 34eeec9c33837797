from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.people.matching import Candidate, name_similarity, score
from fireline.people.models import Person, PersonMatch
from fireline.surveillance.models import Case
from tests.auth.factories import bearer
from tests.surveillance.cases.factories import county_world, post_case


def _candidate(**kw: object) -> Candidate:
    base: dict[str, object] = dict(
        id=1,
        name="王小明",
        birth_date=date(1990, 4, 1),
        phone="13900000001",
        sex="male",
        national_id=None,
        jurisdiction_id=1,
    )
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def test_score_reasons() -> None:
    value, reasons = score(_candidate(), _candidate(id=2))
    assert value == 1.0
    assert reasons == ["name similarity 1.00", "same birth date", "same phone"]
    assert score(_candidate(), _candidate(id=2, national_id="1", phone=None))[0] == 0.75
    assert score(_candidate(national_id="A"), _candidate(national_id="B"))[0] == 0.0
    assert score(_candidate(), _candidate(sex="female"))[1][-1] == "different sex"


@given(st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=12))
def test_name_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert 0.0 <= name_similarity(a, b) <= 1.0
    assert name_similarity(a, a) == 1.0 or not a.strip(" .-·")


def test_same_national_id_reuses_the_person(session: Session, client: TestClient) -> None:
    county_world(session)
    person = {"name": "李华", "national_id": "11010519491231002x"}
    first = post_case(client, "ann", person=person)
    second = post_case(client, "ann", person=person, disease="measles")
    assert first["person_id"] == second["person_id"]
    assert (
        session.scalar(select(Person.national_id).where(Person.id == first["person_id"]))
        == "11010519491231002X"
    )


def test_similar_person_is_proposed_not_merged(session: Session, client: TestClient) -> None:
    county_world(session)
    first = post_case(client, "ann")
    second = post_case(
        client,
        "ann",
        person={"name": "王晓明", "birth_date": "1990-04-01", "phone": "139-0000-0001"},
    )
    assert first["person_id"] != second["person_id"]
    assert second["matches_proposed"] == 1
    queue = client.get("/api/v1/person-matches", headers=bearer(client, "ann")).json()
    assert queue["total"] == 1
    match = queue["items"][0]
    assert match["person"]["id"] == first["person_id"]
    assert match["duplicate"]["id"] == second["person_id"]
    assert "same birth date" in match["reasons"] and match["score"] >= 0.6


def test_accept_moves_records_and_marks_the_duplicate(session: Session, client: TestClient) -> None:
    county_world(session)
    first = post_case(client, "ann")
    second = post_case(
        client,
        "ann",
        person={"name": "王小明", "birth_date": "1990-04-01", "national_id": "330102199004010114"},
    )
    headers = bearer(client, "ann")
    match = client.get("/api/v1/person-matches", headers=headers).json()["items"][0]
    accepted = client.post(f"/api/v1/person-matches/{match['id']}/accept", json={}, headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    kept, gone = first["person_id"], second["person_id"]
    owners = set(
        session.scalars(select(Case.person_id).where(Case.id.in_([first["id"], second["id"]])))
    )
    assert owners == {kept}
    duplicate = session.get_one(Person, gone)
    session.refresh(duplicate)
    assert duplicate.merged_into_id == kept
    assert session.get_one(Person, kept).national_id == "330102199004010114"  # blank filled
    again = client.post(f"/api/v1/person-matches/{match['id']}/accept", json={}, headers=headers)
    assert again.status_code == 409
    moved = client.get(f"/api/v1/cases/{second['id']}", headers=headers).json()
    assert moved["version"] == 2 and moved["person"]["id"] == kept


def test_reject_keeps_both(session: Session, client: TestClient) -> None:
    county_world(session)
    first = post_case(client, "ann")
    second = post_case(client, "ann", person={"name": "王小明", "phone": "13900000001"})
    headers = bearer(client, "ann")
    match = client.get("/api/v1/person-matches", headers=headers).json()["items"][0]
    rejected = client.post(f"/api/v1/person-matches/{match['id']}/reject", headers=headers)
    assert rejected.json()["status"] == "rejected"
    assert session.scalars(select(PersonMatch.status)).all() == ["rejected"]
    for case in (first, second):
        got = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json()
        assert got["person_id"] == case["person_id"]
    assert client.get("/api/v1/person-matches", headers=headers).json()["total"] == 0


def test_match_queue_is_scoped(session: Session, client: TestClient) -> None:
    county_world(session)
    post_case(client, "ann")
    post_case(client, "bob", jurisdiction_code="C2A")  # same person details, another county
    assert client.get("/api/v1/person-matches", headers=bearer(client, "ann")).json()["total"] == 0
    assert client.get("/api/v1/person-matches", headers=bearer(client, "bob")).json()["total"] == 0
    match_id = session.scalars(select(PersonMatch.id)).one()
    assert (
        client.get(f"/api/v1/person-matches/{match_id}", headers=bearer(client, "ann")).status_code
        == 404
    )
    city = bearer(client, "city")  # C1 does not hold C2A either
    assert client.get("/api/v1/person-matches", headers=city).json()["total"] == 0
