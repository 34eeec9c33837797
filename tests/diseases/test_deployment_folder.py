"""FIRELINE_DISEASE_DIR end to end: a disease only the deployment's folder knows
(``testpox``) is reported, imported, confirmed by a lab, interviewed and responded to
through the JSON API of an app built with that folder, and the worker's response sweep
built with the same setting opens its response with the folder's playbook.

An app without the folder refuses the disease at the first step.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.clock import FrozenClock
from fireline.lab.models import Sample
from fireline.surveillance.models import Case, ImportBatch
from fireline.tracing.models import Contact, Interview
from fireline.worker.scheduler import response_sweep
from tests.auth.factories import bearer, make_user
from tests.surveillance.cases.factories import case_body
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.testing.factories import (
    DEPLOYED,
    T0,
    deployment_folder,
    lab_world,
    person,
    result,
)
from tests.tracing.factories import contact_body
from tests.worker.factories import context

NOW = T0 + timedelta(hours=2)  # the app's clock: the lab's result (T0) came in this morning
# The reported person, whom the lab's result names too (GB 11643: born 1990-04-01, male).
NATIONAL_ID = "330102199004010114"
LINE_LIST = [  # two suspected cases of the folder's disease from a clinic's line list
    "L1,Zhang San,,male,1975-02-03,13800000011,C1A,2025-12-28,2025-12-31,suspected",
    "L2,Li Si,,female,1988-07-09,13800000012,C1A,2025-12-29,2025-12-31,suspected",
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The deployment's folder: testpox, with its own LOINC test."""
    return deployment_folder(tmp_path)


@pytest.fixture
def deployed(session: Session, app_factory: Any, folder: Path) -> Iterator[TestClient]:
    """An app built with the folder, its clock frozen at NOW; users in county C1A."""
    app = app_factory(disease_dir=folder)
    with TestClient(app, base_url="http://testserver") as client:
        app.state.clock = FrozenClock(NOW)
        lab_world(session, client)  # the tree, "lab" (a lab) and "boss" (an admin) in C1A
        make_user(session, "ann", "investigator", "C1A")
        yield client


def reported_case() -> dict[str, Any]:
    """Ann's report: a suspected testpox case in C1A, named by national ID."""
    body = case_body(disease=DEPLOYED, date_reporting="2026-01-01", date_onset="2025-12-30")
    body["person"] = {**body["person"], "national_id": NATIONAL_ID}
    return body


def test_without_the_folder_the_disease_is_unknown(session: Session, app_factory: Any) -> None:
    with TestClient(app_factory(), base_url="http://testserver") as plain:
        lab_world(session, plain)
        make_user(session, "ann", "investigator", "C1A")
        refused = plain.post("/api/v1/cases", json=reported_case(), headers=bearer(plain, "ann"))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert f"unknown disease {DEPLOYED!r}" in refused.json()["detail"]
    assert session.scalars(select(Case).where(Case.disease == DEPLOYED)).all() == []


def test_a_deployment_disease_goes_from_report_to_response(
    session: Session,
    deployed: TestClient,
    engine: Engine,
    sessions: sessionmaker[Session],
    folder: Path,
) -> None:
    ann, lab, boss = (bearer(deployed, user) for user in ("ann", "lab", "boss"))

    # 1. Case creation: the folder's classifications, stored as testpox.
    made = deployed.post("/api/v1/cases", json=reported_case(), headers=ann)
    assert made.status_code == 201, made.text
    case = made.json()
    assert (case["disease"], case["classification"]) == (DEPLOYED, "suspected")
    assert case["allowed_transitions"] == ["confirmed", "discarded"]  # testpox's, not covid19's
    stored = session.get_one(Case, case["id"])
    assert (stored.disease, stored.classification) == (DEPLOYED, "suspected")

    # 2. A CSV line list of testpox: uploaded, checked, committed.
    started = deployed.post(
        "/api/v1/case-imports", headers=ann, data={"disease": DEPLOYED},
        files={"file": ("clinic.csv", csv_bytes(EN_HEADER, LINE_LIST), "text/csv")},
    )  # fmt: skip
    assert started.status_code == 201, started.text
    checked = started.json()
    assert (checked["disease"], checked["total_rows"], checked["bad_rows"]) == (DEPLOYED, 2, 0)
    batch_id = started.json()["id"]
    done = deployed.post(f"/api/v1/case-imports/{batch_id}/commit", json={}, headers=ann)
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["cases_created"]) == ("committed", 2)
    assert session.get_one(ImportBatch, batch_id).disease == DEPLOYED
    imported = session.scalars(select(Case).where(Case.import_batch_id == batch_id)).all()
    assert sorted((c.external_id, c.disease, c.classification) for c in imported) == [
        ("L1", DEPLOYED, "suspected"), ("L2", DEPLOYED, "suspected")]  # fmt: skip

    # 3. A positive PCR for the reported person confirms the case. (The folder's own LOINC
    #    code has no test kind in codes.yaml, so it would count as "other": no confirmation.)
    item = result("TP-1", disease=DEPLOYED, code=None, code_system=None, test_type="pcr",
                  person=person("王小明", NATIONAL_ID))  # fmt: skip
    sent = deployed.post(
        "/api/v1/lab-results",
        headers=lab,
        json={"source": "lab-a", "message_id": "TP-M1", "results": [item]},
    )
    assert sent.status_code == 200, sent.text
    report = sent.json()
    assert (report["results_created"], report["cases_created"], report["cases_confirmed"]) == (
        1, 0, 1)  # fmt: skip
    assert session.scalars(select(Sample).where(Sample.barcode == "TP-1")).one().disease == DEPLOYED
    session.refresh(stored)
    assert (stored.classification, stored.date_confirmation) == ("confirmed", T0.date())
    url = f"/api/v1/cases/{case['id']}"
    assert deployed.get(url, headers=ann).json()["classification"] == "confirmed"

    # 4. The interview: testpox's symptoms (fever, not covid19's cough), then a contact
    #    in testpox's "close" category.
    interview = f"{url}/interview"
    opened = deployed.get(interview, headers=ann)
    assert opened.status_code == 200, opened.text
    version = opened.json()["version"]
    cough = deployed.patch(interview, headers=ann, json={"version": version, "symptoms": ["cough"]})
    assert cough.status_code == 422 and f"unknown symptoms for {DEPLOYED}: cough" in cough.text
    saved = deployed.patch(interview, headers=ann, json={
        "version": version, "symptoms": ["fever"], "status": "completed"})  # fmt: skip
    assert saved.status_code == 200, saved.text
    assert (saved.json()["symptoms"], saved.json()["status"]) == (["fever"], "completed")
    answered = session.scalars(select(Interview).where(Interview.case_id == case["id"])).one()
    assert answered.symptoms == ["fever"] and answered.completed_at == NOW
    listed = deployed.post(
        f"{url}/contacts", headers=ann, json=contact_body("Wang Fang", last="2026-01-01")
    )
    assert listed.status_code == 201, listed.text
    contact = listed.json()
    assert contact["category"] == "close"
    # Proposed from testpox's close category: from today until 7 + 3 days after the exposure.
    order = contact["order"]
    assert order is not None
    assert (order["kind"], order["status"], order["start_date"], order["end_date"]) == (
        "facility", "proposed", "2026-01-02", "2026-01-11")  # fmt: skip
    assert session.scalars(select(Contact).where(Contact.case_id == case["id"])).one()

    # 5. The worker's response sweep, with the worker's settings naming the same folder.
    jobs = context(engine, sessions, FrozenClock(NOW + timedelta(hours=1)), disease_dir=folder)
    assert jobs.profiles[DEPLOYED].playbook is not None
    summary = response_sweep(jobs)
    assert summary.startswith("1 responses opened, 2 tasks"), summary
    listed_responses = deployed.get("/api/v1/responses", headers=boss)
    assert listed_responses.status_code == 200, listed_responses.text
    responses = listed_responses.json()["items"]
    assert [(r["disease"], r["case_id"], r["trigger"], r["status"]) for r in responses] == [
        (DEPLOYED, case["id"], "case_confirmed", "open")]  # fmt: skip
    detail = deployed.get(f"/api/v1/responses/{responses[0]['id']}", headers=boss)
    assert detail.status_code == 200, detail.text
    tasks = {t["playbook_id"]: t for t in detail.json()["tasks"]}
    assert set(tasks) == {"interview", "contacts"}  # testpox's playbook, not covid19's
    assert tasks["interview"]["name_en"] == "Interview" and tasks["contacts"]["depends_on"] == [
        "interview"]  # fmt: skip
    # The listed contact is the evidence of both: the sweep completed them.
    assert {t["status"] for t in tasks.values()} == {"done"}, tasks
    assert all(t["case_id"] == case["id"] for t in tasks.values())
