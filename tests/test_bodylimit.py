"""The request body limit (FIRELINE_MAX_UPLOAD_MB): 413 problem+json on the API, a page
in the user's language on pages, whether the body declares its length or streams."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.interop.limits import MB
from tests.auth.factories import bearer
from tests.testing.factories import lab_world
from tests.web.pages import log_in

FHIR = "/api/v1/lab-results/fhir?jurisdiction=C1A"


def test_a_streamed_body_is_counted_as_it_arrives(
    app_factory: Any, session: Session, client: TestClient
) -> None:
    lab_world(session, client)
    with TestClient(app_factory(max_upload_mb=1)) as small:
        headers = {**bearer(small, "lab"), "content-type": "application/fhir+json"}
        streamed = small.post(FHIR, headers=headers, content=iter([b" " * (MB // 2)] * 3))
        assert "content-length" not in streamed.request.headers
        assert streamed.status_code == 413
        assert streamed.headers["content-type"] == "application/problem+json"
        under = small.post(FHIR, headers=headers, content=iter([b" " * (MB // 2)]))
        assert under.status_code == 422  # read whole, then refused as not JSON


def test_a_page_upload_over_the_limit_is_a_page_in_the_users_language(
    app_factory: Any, session: Session, client: TestClient
) -> None:
    lab_world(session, client)
    with TestClient(app_factory(max_upload_mb=1)) as small:
        csrf = log_in(small, "lab")
        page = small.post(
            "/testing/upload?lang=zh",
            data={"csrf_token": csrf, "kind": "csv"},
            files={"file": ("big.csv", b"x" * (2 * MB), "text/csv")},
        )
        assert page.status_code == 413
        assert page.headers["content-type"].startswith("text/html")
        assert "文件过大" in page.text
