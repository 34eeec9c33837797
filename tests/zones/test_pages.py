"""The zone pages through the app: map and list, the draw form (bad outline: 422, nothing
stored), the detail page's round and step-down, in both languages."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from fireline.web import i18n
from fireline.zones import views
from fireline.zones.models import Zone
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in
from tests.zones.factories import COMPOUND, DAY, T0, days, draw, resident, square


@pytest.fixture
def pages(session: Session, app_factory) -> Iterator[tuple[TestClient, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    tree = small_tree(session)
    resident(session, tree["C1A"], COMPOUND + "3幢101室", case_on=DAY - days(2))
    zone = draw(session, tree["C1A"], outline=square(), name="Wensan 88")
    draw(session, tree["C1A"], level="precaution", addresses=["文三路"], name="Wensan Road")
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    with TestClient(app) as client:
        log_in(client, "tracer")
        yield client, {"zone": zone.id, "tree": tree}


def csrf(html: str) -> str:
    return html.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_list_shows_lift_dates_missing_items_and_the_map(
    pages: tuple[TestClient, dict[str, Any]],
) -> None:
    client, _ = pages
    html = client.get("/zones?j=C1A").text
    assert "Wensan 88" in html and i18n.day(DAY + days(7), "en") in html
    assert 'data-missing="screening_round"' in html and 'data-missing="higher_zones"' in html
    spec = json.loads(html.split('id="zone-map-spec">')[1].split("</script>")[0])
    shapes = spec["layer"][0]["data"]["values"]
    assert [s["properties"]["level"] for s in shapes] == ["Sealed area"]
    zh = client.get("/zones?lang=zh").text
    assert "封控区" in zh and "防范区" in zh and "风险区域" in zh
    assert i18n.day(DAY + days(7), "zh") in zh  # 2026年…月…日, not an ISO or US date
    zh_spec = json.loads(zh.split('id="zone-map-spec">')[1].split("</script>")[0])
    tooltip = zh_spec["layer"][0]["encoding"]["tooltip"]
    assert [t["title"] for t in tooltip] == ["风险区", "级别"]  # the map's words in Chinese


def test_the_list_filters_by_level_and_pages_with_the_filter_kept(
    pages: tuple[TestClient, dict[str, Any]], session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, data = pages
    for n in range(3):
        draw(session, data["tree"]["C1A"], level="precaution", name=f"Extra {n}")
    session.commit()
    level = client.get("/zones?level=precaution").text
    assert "Wensan Road" in level and "Extra 0" in level and "Wensan 88" not in level
    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = client.get("/zones?level=precaution").text
    assert 'rel="next"' in first and "level=precaution&amp;page=2" in first
    second = client.get("/zones?level=precaution&page=2").text
    assert second.count('data-zone="') == 2 and 'rel="prev"' in second


def test_drawing_a_zone_and_refusing_an_open_outline(
    pages: tuple[TestClient, dict[str, Any]], session: Session
) -> None:
    client, _ = pages
    form = client.get("/zones/new?j=C1A").text
    before = session.scalar(select(func.count()).select_from(Zone))
    ring = square()["coordinates"][0][:-1]
    bad = client.post(
        "/zones/new?j=C1A",
        data={
            "csrf_token": csrf(form),
            "name": "Open",
            "level": "sealed",
            "addresses": "",
            "geometry": json.dumps({"type": "Polygon", "coordinates": [[*ring, [120.3, 30.0]]]}),
        },
    )
    assert bad.status_code == 422 and "does not close" in bad.text
    assert session.scalar(select(func.count()).select_from(Zone)) == before
    good = client.post(
        "/zones/new?j=C1A",
        data={
            "csrf_token": csrf(form),
            "name": "Shop street",
            "level": "controlled",
            "addresses": "文三路88号\n文三路90号",
            "geometry": "",
        },
    )
    assert good.status_code == 200 and "Shop street" in good.text and "Saved." in good.text


def test_detail_records_a_round_and_refuses_an_early_step_down(
    pages: tuple[TestClient, dict[str, Any]],
) -> None:
    client, world = pages
    url = f"/zones/{world['zone']}"
    page = client.get(url).text
    assert "Step down to Controlled area" in page
    early = client.post(
        f"{url}/action", data={"csrf_token": csrf(page), "action": "step_down", "version": "1"}
    )
    assert early.status_code == 409 and "clean days" in early.text
    sent = client.post(
        f"{url}/action",
        data={
            "csrf_token": csrf(page),
            "action": "round",
            "day": str(DAY),
            "result": "negative",
            "tested": "120",
        },
    )
    assert sent.status_code == 200 and "120" in sent.text
    assert client.get(f"{url}?lang=zh").status_code == 200


def test_another_county_zone_is_404(
    pages: tuple[TestClient, dict[str, Any]], session: Session
) -> None:
    client, world = pages
    other = draw(session, world["tree"]["C2A"], name="Elsewhere")
    session.commit()
    assert client.get(f"/zones/{other.id}").status_code == 404
    assert "Elsewhere" not in client.get("/zones").text


def test_the_detail_links_to_a_campaign_over_the_residents(
    pages: tuple[TestClient, dict[str, Any]], session: Session
) -> None:
    client, world = pages
    url = f"/zones/{world['zone']}"
    page = client.get(url).text
    assert "Screen the zone's residents (1)" in page
    link = html.unescape(page.split('id="zone-screen" href="', 1)[1].split('"', 1)[0])
    assert parse_qs(urlsplit(link).query) == {
        "target_kind": ["zone"],
        "zone_id": [str(world["zone"])],
        "jurisdiction_code": ["C1A"],
        "population": ["1"],
        "name": ["Screening of Wensan 88"],
    }
    form = client.get(link)
    assert form.status_code == 200 and 'value="zone" checked' in form.text
    assert "筛查本区居民（1 人）" in client.get(f"{url}?lang=zh").text
    make_user(session, "reader", "viewer", "C1A")  # no samples:write: no campaign to set up
    log_in(client, "reader")
    assert client.get(url).status_code == 200 and 'id="zone-screen"' not in client.get(url).text
