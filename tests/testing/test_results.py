"""Lab results by API and CSV: idempotent messages, amendments, positive -> case, unknown
persons -> the matching queue, precise refusals with nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.lab.models import LabResult, Sample
from fireline.people.models import Person, PersonMatch
from fireline.surveillance.models import Case
from tests.auth.factories import bearer, make_user
from tests.testing.factories import (
    DEPLOYED,
    DEPLOYED_LOINC,
    deployment_folder,
    lab_world,
    person,
    result,
)


def post(client: TestClient, headers: dict[str, str], message_id: str, *results: Any) -> Any:
    body = {"source": "lab-a", "message_id": message_id, "results": list(results)}
    return client.post("/api/v1/lab-results", json=body, headers=headers)


def test_positive_creates_a_confirmed_case_and_repeat_is_a_no_op(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    item = result(
        "B1",
        external_id="R1",
        person=person("Ann", "N0001"),
        targets=[{"gene": "N", "ct": 24.5}, {"gene": "ORF1ab", "ct": 26.0}],
    )
    first = post(client, w["lab"], "M1", item)
    assert first.status_code == 200, first.text
    assert first.json()["results_created"] == 1 and first.json()["cases_created"] == 1
    again = post(client, w["lab"], "M1", item)
    assert again.json()["repeated"] is True
    assert session.scalar(select(func.count()).select_from(LabResult)) == 1
    case = session.scalars(select(Case)).one()
    assert case.classification == "confirmed" and case.source == "lab"
    stored = session.scalars(select(LabResult)).one()
    assert stored.ct_value == 24.5 and stored.case_id == case.id


def test_amended_result_is_a_new_revision_with_history(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    post(
        client,
        w["lab"],
        "M1",
        result("B1", "negative", external_id="R1", person=person("Ann", "N0001")),
    )
    same = post(client, w["lab"], "M2", result("B1", "negative", external_id="R1"))
    assert same.json()["results_unchanged"] == 1
    amended = post(
        client, w["lab"], "M3", result("B1", "positive", external_id="R1", status="amended")
    )
    assert amended.json()["results_amended"] == 1 and amended.json()["cases_created"] == 1
    current = session.scalars(select(LabResult).where(LabResult.current.is_(True))).one()
    detail = client.get(f"/api/v1/lab-results/{current.id}", headers=w["boss"]).json()
    assert [h["outcome"] for h in detail["history"]] == ["negative", "positive"]
    assert [h["revision"] for h in detail["history"]] == [1, 2]


def test_a_result_id_another_county_used_is_a_new_result_here(
    session: Session, client: TestClient
) -> None:
    """(source, external_id) is a key per jurisdiction: C1A's result R1 neither amends
    nor shows C1B's result R1, and C1A's message M1 is not C1B's message M1."""
    w = lab_world(session, client)
    make_user(session, "lab-b", "lab", "C1B")
    lab_b = bearer(client, "lab-b")
    post(
        client,
        lab_b,
        "M1",
        result(
            "B1",
            "positive",
            external_id="R1",
            jurisdiction_code="C1B",
            person=person("Bea", "N0002"),
        ),
    )
    ours = post(
        client,
        w["lab"],
        "M1",
        result("B1", "negative", external_id="R1", person=person("Ann", "N0001")),
    )
    assert ours.status_code == 200, ours.text
    assert (ours.json()["results_created"], ours.json()["results_amended"]) == (1, 0)
    stored = session.execute(
        select(LabResult.jurisdiction_id, LabResult.revision, LabResult.current)
    ).all()
    places = w["tree"]["C1A"].id, w["tree"]["C1B"].id
    assert sorted(stored) == sorted([(places[0], 1, True), (places[1], 1, True)])
    mine = session.scalar(select(LabResult.id).where(LabResult.jurisdiction_id == places[0]))
    detail = client.get(f"/api/v1/lab-results/{mine}", headers=w["boss"]).json()
    assert [h["outcome"] for h in detail["history"]] == ["negative"]


def test_unknown_person_goes_to_the_matching_queue(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    post(client, w["lab"], "M1", result("B1", "negative", person=person("Zhang Wei", "N1")))
    twin = {"name": "Zhang  Wei", "sex": "female", "birth_date": "1980-01-01"}
    report = post(client, w["lab"], "M2", result("B2", "negative", person=twin)).json()
    assert report["persons_created"] == 1 and report["matches_proposed"] == 1
    assert session.scalar(select(func.count()).select_from(PersonMatch)) == 1
    assert session.scalar(select(func.count()).select_from(Person)) == 2


def test_bad_results_are_refused_with_paths_and_nothing_stored(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    good = result("B1", person=person("Ann", "N0001"))
    bad = [
        result("B2", person=person("Bo", "N2"), code_system="http://snomed.info/sct"),
        result("B3", person=person("Cy", "N3"), targets=[{"gene": "N", "ct": 61.0}]),
        result("B4"),  # unknown sample without a person
    ]
    response = post(client, w["lab"], "M1", good, *bad)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    paths = [e["path"] for e in response.json()["errors"]]
    assert paths == ["results[1].code_system", "results[2].targets[0].ct", "results[3].person"]
    assert session.scalar(select(func.count()).select_from(Sample)) == 0
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_same_message_id_with_other_content_is_a_conflict(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    post(client, w["lab"], "M1", result("B1", "negative", person=person("Ann", "N1")))
    clash = post(client, w["lab"], "M1", result("B1", "positive"))
    assert clash.status_code == 409


def test_csv_results(session: Session, client: TestClient) -> None:
    w = lab_world(session, client)
    text = (
        "barcode,disease,outcome,resulted_at,loinc,result_id,ct_N,jurisdiction_code,"
        "sample_type,collected_at,name,national_id\n"
        "C1,covid19,positive,2026-01-02T08:00:00+00:00,94500-6,R9,22.1,C1A,"
        "nasopharyngeal_swab,2026-01-02T01:00:00+00:00,Dee,N9\n"
    )
    files = {"file": ("results.csv", text.encode(), "text/csv")}
    first = client.post("/api/v1/lab-results/csv", files=files, headers=w["lab"])
    assert first.status_code == 200, first.text
    assert first.json()["cases_created"] == 1
    again = client.post("/api/v1/lab-results/csv", files=files, headers=w["lab"])
    assert again.json()["repeated"] is True
    bad = text.replace("22.1", "-3")
    refused = client.post(
        "/api/v1/lab-results/csv",
        headers=w["lab"],
        files={"file": ("b.csv", bad.encode(), "text/csv")},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "line 2.targets[0].ct"


def test_sample_registration_refuses_a_duplicate_barcode(
    session: Session, client: TestClient
) -> None:
    w = lab_world(session, client)
    body = {
        "barcode": "S1",
        "disease": "covid19",
        "sample_type": "nasopharyngeal_swab",
        "collected_at": "2026-01-02T01:00:00+00:00",
        "jurisdiction_code": "C1A",
        "person": person("Ann", "N1"),
    }
    assert client.post("/api/v1/samples", json=body, headers=w["lab"]).status_code == 201
    assert client.post("/api/v1/samples", json=body, headers=w["lab"]).status_code == 409
    listed = client.get("/api/v1/samples", headers=w["lab"]).json()
    assert listed["total"] == 1


def test_a_disease_the_deployment_adds_is_known_to_lab_results(
    session: Session, client: TestClient, app_factory: Any, tmp_path: Path
) -> None:
    """FIRELINE_DISEASE_DIR's diseases are checked against (their LOINC tests too), and
    an app without the folder still refuses them."""
    w = lab_world(session, client)
    item = result(
        "BX1", "negative", disease=DEPLOYED, code=DEPLOYED_LOINC, person=person("Ann", "N0001")
    )
    refused = post(client, w["lab"], "M1", item)
    assert refused.status_code == 422 and "unknown disease 'testpox'" in refused.text
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        lab = bearer(deployed, "lab")
        wrong_test = post(deployed, lab, "M1", {**item, "code": "94500-6"})
        assert wrong_test.status_code == 422 and "99999-1" in wrong_test.text
        stored = post(deployed, lab, "M2", item)
    assert stored.status_code == 200, stored.text
    assert stored.json()["results_created"] == 1
    assert session.scalars(select(Sample)).one().disease == DEPLOYED


def test_a_positive_pcr_of_a_deployment_disease_creates_its_case(
    session: Session, app_factory: Any, tmp_path: Path
) -> None:
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        w = lab_world(session, deployed)
        item = result(
            "BX1",
            disease=DEPLOYED,
            code=None,
            code_system=None,
            test_type="pcr",
            person=person("Ann", "N0001"),
        )
        sent = post(deployed, w["lab"], "M1", item)
    assert sent.status_code == 200, sent.text
    assert sent.json()["cases_created"] == 1
    assert session.scalars(select(Case)).one().disease == DEPLOYED
