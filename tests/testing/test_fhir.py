"""FHIR R4 Bundles: a positive PCR with Ct components, a DiagnosticReport, and refusals of
non-conformant resources with their FHIRPath locations."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.lab.models import LabResult, Sample
from fireline.surveillance.models import Case
from tests.auth.factories import bearer
from tests.testing.factories import DEPLOYED, DEPLOYED_LOINC, deployment_folder, lab_world

DATA = Path(__file__).parents[1] / "data" / "fhir"
URL = "/api/v1/lab-results/fhir?jurisdiction=C1A"


def bundle(name: str = "covid_positive_bundle.json") -> dict[str, Any]:
    return dict(json.loads((DATA / name).read_text(encoding="utf-8")))


def send(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(
        URL, content=json.dumps(body), headers={**headers, "content-type": "application/fhir+json"}
    )


def test_positive_bundle_makes_a_case_and_is_idempotent(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    first = send(client, w["lab"], bundle())
    assert first.status_code == 200, first.text
    assert first.json()["cases_created"] == 1 and first.json()["persons_created"] == 1
    assert send(client, w["lab"], bundle()).json()["repeated"] is True
    stored = session.scalars(select(LabResult)).one()
    assert stored.code == "94500-6" and stored.ct_value == 24.3
    assert [t["gene"] for t in stored.targets] == ["N", "ORF1ab"]
    sample = session.scalars(select(Sample)).one()
    assert sample.barcode == "FHIR-S-0001" and sample.sample_type == "nasopharyngeal_swab"
    assert session.scalars(select(Case)).one().classification == "confirmed"


def test_report_bundle_negative(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    response = send(client, w["lab"], bundle("covid_negative_report_bundle.json"))
    assert response.status_code == 200, response.text
    assert response.json()["results_created"] == 1 and response.json()["cases_created"] == 0


def _wrong_system(b: dict[str, Any]) -> None:
    b["entry"][2]["resource"]["code"]["coding"][0]["system"] = "http://snomed.info/sct"


def _no_subject(b: dict[str, Any]) -> None:
    b["entry"][2]["resource"].pop("subject")


def _ct_out_of_range(b: dict[str, Any]) -> None:
    b["entry"][2]["resource"]["component"][0]["valueQuantity"]["value"] = 72


def _not_fhir(b: dict[str, Any]) -> None:
    b["entry"][2]["resource"]["status"] = 7


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (_wrong_system, "Bundle.entry[2].resource.code.coding[0].system"),
        (_no_subject, "Bundle.entry[2].resource.subject"),
        (_ct_out_of_range, "Bundle.entry[2].resource.component[0].valueQuantity.value"),
        (_not_fhir, "Bundle.entry[2].resource.status"),
    ],
)
def test_non_conformant_bundles_are_refused_with_the_path(
    session: Session, client: TestClient, edit: Any, path: str
) -> None:
    w = lab_world(session, client)
    body = copy.deepcopy(bundle())
    edit(body)
    response = send(client, w["lab"], body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert path in [e["path"] for e in response.json()["errors"]]
    assert session.scalar(select(func.count()).select_from(Sample)) == 0


def test_a_bundle_over_the_entry_limit_is_413_before_validation(
    session: Session, client: TestClient, app_factory: Any
) -> None:
    w = lab_world(session, client)
    with TestClient(app_factory(fhir_max_entries=2)) as limited:
        refused = send(limited, w["lab"], bundle())  # three entries
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"] == [
        {
            "path": "Bundle.entry",
            "message": "The Bundle has 3 entries; the limit is 2. Split it into smaller Bundles.",
        }
    ]
    assert session.scalar(select(func.count()).select_from(LabResult)) == 0
    assert send(client, w["lab"], bundle()).status_code == 200  # the default limit is higher


def test_a_lab_test_of_a_deployment_disease_names_its_disease(
    session: Session, client: TestClient, app_factory: Any, tmp_path: Path
) -> None:
    """A LOINC code only a deployment folder's profile lists is refused without the folder
    and read as that profile's disease with it."""
    w = lab_world(session, client)
    body = copy.deepcopy(bundle())
    body["entry"][2]["resource"]["code"]["coding"][0]["code"] = DEPLOYED_LOINC
    refused = send(client, w["lab"], body)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "Bundle.entry[2].resource.code.coding[0].code"
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        stored = send(deployed, bearer(deployed, "lab"), body)
    assert stored.status_code == 200, stored.text
    assert session.scalars(select(Sample)).one().disease == DEPLOYED
    assert session.scalars(select(LabResult)).one().code == DEPLOYED_LOINC
