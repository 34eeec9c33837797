"""Lab-result and pool-result CSV files: unreadable files are 422 problem+json that store
nothing, on the API and on the upload page (in the user's language)."""

from __future__ import annotations

import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.lab.models import LabMessage
from tests.interop.factories import LATIN1_CSV
from tests.testing.factories import lab_world
from tests.web.pages import log_in

GARBAGE = os.urandom(4096)


def messages(session: Session) -> int | None:
    return session.scalar(select(func.count()).select_from(LabMessage))


@pytest.mark.parametrize("url", ["/api/v1/lab-results/csv", "/api/v1/pool-results/csv"])
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (GARBAGE, "not text"),
        (LATIN1_CSV, "cp1252"),
        ("barcode,outcome\n".encode("utf-16-le") + b"\x00\xd8", "not valid UTF-16"),
    ],
)
def test_unreadable_csv_is_422(
    session: Session, client: TestClient, url: str, content: bytes, said: str
) -> None:
    w = lab_world(session, client)
    response = client.post(url, headers=w["lab"], files={"file": ("r.csv", content, "text/csv")})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert said in response.json()["detail"]
    assert messages(session) == 0


def test_a_carriage_return_in_the_header_is_a_line_end_not_a_500(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    content = b"barcode,disease,outcome,resulted_at\r"
    response = client.post(
        "/api/v1/lab-results/csv", headers=w["lab"], files={"file": ("r.csv", content, "text/csv")}
    )
    assert response.status_code == 422 and response.json()["detail"] == "the file has no rows"


def test_the_upload_page_names_the_encoding_in_chinese_and_stores_nothing(
    session: Session, client: TestClient, app_factory: Any
) -> None:
    lab_world(session, client)
    with TestClient(app_factory()) as pages:
        csrf = log_in(pages, "lab")
        page = pages.post(
            "/testing/upload?lang=zh",
            data={"csrf_token": csrf, "kind": "csv"},
            files={"file": ("r.csv", LATIN1_CSV, "text/csv")},
        )
    assert page.status_code == 422
    assert "看似 cp1252 编码" in page.text
    assert 'aria-invalid="true" aria-describedby="form-errors"' in page.text
    assert messages(session) == 0
