"""The case-import API: unreadable files and oversized bodies are problem+json 4xx
answers that store nothing (no batch, no case)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.interop.limits import MB
from fireline.surveillance.models import Case, ImportBatch
from tests.auth.factories import bearer
from tests.interop.factories import LATIN1_CSV, bomb
from tests.surveillance.intake.factories import EN_HEADER, GOOD_EN, csv_bytes
from tests.surveillance.profiles import ADDED, deployment_folder
from tests.surveillance.views.factories import world

URL = "/api/v1/case-imports"


def post(client: TestClient, headers: dict[str, str], content: bytes, name: str) -> Any:
    return client.post(
        URL,
        headers=headers,
        data={"disease": "covid19"},
        files={"file": (name, content, "text/csv")},
    )


def stored(session: Session) -> tuple[int | None, int | None]:
    return (
        session.scalar(select(func.count()).select_from(ImportBatch)),
        session.scalar(select(func.count()).select_from(Case)),
    )


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("latin1.csv", LATIN1_CSV, "it looks like cp1252"),
        ("garbage.csv", os.urandom(4096), "not text"),
        ("quoted.csv", b'"na\rme",age\nAnn,31\n', "header line is not valid CSV"),
        ("long-row.csv", b"a,b\n" + b"x" * (3 << 20) + b",1\n", "longer than 1 MB"),
        ("bomb.xlsx", bomb(200 * MB), "would unpack to 200 MB"),
    ],
)
def test_unreadable_files_are_422_and_store_nothing(
    client: TestClient, session: Session, name: str, content: bytes, said: str
) -> None:
    world(session)
    headers = bearer(client, "ann")
    before = stored(session)
    response = post(client, headers, content, name)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert said in response.json()["detail"]
    assert stored(session) == before


def test_carriage_returns_end_lines(client: TestClient, session: Session) -> None:
    world(session)
    response = post(client, bearer(client, "ann"), b"name,age\rAnn,31\r", "old-mac.csv")
    assert response.status_code == 201, response.text
    assert response.json()["headers"] == ["name", "age"]


def test_a_body_over_the_upload_limit_is_413(app_factory: Any, session: Session) -> None:
    world(session)
    with TestClient(app_factory(max_upload_mb=1)) as small:
        headers = bearer(small, "ann")
        before = stored(session)
        response = post(small, headers, b"a,b\n" + b"1,2\n" * MB, "big.csv")
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "the request body is larger than the limit of 1 MB"
        assert stored(session) == before


def test_a_disease_the_deployment_folder_adds_is_imported(
    app_factory: Any, session: Session, tmp_path: Path
) -> None:
    world(session)
    content = csv_bytes(EN_HEADER, GOOD_EN[:1])
    form = {"disease": ADDED, "default_classification": "suspected"}
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        headers = bearer(deployed, "prov")
        started = deployed.post(
            URL, headers=headers, data=form, files={"file": ("pox.csv", content, "text/csv")}
        )
        assert started.status_code == 201, started.text
        assert started.json()["bad_rows"] == 0
        done = deployed.post(f"{URL}/{started.json()['id']}/commit", json={}, headers=headers)
        assert done.status_code == 200, done.text
        assert done.json()["cases_created"] == 1
    case = session.scalars(select(Case).where(Case.disease == ADDED)).one()
    assert case.classification == "confirmed"


def test_fields_mappings_and_imports_answer_with_the_envelope(
    client: TestClient, session: Session
) -> None:
    world(session)
    ann, bob = bearer(client, "ann"), bearer(client, "bob")
    fields = client.get("/api/v1/case-imports/fields?limit=3", headers=ann).json()
    assert set(fields) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert len(fields["items"]) == 3 and fields["total"] > 3 and fields["next_offset"] == 3
    assert fields["items"][0]["name"] and fields["items"][0]["headers"]
    for name in ("nndrs", "clinic"):
        saved = client.post(
            "/api/v1/case-mappings", json={"name": name, "columns": {}}, headers=ann
        )
        assert saved.status_code == 200, saved.text
    mine = client.get("/api/v1/case-mappings?limit=1", headers=ann).json()
    assert ([m["name"] for m in mine["items"]], mine["total"]) == (["clinic"], 2)
    assert client.get("/api/v1/case-mappings", headers=bob).json()["total"] == 0
    post(client, ann, csv_bytes(EN_HEADER, GOOD_EN), "mine.csv")
    post(client, bob, csv_bytes(EN_HEADER, GOOD_EN), "theirs.csv")
    imports = client.get("/api/v1/case-imports?q=mine", headers=ann).json()
    assert [b["filename"] for b in imports["items"]] == ["mine.csv"]
    assert client.get("/api/v1/case-imports?q=theirs", headers=ann).json()["total"] == 0
    assert client.get("/api/v1/case-imports?status=committed", headers=ann).json()["total"] == 0
