"""Schemathesis over /api/v1/openapi.json, as an investigator and as an admin.

The app runs on the test database with a small demo outbreak (fireline.demo), so
that generated ids meet real records. Schemathesis's engine (what its CLI runs)
sends the examples, boundary values (coverage phase) and generated requests,
positive and negative, and every check below must hold for every response:
no 5xx, responses as described (status, media type, body schema), and requests
that break the description refused. The run is derandomised (a fixed seed and
deterministic generation) so a failure reproduces, and bounded to about two
minutes on SQLite: the investigator's run has every phase, the admin's leaves out
the coverage phase (its boundary values are the same for every token, and make up
two thirds of the requests).

``positive_data_acceptance`` is left out: a request valid by the schema may still
break a rule of the domain (an unknown disease, a stale version) and get a 4xx.
``allow_header_conformance`` is left out: Starlette answers OPTIONS with 405.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from sqlalchemy.orm import Session

from fireline.demo.service import PASSWORD, demo_context, load_demo

TODAY = date(2026, 11, 28)
# user -> (whether the run has the coverage phase, generated examples per operation)
USERS = {"shangcheng-investigator": (True, 3), "admin": (False, 10)}
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "unsupported_method",
)
# File uploads (CSV/XLSX/FHIR bodies) are hardened on their own (issue #12, uploads);
# POST /cases/{id}/venue-exposures can start Apache Spark, which is not for a fuzzer.
SKIPPED = (r"^/api/v1/cases/\{case_id\}/venue-exposures$",)
MAX_EXAMPLES = 3


@dataclass
class Findings:
    requests: int = 0
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, event: events.ScenarioFinished) -> None:
        for interaction in event.recorder.interactions.values():
            self.requests += 1
            if interaction.response is not None:
                self.statuses[interaction.response.status_code] += 1
        for checks in event.recorder.checks.values():
            for check in checks:
                if check.status == Status.FAILURE and check.failure_info is not None:
                    failure = check.failure_info.failure
                    self.failures.append(
                        f"{check.name} {event.recorder.label}: {failure.title}\n"
                        f"{check.failure_info.code_sample}"
                    )


def config(token: str, coverage: bool, examples: int) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "seed": 12,
            "workers": 1,
            "headers": {"Authorization": f"Bearer {token}"},
            "request-timeout": 60,
            "generation": {"max-examples": examples, "deterministic": True},
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": coverage}},
            # Boundary values of every parameter of some 50 list routes (q, sort, order,
            # limit, offset, filters) quadrupled the run; the list parameters are one
            # dependency (listing.api_list_query), fuzzed with random examples on every
            # route. Writes keep the boundary phase.
            "operations": [{"include-method": "GET", "phases": {"coverage": {"enabled": False}}}],
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        }
    )


def fuzz(app: Any, token: str, coverage: bool, examples: int) -> Findings:
    settings = config(token, coverage, examples)
    schema: schemathesis.BaseSchema = schemathesis.openapi.from_asgi(
        "/api/v1/openapi.json", app, config=settings
    )
    for pattern in SKIPPED:
        schema = schema.exclude(path_regex=pattern)
    # Revoking the fuzzing user's own token would leave the rest of the run at 401.
    schema = schema.exclude(method="DELETE", path_regex=r"^/api/v1/auth/tokens/")
    found = Findings()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            found.add(event)
        elif isinstance(event, events.NonFatalError):
            found.failures.append(f"server error {event.label}: {event.value!r}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    return found


@pytest.fixture
def demo_app(session: Session, app_factory: Any, engine: Any) -> Any:
    if engine.dialect.name != "sqlite":
        pytest.skip("the fuzzer's time budget is spent on SQLite; PostgreSQL runs the API tests")
    load_demo(session, demo_context(TODAY), cases=120, seed=2)
    session.commit()
    return app_factory()


# Line coverage is not measured here: tracing every fuzzed request would triple the run,
# and the routes' behaviour is covered by their own tests (pytest-cov's no_cover).
@pytest.mark.no_cover
@pytest.mark.parametrize("username", USERS)
def test_the_api_holds_under_fuzzing(
    demo_app: Any, username: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with TestClient(demo_app) as client:
        login = {"username": username, "password": PASSWORD}
        token = client.post("/api/v1/auth/token", json=login).json()["access_token"]
    found = fuzz(demo_app, token, *USERS[username])
    with capsys.disabled():
        print(f"\n{username}: {found.requests} requests, statuses {dict(found.statuses)}")
    assert found.requests > 1000
    assert not [code for code in found.statuses if code >= 500]
    assert not found.failures, "\n\n".join(found.failures[:20])
