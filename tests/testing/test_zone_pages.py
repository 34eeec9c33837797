"""The campaign pages for a risk zone: the set-up form prefilled from the zone page's link
(a bad or foreign zone is left out with a note), and closing a round on the dashboard,
which records the round on the zone; both languages."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.people.models import Person
from fireline.testing.pooling.models import ScreeningCampaign
from fireline.zones.models import ZoneRound
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.testing.factories import T0
from tests.web.pages import log_in
from tests.zones.factories import COMPOUND, draw

NEW = "/testing/campaigns/new"


def _world(session: Session, app_factory: Any) -> tuple[TestClient, dict[str, int]]:
    """Four residents (national IDs ID0000...) of a sealed zone in C1A drawn ten days before
    the clock, a zone in C2A, and a lab user in C1A."""
    tree = small_tree(session)
    for i in range(4):
        session.add(
            Person(
                name=f"Member {i}",
                national_id=f"ID{i:04d}",
                address=f"{COMPOUND}{i + 1}幢",
                jurisdiction_id=tree["C1A"].id,
            )
        )
    session.flush()
    zone = draw(session, tree["C1A"], drawn=T0.date() - timedelta(days=10), name="Wensan 88")
    other = draw(session, tree["C2A"], name="Elsewhere")
    session.commit()
    make_user(session, "lab", "lab", "C1A")
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    return TestClient(app), {"zone": zone.id, "other": other.id}


def _field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_the_form_is_prefilled_from_a_zone_and_ignores_a_bad_one(
    session: Session, app_factory: Any
) -> None:
    client, ids = _world(session, app_factory)
    query = {
        "target_kind": "zone",
        "zone_id": ids["zone"],
        "jurisdiction_code": "C2A",
        "population": "999",
        "name": "",
    }
    with client:
        log_in(client, "lab")
        form = client.get(f"{NEW}?{urlencode(query)}")
        assert form.status_code == 200
        html = form.text
        assert 'id="target-zone" name="target_kind" value="zone" checked' in html
        assert _field(html, "zone_id") == str(ids["zone"])
        assert _field(html, "population") == "4"  # the zone's residents, not the query's
        assert _field(html, "name") == "Screening of Wensan 88"
        assert '<option value="C1A" selected>' in html  # the zone's county, not the query's
        assert 'class="notice info"' in html and "the 4 residents of risk zone Wensan 88" in html
        for bad in (ids["other"], "abc", 10**9):
            ignored = client.get(f"{NEW}?{urlencode(query | {'zone_id': bad})}")
            assert ignored.status_code == 200
            assert 'class="notice warning"' in ignored.text and f"Risk zone {bad} " in ignored.text
            assert 'value="jurisdiction" checked' in ignored.text
            assert _field(ignored.text, "zone_id") == "" and "Elsewhere" not in ignored.text
        plain = client.get(f"{NEW}?jurisdiction_code=C2A&target_kind=x&population=-3").text
        assert 'id="prefill-note"' not in plain and '<option value="C1A" selected>' in plain
        assert 'value="jurisdiction" checked' in plain and _field(plain, "population") == ""
        zh = client.get(f"{NEW}?{urlencode(query)}&lang=zh").text
        assert "风险区 Wensan 88" in zh and "Wensan 88 核酸筛查" in zh


def _round_one(client: TestClient, csrf: str, zone_id: int) -> int:
    """A zone campaign from the form, one tube of the four residents, resulted negative."""
    form = {
        "csrf_token": csrf,
        "name": "Wensan round",
        "disease": "covid19",
        "jurisdiction_code": "C1A",
        "target_kind": "zone",
        "zone_id": str(zone_id),
        "population": "4",
        "pool_size": "5",
        "design": "dorfman",
        "starts_on": "2026-01-02",
        "sites": "S1, Gate, 300",
        "action": "create",
    }
    made = client.post(NEW, data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    cid = int(made.headers["location"].split("/")[-1].split("?")[0])
    scans = [s for i in range(4) for s in (f"ID{i:04d}", f"SW-{i}")]
    tube = {"csrf_token": csrf, "site_code": "S1", "tube": "T1", "members": "\n".join(scans)}
    assert client.post(f"/testing/campaigns/{cid}/scan", data=tube).status_code == 200
    return cid


def test_closing_a_round_on_the_dashboard_records_it_on_the_zone(
    session: Session, app_factory: Any
) -> None:
    client, ids = _world(session, app_factory)
    with client:
        csrf = log_in(client, "lab")
        cid = _round_one(client, csrf, ids["zone"])
        waiting = client.get(f"/testing/campaigns/{cid}").text
        assert 'id="close-round" aria-describedby="close-hint" disabled' in waiting
        assert "1 pool tubes still await their result" in waiting
        assert "4 of 4" in waiting and "the residents of risk zone Wensan 88" in waiting
        early = client.post(
            f"/testing/campaigns/{cid}/close-round", data={"csrf_token": csrf, "version": "1"}
        )
        assert early.status_code == 409 and "Round 1 was not closed" in early.text
        csv = b"barcode,outcome,ct_value,resulted_at\nT1,negative,,2026-01-02T12:00Z\n"
        up = client.post(
            "/testing/upload",
            data={"csrf_token": csrf, "kind": "pools"},
            files={"file": ("pools.csv", csv, "text/csv")},
        )
        assert up.status_code == 200, up.text
        ready = client.get(f"/testing/campaigns/{cid}?lang=zh").text
        assert "结束第 1 轮" in ready and "记为该风险区的一轮核酸筛查" in ready
        assert 'aria-describedby="close-hint" disabled' not in ready
        closed = client.post(
            f"/testing/campaigns/{cid}/close-round",
            data={"csrf_token": csrf, "version": "1"},
            follow_redirects=False,
        )
        assert closed.status_code == 303, closed.text
        board = client.get(closed.headers["location"] + "&lang=en").text
        assert "The round was closed." in board and "Round 2" in board
        assert '<td class="round-result">Negative</td>' in board
        assert "Recorded on Wensan 88" in board
        again = client.post(
            f"/testing/campaigns/{cid}/close-round", data={"csrf_token": csrf, "version": "1"}
        )
        assert again.status_code == 409
    rounds = session.scalars(select(ZoneRound)).all()
    assert [(r.zone_id, r.result, r.tested, r.day) for r in rounds] == [
        (ids["zone"], "negative", 4, T0.date())
    ]
    assert session.scalar(select(ScreeningCampaign.round_no)) == 2
