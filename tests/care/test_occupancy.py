"""The care lists (page and API alike): hospitals with occupancy by scope, sort and search;
a hospital's patients (audited); occupancy by jurisdiction; each route's envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor, system_actor
from fireline.care import occupancy, service
from fireline.care.schemas import AdmissionCreate, HospitalCreate
from fireline.listing import ListQuery
from tests.auth.factories import bearer, make_user
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.testing.factories import context_of

NOW = datetime(2026, 3, 1, 2, tzinfo=UTC)


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    """Small (3 beds) and Large (12) in C1A, Harbour (5) in C1B, Elsewhere (1) in C2A; one
    patient in Large's intensive care."""
    tree = small_tree(session)
    made = {}
    for name, code, beds in (
        ("Small", "C1A", 3),
        ("Large", "C1A", 12),
        ("Harbour", "C1B", 5),
        ("Elsewhere", "C2A", 1),
    ):
        body = HospitalCreate(name=name, jurisdiction_code=code, beds_general=beds - 1, beds_icu=1)
        made[name] = service.create_hospital(session, system_actor(), body)
    patient = make_person(session, tree["C1A"], "Ann")
    service.admit(
        session,
        system_actor(),
        made["Large"].id,
        AdmissionCreate(person_id=patient.id, bed_type="icu", severity="critical"),
        now=NOW,
    )
    session.commit()
    return {"tree": tree, "hospitals": made, "patient": patient}


def _as(place: Any) -> Actor:
    return Actor(None, "epi", "epidemiologist", place.id, place.path)


def _names(session: Session, actor: Actor, **asked: Any) -> tuple[list[str], int]:
    rows, total = occupancy.list_hospitals(session, context_of(actor), ListQuery(**asked))
    return [h.name for h in rows], total


def test_hospitals_by_scope_largest_first_with_occupancy(session: Session, world: Any) -> None:
    tree = world["tree"]
    assert _names(session, _as(tree["C1A"])) == (["Large", "Small"], 2)
    assert _names(session, _as(tree["C1"])) == (["Large", "Harbour", "Small"], 3)
    assert _names(session, _as(tree["C1"]), sort="name", descending=False)[0][0] == "Harbour"
    assert _names(session, _as(tree["C1"]), q="arb") == (["Harbour"], 1)
    rows, _ = occupancy.list_hospitals(session, context_of(_as(tree["C1A"])), ListQuery(limit=1))
    assert {b.bed_type: b.occupied for b in rows[0].beds} == {
        "general": 0,
        "icu": 1,
        "isolation": 0,
    }


def test_occupancy_rows_of_the_narrowed_scope(session: Session, world: Any) -> None:
    tree = world["tree"]
    rows = occupancy.occupancy(session, _as(tree["P"]).within(tree["C1"]))
    assert {r.jurisdiction_id for r in rows} == {tree["C1A"].id, tree["C1B"].id}
    icu = [r for r in rows if r.jurisdiction_id == tree["C1A"].id and r.bed_type == "icu"]
    assert (icu[0].beds, icu[0].occupied) == (2, 1)


def test_the_routes_answer_with_the_envelope(
    session: Session, client: TestClient, world: Any
) -> None:
    make_user(session, "epi", "epidemiologist", "C1")
    make_user(session, "far", "epidemiologist", "C2A")
    headers = bearer(client, "epi")
    page = client.get("/api/v1/care/hospitals?limit=2", headers=headers).json()
    assert [h["name"] for h in page["items"]] == ["Large", "Harbour"]
    assert (page["total"], page["next_offset"]) == (3, 2)
    narrowed = client.get("/api/v1/care/hospitals?jurisdiction=C1B", headers=headers).json()
    assert [h["name"] for h in narrowed["items"]] == ["Harbour"]
    rows = client.get("/api/v1/care/occupancy?limit=3", headers=headers).json()
    assert (rows["total"], len(rows["items"]), rows["next_offset"]) == (6, 3, 3)
    large = world["hospitals"]["Large"].id
    patients = client.get(f"/api/v1/care/hospitals/{large}/admissions", headers=headers).json()
    assert patients["total"] == 1 and patients["items"][0]["person_id"] == world["patient"].id
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "admission", AuditEvent.action == "read")
    ).first()
    assert event is not None and event.detail["persons"] == [world["patient"].id]
    far = bearer(client, "far")
    assert client.get(f"/api/v1/care/hospitals/{large}/admissions", headers=far).status_code == 404
