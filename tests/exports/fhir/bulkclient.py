"""A Bulk Data client as the HL7 FHIR Bulk Data Access IG v2 describes one: kick-off with
``Prefer: respond-async``, poll the Content-Location (honouring 202 and X-Progress) until
200, read the manifest, fetch each output with the access token, parse the NDJSON and
validate every resource with fhir.resources (R4B: R4 with technical corrections)."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

KICK_OFF = {"Accept": "application/fhir+json", "Prefer": "respond-async"}


def kick_off(client: TestClient, headers: dict[str, str], url: str) -> str:
    started = client.get(url, headers={**headers, **KICK_OFF})
    assert started.status_code == 202, started.text
    location = str(started.headers["content-location"])
    assert location.startswith("http")
    return location


def poll(client: TestClient, headers: dict[str, str], location: str) -> dict[str, Any]:
    for _ in range(50):
        status = client.get(location, headers=headers)
        if status.status_code == 202:
            assert status.headers.get("x-progress")
            continue
        assert status.status_code == 200, status.text
        return dict(status.json())
    raise AssertionError("the export did not finish")


def fetch(
    client: TestClient, headers: dict[str, str], manifest: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Every output resource by type, each validated by its FHIR model."""
    assert set(manifest) >= {"transactionTime", "request", "requiresAccessToken", "output"}
    assert manifest["error"] == [] and manifest["requiresAccessToken"] is True
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for output in manifest["output"]:
        assert client.get(output["url"]).status_code == 401  # the token is required
        got = client.get(output["url"], headers=headers)
        assert got.status_code == 200
        assert got.headers["content-type"].startswith("application/fhir+ndjson")
        lines = [line for line in got.text.split("\n") if line]
        assert len(lines) == output["count"]
        for line in lines:
            resource = json.loads(line)
            assert resource["resourceType"] == output["type"]
            get_fhir_model_class(output["type"]).model_validate(resource)
            found[output["type"]].append(resource)
    return dict(found)


def export(client: TestClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    manifest = poll(client, headers, kick_off(client, headers, url))
    return {"manifest": manifest, "resources": fetch(client, headers, manifest)}
