"""Interviews and contacts follow the deployment's disease profiles (FIRELINE_DISEASE_DIR),
not only the shipped ones: a disease a deployment folder adds is interviewed, and its
contacts are listed and proposed for quarantine by its own rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.surveillance.models import Case
from tests.surveillance.cases.factories import county_world, post_case
from tests.web.pages import log_in

from .factories import NOW, api, contact_body

MINIMAL = Path(__file__).resolve().parent.parent / "diseases" / "data" / "minimal.yaml"


def deployment_folder(folder: Path) -> Path:
    """A folder adding ``testpox``: a symptom and a contact category no shipped profile has
    (a shared room: 7 days in a facility, then 3 at home)."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("  - code: close\n", "  - code: shared_room\n")
    text = text.replace(
        "    - {code: fever, names: {en: Fever, zh: 发热}, red_flag: true}\n",
        "    - {code: fever, names: {en: Fever, zh: 发热}, red_flag: true}\n"
        "    - {code: pox_spots, names: {en: Pox spots, zh: 痘疹}}\n",
    )
    (folder / "testpox.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def client(app_factory: Any, session: Session, tmp_path: Path) -> Iterator[TestClient]:
    county_world(session)
    session.commit()
    app = app_factory(disease_dir=deployment_folder(tmp_path))
    with TestClient(app, base_url="http://testserver") as test_client:
        app.state.clock = FrozenClock(NOW)
        yield test_client


def deployment_case(client: TestClient, session: Session) -> int:
    """A case of the deployment's disease (made as COVID-19, then moved: creating it is
    case intake's business, not the interview's)."""
    cid = int(post_case(client, "ann")["id"])
    session.execute(update(Case).where(Case.id == cid).values(disease="testpox"))
    session.commit()
    return cid


def test_the_interview_knows_a_disease_the_deployment_adds(
    client: TestClient, session: Session
) -> None:
    cid = deployment_case(client, session)
    assert api(client, "ann", "GET", f"/cases/{cid}/interview").status_code == 200
    body = {"version": 1, "symptoms": ["pox_spots"]}
    saved = api(client, "ann", "PATCH", f"/cases/{cid}/interview", json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["symptoms"] == ["pox_spots"]
    cough = api(
        client,
        "ann",
        "PATCH",
        f"/cases/{cid}/interview",
        json={"version": 2, "symptoms": ["cough"]},
    )
    assert cough.status_code == 422 and "cough" in cough.json()["detail"]


def test_contacts_follow_the_deployment_profile(client: TestClient, session: Session) -> None:
    cid = deployment_case(client, session)
    shipped = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=contact_body("Zhao Li"))
    assert shipped.status_code == 422 and "shared_room" in shipped.json()["detail"]
    body = contact_body("Zhao Li", category="shared_room")
    made = api(client, "ann", "POST", f"/cases/{cid}/contacts", json=body)
    assert made.status_code == 201, made.text
    # testpox's rule: 7 days in a facility and 3 at home from the last exposure (03-04).
    order = made.json()["order"]
    assert (order["kind"], order["start_date"], order["end_date"]) == (
        "facility",
        "2024-03-05",
        "2024-03-14",
    )


def test_the_interview_page_shows_the_deployment_profile(
    client: TestClient, session: Session
) -> None:
    cid = deployment_case(client, session)
    log_in(client, "ann")
    page = client.get(f"/investigation/cases/{cid}")
    assert page.status_code == 200
    assert 'value="pox_spots"' in page.text and 'value="shared_room"' in page.text
