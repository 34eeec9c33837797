"""Nothing blocks the server: /healthz answers while another request parses a large file.

The app and the test share one event loop (httpx's ASGITransport), as requests share
uvicorn's: a route that parsed on the loop would hold every other request until it
finished, and no /healthz answer could arrive while the upload is pending.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import json
import statistics
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.testing.factories import lab_world

BUNDLE = Path(__file__).parent / "data" / "fhir" / "covid_positive_bundle.json"
URL = "/api/v1/lab-results/fhir?jurisdiction=C1A"
HEALTHZ_BUDGET = 0.1  # seconds, issue #12
# On a shared test machine a thread can wait for a CPU this long now and then; a route
# parsing on the loop would hold /healthz for the whole parse (seconds).
WORST_WAIT = 0.5


def large_bundle(copies: int) -> bytes:
    """``copies`` times the sample's Patient, Specimen and Observation, each with its own
    ids; the Observations' test code is not a profile's, so the Bundle is parsed in full
    and refused (422) without storing anything."""
    sample = json.loads(BUNDLE.read_text(encoding="utf-8"))
    entries = []
    for n in range(copies):
        for entry in sample["entry"]:
            copied = copy.deepcopy(entry)
            copied["fullUrl"] = f"{entry['fullUrl']}-{n}"
            copied["resource"]["id"] = f"{entry['resource']['id']}-{n}"
            if copied["resource"]["resourceType"] == "Observation":
                copied["resource"]["code"]["coding"][0]["code"] = "00000-0"
            entries.append(copied)
    return json.dumps({**sample, "entry": entries}).encode()


async def race(app: FastAPI, headers: dict[str, str], body: bytes) -> tuple[list[float], int]:
    """Post ``body`` and time /healthz until the upload answers."""
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        upload = asyncio.create_task(
            http.post(
                URL, content=body, headers={**headers, "content-type": "application/fhir+json"}
            )
        )
        await asyncio.sleep(0.3)  # the upload has been read and is being parsed
        waits: list[float] = []
        while not upload.done():
            start = time.perf_counter()
            health = await http.get("/healthz")
            waits.append(time.perf_counter() - start)
            assert health.status_code == 200
            await asyncio.sleep(0.02)
        return waits, (await upload).status_code


def test_healthz_answers_while_a_large_bundle_is_parsed(
    session: Session, client: TestClient, app_factory: Any
) -> None:
    headers = lab_world(session, client)["lab"]
    # Large enough that parsing outlasts several /healthz rounds on a quiet machine too,
    # and that a parse on the loop would hold one of them past WORST_WAIT.
    waits, status = asyncio.run(race(app_factory(), headers, large_bundle(2000)))
    assert status == 422  # parsed to the end, then refused: the Bundle's codes are unknown
    assert len(waits) >= 5, "the upload did not leave the loop free for /healthz"
    assert statistics.median(waits) < HEALTHZ_BUDGET, sorted(waits)
    assert max(waits) < WORST_WAIT, sorted(waits)[-5:]


def endpoints(routes: list[Any]) -> list[Any]:
    """Every route's endpoint; FastAPI 0.16x keeps an included router as one entry."""
    found = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            found += endpoints(list(inner.routes))
        elif isinstance(route, APIRoute):
            found.append(route.endpoint)
    return found


def test_no_route_runs_on_the_event_loop(app_factory: Any) -> None:
    """FastAPI runs a plain ``def`` route in its thread pool and an ``async def`` one on
    the loop; routes here touch the database or files, so none may be ``async``."""
    found = endpoints(list(app_factory().routes))
    assert len(found) > 200  # the API and the pages
    assert [f.__qualname__ for f in found if inspect.iscoroutinefunction(f)] == []
