"""Exported NDJSON into the Bundle the lab-result importer reads.

Fireline's FHIR import (``fireline testing import-results``, ``POST
/api/v1/lab-results/fhir``) takes one Bundle of lab results with the Patients and
Specimens they reference, not NDJSON. To load a bulk export into another instance, its
Patient, Specimen and Observation files are wrapped in one ``collection`` Bundle; the
references (``Patient/p12``, ``Specimen/s7``) resolve by resource type and id, as the
importer indexes them. Conditions and Encounters have no importer yet and are left out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Final

IMPORTED: Final = ("Patient", "Specimen", "Observation")


def bundle_of(ndjson_files: Iterable[str], message_id: str) -> dict[str, Any]:
    """One collection Bundle of the importable resources of the files' lines."""
    entries = []
    for text in ndjson_files:
        for line in text.splitlines():
            if not line.strip():
                continue
            resource = json.loads(line)
            if resource.get("resourceType") in IMPORTED:
                entries.append({"resource": resource})
    order = {kind: i for i, kind in enumerate(IMPORTED)}
    entries.sort(key=lambda e: order[e["resource"]["resourceType"]])
    return {
        "resourceType": "Bundle",
        "id": message_id,
        "type": "collection",
        "entry": entries,
    }
