"""Every list the JSON API answers comes in the page envelope that docs/api.md promises
(``items``, ``total``, ``total_exact``, ``limit``, ``offset``, ``next_offset``,
``next_cursor``), with its paging and
search parameters: a client pages through any list the same way."""

from __future__ import annotations

from typing import Any

ENVELOPE = {"items", "total", "total_exact", "limit", "offset", "next_offset", "next_cursor"}
LIST_PARAMETERS = {"limit", "offset", "after", "q", "sort", "order"}
# Work queues in a fixed order, paged but not re-sorted or searched: the day's follow-up
# list is most urgent first (flags, then the oldest due), which a sort key would undo.
# The person candidates are a typeahead of at most five, best match first, searched by
# the fields being typed rather than by ``q``.
WORK_QUEUES = {"/api/v1/quarantine/due", "/api/v1/persons/candidates"}


def _operations(app_factory: Any) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(path, GET operation, its 200 schema with references resolved one level)."""
    spec = app_factory().openapi()
    schemas = spec.get("components", {}).get("schemas", {})
    found = []
    for path, methods in spec["paths"].items():
        operation = methods.get("get")
        if operation is None or not path.startswith("/api/v1"):
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
        found.append((path, operation, schema))
    return found


def test_no_api_route_answers_a_bare_list(app_factory: Any) -> None:
    operations = _operations(app_factory)
    assert len(operations) > 40
    bare = [path for path, _, schema in operations if schema.get("type") == "array"]
    assert bare == []


def test_every_paged_route_takes_the_list_parameters(app_factory: Any) -> None:
    paged = [
        (path, operation)
        for path, operation, schema in _operations(app_factory)
        if set(schema.get("properties", {})) >= ENVELOPE and path not in WORK_QUEUES
    ]
    assert len(paged) >= 40
    missing = {
        path: sorted(LIST_PARAMETERS - {p["name"] for p in op.get("parameters", [])})
        for path, op in paged
    }
    assert {path: names for path, names in missing.items() if names} == {}
