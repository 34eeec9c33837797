"""The disease catalogue: every profile in force, in pages, the deployment's own too."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.diseases.loader import load_profiles
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


def test_the_catalogue_answers_with_the_envelope_by_code(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "viewer", "viewer", "C1A")
    headers = bearer(client, "viewer")
    body = client.get("/api/v1/diseases?limit=1", headers=headers).json()
    shipped = sorted(load_profiles())
    assert set(body) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert [p["code"] for p in body["items"]] == shipped[:1] and body["total"] == len(shipped)
    rest = client.get("/api/v1/diseases?offset=1", headers=headers).json()
    assert [p["code"] for p in rest["items"]] == shipped[1:] and rest["next_offset"] is None


def test_a_disease_the_deployment_folder_adds_is_listed(
    session: Session, app_factory: Any, tmp_path: Path
) -> None:
    shutil.copy(MINIMAL, tmp_path / "testpox.yaml")
    small_tree(session)
    make_user(session, "viewer", "viewer", "C1A")
    with TestClient(app_factory(disease_dir=tmp_path)) as deployed:
        headers = bearer(deployed, "viewer")
        listed = deployed.get("/api/v1/diseases", headers=headers).json()["items"]
        assert "testpox" in [p["code"] for p in listed]
        assert deployed.get("/api/v1/diseases/testpox", headers=headers).status_code == 200


def test_a_profile_carries_its_criteria_text_in_both_languages(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "viewer", "viewer", "C1A")
    body = client.get("/api/v1/diseases/cholera", headers=bearer(client, "viewer")).json()
    confirmed = next(c for c in body["classifications"]["items"] if c["code"] == "confirmed")
    assert "O139" in confirmed["criteria"]["en"] and "O139" in confirmed["criteria"]["zh"]
    assert body["incubation_period"]["max_days"] == 5
    assert body["sources"]["azman2013"]["doi"] == "10.1016/j.jinf.2012.11.013"
