"""Matching never crosses the acting user's subtree (issue #12, section 1).

Ann investigates in county C1A; Cat in its sibling C1B holds a person with a national
ID, a phone, a case and a sample. Every intake path Ann uses with Cat's identifiers
makes a new person in C1A, leaves Cat's person as it was and says nothing about it;
the pair goes to the merge queue for the city C1, which covers both counties.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.people.models import Person, PersonMatch
from fireline.places.models import Jurisdiction
from fireline.surveillance.intake import batches
from fireline.surveillance.intake.batches import ImportOptions
from tests.auth.factories import bearer, make_user
from tests.surveillance.cases.factories import county_world, post_case
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.surveillance.profiles import acting
from tests.testing.factories import result
from tests.tracing.factories import api, contact_body, frozen_client
from tests.web.pages import log_in

OTHER = {
    "name": "Zed Outofscope",
    "national_id": "11010519491231002X",
    "sex": "female",
    "birth_date": "1949-12-31",
    "phone": "13712345678",
    "address": "9 Hidden Lane",
}


@pytest.fixture
def client(app_factory: Any, session: Session) -> Iterator[TestClient]:
    county_world(session)  # ann in C1A, bob in C2A, city admin over C1
    make_user(session, "cat", "investigator", "C1B")
    session.commit()
    yield from frozen_client(app_factory)


def other_person(client: TestClient) -> dict[str, Any]:
    """Cat's case in C1B, and a sample of its person with barcode OTHER-1."""
    case = post_case(client, "cat", jurisdiction_code="C1B", person=OTHER)
    sample = {
        "barcode": "OTHER-1",
        "disease": "covid19",
        "sample_type": "nasopharyngeal_swab",
        "collected_at": "2024-03-04T08:00:00+00:00",
        "jurisdiction_code": "C1B",
        "person_id": case["person_id"],
    }
    made = api(client, "cat", "POST", "/samples", json=sample)
    assert made.status_code == 201, made.text
    return case


def snapshot(session: Session, person_id: int) -> tuple[Any, ...]:
    session.expire_all()
    p = session.get_one(Person, person_id)
    return (p.name, p.national_id, p.phone, p.address, p.birth_date, p.version, p.merged_into_id)


def assert_unrevealed(body: str, case: dict[str, Any], typed: tuple[str, ...] = ()) -> None:
    """No field of the other person (but what the user typed), nor its person id."""
    theirs = [v for k, v in OTHER.items() if k not in typed]
    for value in (*theirs, f'"person_id":{case["person_id"]},'):
        assert value not in body.replace(" ", "")


def test_case_with_another_countys_national_id(client: TestClient, session: Session) -> None:
    theirs = other_person(client)
    before = snapshot(session, theirs["person_id"])
    response = client.post(
        "/api/v1/cases",
        json={
            "disease": "covid19",
            "jurisdiction_code": "C1A",
            "classification": "suspected",
            "date_reporting": "2024-03-05",
            "person": {"name": "Somebody", "national_id": OTHER["national_id"].lower()},
        },
        headers=bearer(client, "ann"),
    )
    assert response.status_code == 201, response.text
    mine = response.json()
    assert mine["person_id"] != theirs["person_id"] and mine["matches_proposed"] == 0
    # The birth date and sex are read from the typed ID itself (GB 11643): no leak.
    assert_unrevealed(response.text, theirs, typed=("national_id", "sex", "birth_date"))
    assert snapshot(session, theirs["person_id"]) == before
    new = session.get_one(Person, mine["person_id"])
    c1a = session.scalars(select(Jurisdiction.id).where(Jurisdiction.code == "C1A")).one()
    assert new.jurisdiction_id == c1a and new.name == "Somebody"
    # The pair waits for a user who covers both counties, and for nobody else.
    for user in ("ann", "cat", "bob"):
        queue = client.get("/api/v1/person-matches", headers=bearer(client, user)).json()
        assert queue["total"] == 0, user
    city = client.get("/api/v1/person-matches", headers=bearer(client, "city")).json()
    assert city["total"] == 1
    proposal = city["items"][0]
    assert proposal["reasons"] == ["same national ID"] and proposal["score"] == 1.0
    assert {proposal["person"]["id"], proposal["duplicate"]["id"]} == {
        theirs["person_id"],
        mine["person_id"],
    }
    held = session.scalars(select(PersonMatch.jurisdiction_id)).one()
    assert held == session.scalars(select(Jurisdiction.id).where(Jurisdiction.code == "C1")).one()
    match_id = proposal["id"]
    hidden = client.get(f"/api/v1/person-matches/{match_id}", headers=bearer(client, "ann"))
    assert hidden.status_code == 404


def test_the_same_national_id_in_scope_is_still_reused(client: TestClient) -> None:
    first = post_case(client, "ann", person={"name": "A", "national_id": "33010219800517022X"})
    second = post_case(
        client, "ann", person={"name": "A", "national_id": "33010219800517022x"}, disease="measles"
    )
    assert first["person_id"] == second["person_id"]


def test_contact_by_name_and_phone_of_another_county(client: TestClient, session: Session) -> None:
    theirs = other_person(client)
    before = snapshot(session, theirs["person_id"])
    index = post_case(client, "ann")
    body = contact_body(OTHER["name"], person={"name": OTHER["name"], "phone": OTHER["phone"]})
    made = api(client, "ann", "POST", f"/cases/{index['id']}/contacts", json=body)
    assert made.status_code == 201, made.text
    contact = made.json()
    assert contact["person_id"] != theirs["person_id"]
    assert contact["person_case_id"] is None  # Cat's case is not named
    assert snapshot(session, theirs["person_id"]) == before
    by_id = contact_body("x", person={"name": "x", "national_id": OTHER["national_id"]})
    again = api(client, "ann", "POST", f"/cases/{index['id']}/contacts", json=by_id)
    assert again.status_code == 201 and again.json()["person_id"] != theirs["person_id"]
    assert snapshot(session, theirs["person_id"]) == before


def test_another_countys_barcode_answers_as_a_new_one(client: TestClient, session: Session) -> None:
    theirs = other_person(client)
    for barcode in ("OTHER-1", "NEW-1"):
        sample = {
            "barcode": barcode,
            "disease": "covid19",
            "sample_type": "nasopharyngeal_swab",
            "collected_at": "2024-03-04T09:00:00+00:00",
            "jurisdiction_code": "C1A",
            "person": {"name": "Own", "national_id": OTHER["national_id"]},
        }
        made = api(client, "ann", "POST", "/samples", json=sample)
        assert made.status_code == 201, made.text  # was 409 "already registered"
        assert made.json()["person_id"] != theirs["person_id"]
        assert_unrevealed(made.text, theirs, typed=("national_id",))
        twice = api(client, "ann", "POST", "/samples", json=sample)
        assert twice.status_code == 409  # Ann's own barcode is hers to be told about


def test_lab_result_for_another_countys_barcode(client: TestClient, session: Session) -> None:
    other_person(client)
    answers = []
    for barcode in ("OTHER-1", "NEVER-1"):
        body = {
            "source": "lab1",
            "message_id": f"m-{barcode}",
            "results": [result(barcode, person=None)],
        }
        sent = api(client, "ann", "POST", "/lab-results", json=body)
        answers.append((sent.status_code, sent.text.replace(barcode, "B")))
    assert answers[0] == answers[1] and answers[0][0] == 422


def test_bulk_import_never_reuses_another_countys_person(session: Session) -> None:
    tree = county_world(session)
    theirs = Person(
        name=OTHER["name"],
        national_id=OTHER["national_id"],
        phone=OTHER["phone"],
        jurisdiction_id=tree["C1B"].id,
    )
    session.add(theirs)
    session.flush()
    actor = Actor(None, "ann", "investigator", tree["C1A"].id, tree["C1A"].path)
    row = f"B1,Somebody,{OTHER['national_id']},male,1949-12-31,,C1A,2024-03-01,2024-03-03,confirmed"
    batch = batches.import_file(
        session,
        acting(actor),
        filename="cases.csv",
        content=csv_bytes(EN_HEADER, [row]),
        options=ImportOptions(disease="covid19"),
    )
    assert batch.status == "committed"
    assert (batch.persons_reused, batch.persons_created, batch.matches_proposed) == (0, 1, 0)
    made = session.scalars(select(Person).where(Person.id != theirs.id)).one()
    assert made.jurisdiction_id == tree["C1A"].id and made.national_id == OTHER["national_id"]
    match = session.scalars(select(PersonMatch)).one()
    assert (match.person_id, match.duplicate_id) == (theirs.id, made.id)
    assert match.jurisdiction_id == tree["C1"].id


def test_the_merge_queue_page_shows_the_pair_to_the_city_only(client: TestClient) -> None:
    other_person(client)
    post_case(client, "ann", person={"name": "Somebody", "national_id": OTHER["national_id"]})
    log_in(client, "ann")
    mine = client.get("/people/matches").text
    assert OTHER["name"] not in mine and OTHER["phone"] not in mine
    log_in(client, "city")
    page = client.get("/people/matches").text
    assert OTHER["name"] in page and "Same national ID" in page
    assert "身份证号相同" in client.get("/people/matches?lang=zh").text
