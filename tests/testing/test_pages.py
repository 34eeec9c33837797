"""The testing pages through the app: lists, a result's history, the upload report, the
campaign set-up, the scan page and the dashboard; both languages, scope, CSRF, bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.lab.models import Sample
from fireline.people.models import Person
from fireline.testing.pooling.models import Pool, RetestOrder, ScreeningCampaign
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.testing.factories import DEPLOYED, T0, deployment_folder, scoped_records
from tests.web.pages import log_in

FHIR = Path(__file__).parent.parent / "data" / "fhir"


def _client(
    session: Session, app_factory: Any, **settings: Any
) -> tuple[TestClient, dict[str, Any]]:
    tree = small_tree(session)
    for i in range(12):
        session.add(
            Person(name=f"Member {i}", national_id=f"ID{i:04d}", jurisdiction_id=tree["C1A"].id)
        )
    session.commit()
    make_user(session, "lab", "lab", "C1A")
    make_user(session, "viewer", "viewer", "C1A")
    app = app_factory(**settings)
    app.state.clock = FrozenClock(T0)
    return TestClient(app), tree


def _campaign(client: TestClient, csrf: str, **extra: str) -> Any:
    form = {
        "csrf_token": csrf,
        "name": "Round one",
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "prevalence": "0.05",
        "design": "dorfman",
        "starts_on": "2026-01-02",
        "sites": "S1, School gym, 600\nS2, Market, 300",
        "action": "create",
        **extra,
    }
    return client.post("/testing/campaigns/new", data=form, follow_redirects=False)


def _scan(client: TestClient, csrf: str, cid: int, tube: str, scans: list[str]) -> Any:
    form = {"csrf_token": csrf, "site_code": "S1", "tube": tube, "members": "\n".join(scans)}
    return client.post(f"/testing/campaigns/{cid}/scan", data=form)


def test_a_campaign_from_set_up_to_scanned_tubes_and_positive_pool(
    session: Session, app_factory: Any
) -> None:
    client, _ = _client(session, app_factory)
    with client:
        csrf = log_in(client, "lab")
        preview = _campaign(client, csrf, action="preview")
        assert preview.status_code == 200 and 'id="preview"' in preview.text
        assert "Pool size 10" in preview.text
        made = _campaign(client, csrf)
        assert made.status_code == 303, made.text
        cid = int(made.headers["location"].split("/")[-1].split("?")[0])
        scans = [s for i in range(5) for s in (f"ID{i:04d}", f"SW-{i}")]
        saved = _scan(client, csrf, cid, "TUBE-1", scans)
        assert saved.status_code == 200 and "Tube TUBE-1 registered with 5 samples" in saved.text
        twice = _scan(client, csrf, cid, "TUBE-2", ["SW-0"])
        assert twice.status_code == 409 and "already in another pool of this round" in twice.text
        assert "SW-0" in twice.text  # the scans stay on the page
        taken = _scan(client, csrf, cid, "TUBE-1", ["ID0007", "SW-7"])
        assert taken.status_code == 409 and "Tube TUBE-1 is already registered" in taken.text
        csv = b"barcode,outcome,ct_value,resulted_at\nTUBE-1,positive,31.5,2026-01-02T12:00Z\n"
        up = client.post(
            "/testing/upload",
            data={"csrf_token": csrf, "kind": "pools"},
            files={"file": ("pools.csv", csv, "text/csv")},
        )
        assert up.status_code == 200 and 'id="report"' in up.text, up.text
        board = client.get(f"/testing/campaigns/{cid}?lang=zh").text
        assert "核酸" in board or "混管" in board
        assert board.count('<td class="hold">') == 5 and "待复核" in board
        assert (
            client.get(f"/testing/campaigns/{cid}?status=negative").text.count('<td class="hold">')
            == 0
        )
        listed = client.get("/testing/campaigns").text
        assert f'href="/testing/campaigns/{cid}"' in listed
    assert session.scalar(select(Pool.size).where(Pool.barcode == "TUBE-1")) == 5
    assert len(session.scalars(select(RetestOrder)).all()) == 5


def test_upload_of_a_bad_fhir_bundle_reports_paths_and_stores_nothing(
    session: Session, app_factory: Any
) -> None:
    client, _ = _client(session, app_factory)
    bad = sorted(FHIR.glob("*wrong*")) or sorted(FHIR.glob("*bad*"))
    content = bad[0].read_bytes() if bad else b'{"resourceType": "Bundle", "type": "collection",'
    with client:
        csrf = log_in(client, "lab")
        up = client.post(
            "/testing/upload",
            data={"csrf_token": csrf, "kind": "auto"},
            files={"file": ("bundle.json", content, "application/fhir+json")},
        )
        assert up.status_code == 422 and "Nothing was saved" in up.text
        assert "Bundle" in up.text
        zh = client.post(
            "/testing/upload?lang=zh",
            data={"csrf_token": csrf},
            files={"file": ("x.csv", b"barcode\nA\n", "text/csv")},
        )
        assert zh.status_code == 422 and "未保存" in zh.text
    assert session.scalar(select(Sample.id)) is None


def test_a_valid_fhir_bundle_shows_its_report_then_the_result_with_history(
    session: Session, app_factory: Any
) -> None:
    client, _ = _client(session, app_factory)
    good = [p for p in sorted(FHIR.glob("*.json")) if "positive" in p.name] or sorted(
        FHIR.glob("*.json")
    )
    with client:
        csrf = log_in(client, "lab")
        up = client.post(
            "/testing/upload?j=C1A",
            data={"csrf_token": csrf},
            files={"file": (good[0].name, good[0].read_bytes(), "application/json")},
        )
        assert up.status_code == 200, up.text
        body = {"file": (good[0].name, good[0].read_bytes(), "application/json")}
        again = client.post("/testing/upload?j=C1A", data={"csrf_token": csrf}, files=body)
        assert "received before" in again.text
        listing = client.get("/testing/results")
        assert listing.status_code == 200
        first = listing.text.split('href="/testing/results/', 1)[1].split('"', 1)[0]
        detail = client.get(f"/testing/results/{first}")
        assert detail.status_code == 200 and "History" in detail.text
        assert "检测结果" in client.get(f"/testing/results/{first}?lang=zh").text
        assert client.get("/testing/samples").status_code == 200


def test_another_countys_records_are_not_found_and_forms_need_csrf(
    session: Session, app_factory: Any
) -> None:
    client, tree = _client(session, app_factory)
    other = Person(name="Elsewhere", jurisdiction_id=tree["C2A"].id)
    session.add(other)
    session.flush()
    ids = scoped_records(session, tree["C2A"], other.id)
    session.commit()
    with client:
        csrf = log_in(client, "lab")
        assert client.get(f"/testing/results/{ids['result_id']}").status_code == 404
        assert client.get(f"/testing/campaigns/{ids['campaign_id']}").status_code == 404
        assert client.get(f"/testing/campaigns/{ids['campaign_id']}/scan").status_code == 404
        assert "scope-C2A" not in client.get("/testing/samples").text
        assert _campaign(client, "forged").status_code == 403
        assert (
            session.scalar(
                select(ScreeningCampaign.id).where(ScreeningCampaign.name == "Round one")
            )
            is None
        )
        bad = _campaign(client, csrf, prevalence="", pool_size="", sites="S1")
        assert bad.status_code == 422 and 'id="form-errors"' in bad.text
    with client:
        log_in(client, "viewer")
        assert client.get("/testing/upload").status_code == 403
        assert client.get("/testing/samples").status_code == 403
        assert client.get("/testing/campaigns").status_code == 200


def test_the_set_up_offers_and_previews_a_deployment_disease(
    session: Session, app_factory: Any, tmp_path: Path
) -> None:
    client, _ = _client(session, app_factory, disease_dir=deployment_folder(tmp_path))
    with client:
        csrf = log_in(client, "lab")
        form = client.get("/testing/campaigns/new")
        assert f'value="{DEPLOYED}"' in form.text and "Test pox" in form.text
        preview = _campaign(client, csrf, action="preview", disease=DEPLOYED)
    assert preview.status_code == 200, preview.text
    assert "Pool size 5" in preview.text  # the deployment profile's cap


def test_a_campaign_too_large_to_count_live_says_as_of_when(
    session: Session, app_factory: Any
) -> None:
    """With every dashboard counted as slow, the second view reads the snapshot and
    says its time; right after an action the figures are counted live."""
    client, _ = _client(session, app_factory, snapshot_after_s=0)
    with client:
        csrf = log_in(client, "lab")
        cid = int(_campaign(client, csrf).headers["location"].split("/")[-1].split("?")[0])
        first = client.get(f"/testing/campaigns/{cid}").text
        assert 'id="as-of"' not in first  # counted for this reader, then remembered
        _scan(client, csrf, cid, "TUBE-1", [s for i in range(3) for s in (f"ID{i:04d}", f"S-{i}")])
        second = client.get(f"/testing/campaigns/{cid}?lang=zh").text
        assert 'id="as-of"' in second and "数据截至" in second
        api = client.get(f"/api/v1/campaigns/{cid}").json()
        assert api["as_of"] is not None and api["pools"] == 0  # the snapshot, before the tube
        after_action = client.get(f"/testing/campaigns/{cid}?done=round_closed").text
        assert 'id="as-of"' not in after_action
