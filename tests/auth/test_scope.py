"""A county user never sees another county's records, on every API endpoint.

The other county's records carry a marker; no response to the county user may
contain it, and every path parameter pointing at the other county gets 404/403.
A new endpoint with a path parameter this test does not know fails the test, so
that whoever adds it also adds it here.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.auth.factories import bearer, make_user
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.quarantine.factories import other_county_records
from tests.response.factories import open_overdue_response
from tests.surveillance.intake.factories import import_lookalike
from tests.surveillance.signals.factories import make_alert
from tests.testing.factories import scoped_records
from tests.tracing.venues.factories import scoped_venue_records
from tests.zones.factories import scoped_zone

MARKER = "Zed Outofscope"
OWN, OTHER = "C1A", "C2A"


def _world(session: Session) -> dict[str, Any]:
    tree = small_tree(session)
    own = make_person(session, tree[OWN], "Ann Inscope")
    other = make_person(session, tree[OTHER], MARKER)
    other_alert = make_alert(session, tree[OTHER])
    other_response = open_overdue_response(session, tree[OTHER])
    # a real case of a MARKER look-alike, its import batch and the match it proposed
    other_intake = import_lookalike(session, tree[OTHER], MARKER)
    other_care = other_county_records(session, tree[OTHER], MARKER)
    other_lab = scoped_records(session, tree[OTHER], other.id)
    other_venue = scoped_venue_records(session, tree, OTHER)
    other_zone = scoped_zone(session, tree[OTHER], MARKER)
    session.commit()
    make_user(session, "county", "admin", OWN)  # admin: every permission, still one county
    other_user = make_user(session, "other-user", "investigator", OTHER)
    return {
        "other_user_id": other_user.id,
        "own_person": own.id,
        "other_person": other.id,
        "other_alert": other_alert.id,
        **other_response,
        **{f"other_{name}": ident for name, ident in other_intake.items()},
        **{f"other_{name}": ident for name, ident in other_care.items()},
        **{f"other_{name}": ident for name, ident in other_lab.items()},
        **{f"other_{name}": ident for name, ident in other_venue.items()},
        **{f"other_{name}": ident for name, ident in other_zone.items()},
    }


def _path_values(world: dict[str, Any]) -> dict[str, str]:
    """What each known path parameter points at in the other county."""
    return {
        "code": OTHER,
        "user_id": str(world["other_user_id"]),
        "person_id": str(world["other_person"]),
        "alert_id": str(world["other_alert"]),
        "response_id": str(world["response_id"]),
        "task_id": str(world["task_id"]),
        "notification_id": str(world["notification_id"]),
        "case_id": str(world["other_case_id"]),
        "batch_id": str(world["other_batch_id"]),
        "match_id": str(world["other_match_id"]),
        "order_id": str(world["other_order_id"]),
        "facility_id": str(world["other_facility_id"]),
        "hospital_id": str(world["other_hospital_id"]),
        "admission_id": str(world["other_admission_id"]),
        "sample_id": str(world["other_sample_id"]),
        "result_id": str(world["other_result_id"]),
        "message_id": str(world["other_message_id"]),
        "campaign_id": str(world["other_campaign_id"]),
        "venue_id": str(world["other_venue_id"]),
        "zone_id": str(world["other_zone_id"]),
        # clusters are numbered within the caller's own scope: the county has none
        "cluster": "0",
        # FHIR bulk exports: the county has none; an unknown id answers 404
        "export_id": "0" * 32,
        "archive_id": "1",
        "file_id": "1",
    }


def _get_routes(client: TestClient) -> list[str]:
    spec = client.get("/api/v1/openapi.json").json()
    return [path for path, ops in spec["paths"].items() if "get" in ops]


def test_every_get_endpoint_hides_the_other_county(session: Session, client: TestClient) -> None:
    world = _world(session)
    headers = bearer(client, "county")
    values = _path_values(world)
    routes = _get_routes(client)
    assert len(routes) >= 8
    for route in routes:
        params = re.findall(r"{(\w+)}", route)
        unknown = [p for p in params if p not in values]
        assert not unknown, f"{route}: add {unknown} to _path_values"
        url = route.format(**{p: values[p] for p in params})
        response = client.get(url, headers=headers)
        assert MARKER not in response.text, f"{url} leaked the other county"
        if params:
            assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
        else:
            assert response.status_code < 400 or response.status_code == 403, url
            assert OTHER not in response.text, f"{url} named the other county"


def test_own_records_are_visible(session: Session, client: TestClient) -> None:
    world = _world(session)
    headers = bearer(client, "county")
    assert client.get(f"/api/v1/persons/{world['own_person']}", headers=headers).status_code == 200
    names = [p["name"] for p in client.get("/api/v1/persons", headers=headers).json()["items"]]
    assert names == ["Ann Inscope"]


def test_writes_into_the_other_county_are_refused(session: Session, client: TestClient) -> None:
    _world(session)
    body = {
        "username": "sneaky",
        "password": "long-enough-1",
        "role": "viewer",
        "jurisdiction_code": OTHER,
    }
    response = client.post("/api/v1/users", json=body, headers=bearer(client, "county"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
