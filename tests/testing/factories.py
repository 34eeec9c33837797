"""Testing and screening records for tests: a county, a lab user, a campaign with a site."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.settings import Settings
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree

T0 = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
# A disease only a deployment's folder knows (FIRELINE_DISEASE_DIR), with its own LOINC test.
DEPLOYED, DEPLOYED_LOINC = "testpox", "99999-1"
MINIMAL_PROFILE = Path(__file__).parents[1] / "diseases" / "data" / "minimal.yaml"


def deployment_folder(folder: Path) -> Path:
    """``folder`` holding the profile of :data:`DEPLOYED`, as a deployment would add it."""
    test = (
        f'  - {{system: "http://loinc.org", code: "{DEPLOYED_LOINC}", '
        "display: Test pox RNA, source: ref}\n"
    )
    text = MINIMAL_PROFILE.read_text(encoding="utf-8") + "lab_tests:\n" + test
    (folder / f"{DEPLOYED}.yaml").write_text(text, encoding="utf-8")
    return folder


def context_of(actor: Actor | None = None, **settings: Any) -> Context:
    """A service's context: ``actor`` (the system by default) at T0, the shipped profiles
    plus any ``disease_dir`` given."""
    return Context.build(actor or system_actor(), Settings(**settings), FrozenClock(T0))


def lab_world(session: Session, client: TestClient) -> dict[str, Any]:
    """The small tree, a lab user and an admin in county C1A; their bearer headers."""
    tree = small_tree(session)
    session.commit()
    make_user(session, "lab", "lab", "C1A")
    make_user(session, "boss", "admin", "C1A")
    return {"tree": tree, "lab": bearer(client, "lab"), "boss": bearer(client, "boss")}


def person(name: str, national_id: str) -> dict[str, str]:
    return {"name": name, "national_id": national_id, "sex": "female", "birth_date": "1980-01-01"}


def result(barcode: str, outcome: str = "positive", **extra: Any) -> dict[str, Any]:
    body = {
        "barcode": barcode,
        "disease": "covid19",
        "outcome": outcome,
        "resulted_at": T0.isoformat(),
        "code_system": "http://loinc.org",
        "code": "94500-6",
        "jurisdiction_code": "C1A",
        "sample_type": "nasopharyngeal_swab",
        "collected_at": T0.replace(hour=1).isoformat(),
    }
    body.update(extra)
    return body


def campaign(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {
        "name": "Round one",
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "prevalence": 0.0005,
        "starts_on": date(2026, 1, 2).isoformat(),
    }
    body.update(extra)
    made = client.post("/api/v1/campaigns", json=body, headers=headers)
    assert made.status_code == 201, made.text
    site = client.post(
        f"/api/v1/campaigns/{made.json()['id']}/sites",
        json={"code": "S1", "name": "School gym", "capacity_per_hour": 600},
        headers=headers,
    )
    assert site.status_code == 201, site.text
    return dict(made.json())


def members(prefix: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "barcode": f"{prefix}-{i:02d}",
            "person": person(f"Member {prefix} {i}", f"ID{prefix}{i:04d}"),
        }
        for i in range(n)
    ]


def scoped_records(session: Session, place: Any, person_id: int) -> dict[str, int]:
    """A sample, a result, its message and a campaign in ``place`` (for the scope test)."""
    from fireline.lab.models import LabMessage, LabResult, Sample
    from fireline.testing.pooling.models import ScreeningCampaign

    message = LabMessage(
        source="scope",
        message_id=f"m-{place.code}",
        format="api",
        sha256="0" * 64,
        jurisdiction_id=place.id,
    )
    sample = Sample(
        barcode=f"scope-{place.code}",
        person_id=person_id,
        disease="covid19",
        sample_type="swab",
        collected_at=T0,
        jurisdiction_id=place.id,
    )
    campaign = ScreeningCampaign(
        name="scope",
        disease="covid19",
        target_kind="jurisdiction",
        pool_size=10,
        starts_on=T0.date(),
        jurisdiction_id=place.id,
    )
    session.add_all([message, sample, campaign])
    session.flush()
    result = LabResult(
        sample_id=sample.id,
        test_type="pcr",
        outcome="positive",
        resulted_at=T0,
        jurisdiction_id=place.id,
        message_id=message.id,
    )
    session.add(result)
    session.flush()
    return {
        "sample_id": sample.id,
        "result_id": result.id,
        "message_id": message.id,
        "campaign_id": campaign.id,
    }


def add_result(
    session: Session,
    place: Any,
    barcode: str,
    outcome: str = "positive",
    *,
    hours: int = 0,
    test_type: str = "pcr",
    site: str | None = None,
    ct: float | None = None,
) -> Any:
    """A person, a sample collected ``hours`` after T0 and its current result, in ``place``."""
    from datetime import timedelta

    from fireline.lab.models import LabResult, Sample
    from fireline.people.models import Person

    person = Person(name=f"Person {barcode}", jurisdiction_id=place.id)
    session.add(person)
    session.flush()
    at = T0 + timedelta(hours=hours)
    sample = Sample(
        barcode=barcode,
        person_id=person.id,
        disease="covid19",
        site=site,
        sample_type="swab",
        collected_at=at,
        jurisdiction_id=place.id,
    )
    session.add(sample)
    session.flush()
    result = LabResult(
        sample_id=sample.id,
        test_type=test_type,
        outcome=outcome,
        resulted_at=at + timedelta(hours=2),
        ct_value=ct,
        jurisdiction_id=place.id,
    )
    session.add(result)
    session.flush()
    return result
