"""FHIR Bulk Data export through a client that follows the IG: every resource valid,
counts and references as stored, the scope, ``_type`` and ``_since``, status while
queued, cancelling, refusals as OperationOutcome, and the audit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.models import AuditEvent
from fireline.exports.fhir import bulk
from fireline.exports.models import BulkExport
from fireline.lab.models import LabResult
from fireline.surveillance.models import Case
from tests.exports.factories import world
from tests.exports.fhir.bulkclient import KICK_OFF, export, kick_off
from tests.testing.factories import context_of

URL = "/api/v1/fhir/$export"


def ids(resources: list[dict[str, Any]]) -> set[str]:
    return {f"{r['resourceType']}/{r['id']}" for r in resources}


def test_a_spec_client_gets_valid_resources_that_match_the_records(
    session: Session, client: TestClient
) -> None:
    w = world(session, client)
    got = export(client, w["headers"]["boss"], URL)
    found, manifest = got["resources"], got["manifest"]
    assert manifest["request"].endswith("/api/v1/fhir/$export")
    assert set(found) == {"Patient", "Specimen", "Condition", "Observation", "Encounter"}
    assert len(found["Condition"]) == session.scalar(select(func.count()).select_from(Case))
    current = select(func.count()).select_from(LabResult).where(LabResult.current.is_(True))
    assert len(found["Observation"]) == session.scalar(current) == 3
    assert len(found["Encounter"]) == 1 and len(found["Specimen"]) == 3
    patients = ids(found["Patient"])
    for resource in found["Condition"] + found["Observation"] + found["Specimen"]:
        assert resource["subject"]["reference"] in patients
    specimens = ids(found["Specimen"])
    assert {o["specimen"]["reference"] for o in found["Observation"]} <= specimens
    encounter = found["Encounter"][0]
    assert encounter["reasonReference"][0]["reference"] == f"Condition/c{w['cases']['a'].id}"
    died = next(c for c in found["Condition"] if c["id"] == f"c{w['cases']['b'].id}")
    assert died["clinicalStatus"]["coding"][0]["code"] == "resolved"
    assert {c["code"] for c in died["code"]["coding"]} >= {"U07.1"}
    positive = next(o for o in found["Observation"] if o["identifier"][0]["value"] == "R-1")
    assert positive["valueCodeableConcept"]["coding"][0]["code"] == "260373001"
    assert positive["component"][0]["valueQuantity"]["value"] == 24.5


def test_the_export_holds_the_actor_s_scope_or_the_group_s(
    session: Session, client: TestClient
) -> None:
    w = world(session, client)
    mine = export(client, w["headers"]["epi"], URL)["resources"]
    in_c1a = {f"Condition/c{w['cases'][k].id}" for k in "abc"}
    assert in_c1a <= ids(mine["Condition"]) and len(mine["Condition"]) == 4
    assert f"Condition/c{w['cases']['d'].id}" not in ids(mine["Condition"])
    group = export(client, w["headers"]["boss"], "/api/v1/fhir/Group/C2/$export")["resources"]
    assert ids(group["Condition"]) & {f"Condition/c{w['cases']['d'].id}"}
    assert len(group["Condition"]) == 2 and "Encounter" not in group
    refused = client.get(
        "/api/v1/fhir/Group/C2/$export", headers={**w["headers"]["epi"], **KICK_OFF}
    )
    assert refused.status_code == 404
    assert client.get(URL, headers={**w["headers"]["inv"], **KICK_OFF}).status_code == 403


def test_type_and_since_narrow_the_export(session: Session, client: TestClient) -> None:
    w = world(session, client)
    boss = w["headers"]["boss"]
    only = export(client, boss, f"{URL}?_type=Condition,Encounter&_outputFormat=ndjson")
    assert set(only["resources"]) == {"Condition", "Encounter"}
    assert [o["type"] for o in only["manifest"]["output"]] == ["Condition", "Encounter"]
    later = export(client, boss, f"{URL}?_since=2100-01-01T00:00:00Z")
    assert later["manifest"]["output"] == []
    for bad in ("?_type=Claim", "?_since=yesterday", "?_outputFormat=text/csv"):
        refused = client.get(URL + bad, headers={**boss, **KICK_OFF})
        assert refused.status_code == 400
        assert refused.json()["resourceType"] == "OperationOutcome"
    wrong_prefer = client.get(URL, headers={**boss, "Prefer": "respond-sync"})
    assert wrong_prefer.status_code == 400 and "respond-async" in wrong_prefer.text


def test_status_while_queued_cancel_and_other_users(
    session: Session, client: TestClient, sessions: sessionmaker[Session]
) -> None:
    w = world(session, client)
    from fireline.auth.models import User
    from fireline.auth.service import actor_for

    boss = actor_for(session.scalars(select(User).where(User.username == "boss")).one())
    job = bulk.kick_off(
        session, context_of(boss), types=["Patient"], since=None, url="http://testserver" + URL
    )
    session.commit()
    status = f"/api/v1/fhir/$export-status/{job.id}"
    waiting = client.get(status, headers=w["headers"]["boss"])
    assert waiting.status_code == 202 and waiting.headers["x-progress"] == "queued"
    assert client.get(status, headers=w["headers"]["epi"]).status_code == 404
    assert client.delete(status, headers=w["headers"]["boss"]).status_code == 202
    assert client.get(status, headers=w["headers"]["boss"]).status_code == 404
    # A cancelled job does not start when its task comes round.
    bulk.run(sessions, job.id, context_of(boss))
    session.expire_all()
    assert session.get(BulkExport, job.id).status == "cancelled"  # type: ignore[union-attr]
    assert not bulk.files_of(session, job.id)


def test_kick_off_and_file_reads_are_audited(session: Session, client: TestClient) -> None:
    w = world(session, client)
    location = kick_off(client, w["headers"]["epi"], f"{URL}?_type=Patient")
    manifest = client.get(location, headers=w["headers"]["epi"]).json()
    client.get(manifest["output"][0]["url"], headers=w["headers"]["epi"])
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity.in_(("fhir", "fhir-file")))
    ).all()
    assert [e.entity for e in events] == ["fhir", "fhir-file"]
    assert (
        events[0].detail["types"] == ["Patient"]
        and events[1].detail["count"] == manifest["output"][0]["count"]
    )
    assert all(e.detail["actor"] == "epi" for e in events)
    done = session.scalars(select(BulkExport)).one()
    assert done.status == "done"
    assert done.transaction_time <= datetime.now(UTC)
