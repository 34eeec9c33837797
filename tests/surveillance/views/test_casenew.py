"""The new-case form."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.surveillance.models import Case
from tests.surveillance.profiles import ADDED, deployment_folder
from tests.surveillance.views.factories import world
from tests.web.pages import log_in


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def test_new_case_reports_and_says_when_a_match_is_proposed(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    csrf = log_in(client, "ann")
    assert "新增病例" in client.get("/surveillance/cases/new?lang=zh").text
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": date.today().isoformat(),
        "name": "赵六",
        "birth_date": "1990-01-01",
        "phone": "13900000009",
    }
    created = client.post("/surveillance/cases/new", data=form)
    assert created.status_code == 200 and "该人员可能已有档案" in created.text
    missing = client.post("/surveillance/cases/new", data={**form, "name": ""})
    assert missing.status_code == 422 and "姓名为必填项" in missing.text
    log_in(client, "viewer")
    assert client.get("/surveillance/cases/new").status_code == 403


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Date of report must lie between 1900 and 2100."),
        ("zh", "报告日期须在 1900 年至 2100 年之间。"),
    ],
)
def test_a_report_date_outside_1900_to_2100_is_refused_in_words_and_keeps_the_form(
    client: TestClient, data: dict[str, Any], session: Session, language: str, message: str
) -> None:
    csrf = log_in(client, "ann")
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": "2300-01-01",
        "name": "Ann Typed",
        "phone": "13900000001",
    }
    before = len(session.scalars(select(Case.id)).all())
    refused = client.post(f"/surveillance/cases/new?lang={language}", data=form)
    assert refused.status_code == 422
    assert message in refused.text and "Value error" not in refused.text
    assert 'value="Ann Typed"' in refused.text and 'value="2300-01-01"' in refused.text
    assert len(session.scalars(select(Case.id)).all()) == before


def test_the_form_offers_and_reports_a_disease_the_deployment_folder_adds(
    app_factory: Any, data: dict[str, Any], session: Session, tmp_path: Path
) -> None:
    with TestClient(app_factory(disease_dir=deployment_folder(tmp_path))) as deployed:
        csrf = log_in(deployed, "ann")
        assert f'value="{ADDED}"' in deployed.get("/surveillance/cases/new").text
        form = {
            "csrf_token": csrf,
            "disease": ADDED,
            "jurisdiction_code": "C1A",
            "classification": "suspected",
            "date_reporting": date.today().isoformat(),
            "name": "Pox Patient",
        }
        created = deployed.post("/surveillance/cases/new", data=form, follow_redirects=False)
        assert created.status_code == 303, created.text
    assert session.scalars(select(Case).where(Case.disease == ADDED)).one()


def test_an_onset_after_the_report_is_refused_beside_the_onset_date(
    client: TestClient, data: dict[str, Any]
) -> None:
    csrf = log_in(client, "ann")
    form = {
        "csrf_token": csrf,
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "classification": "suspected",
        "date_reporting": "2024-03-01",
        "date_onset": "2024-03-09",
        "name": "Ann Typed",
    }
    refused = client.post("/surveillance/cases/new?lang=en", data=form)
    assert refused.status_code == 422
    beside = refused.text.split('id="date_onset"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error"' in beside and "onset date is after the report date" in beside
    assert 'value="2024-03-09"' in refused.text and 'value="Ann Typed"' in refused.text
