"""Static assets under content-hashed URLs, cached as immutable; pages compressed."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.web.assets import IMMUTABLE, AssetVersions
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import log_in

ASSET = re.compile(r'/static/fireline\.css\?v=([0-9a-f]+)"')


def test_the_hash_follows_the_content(tmp_path: Path) -> None:
    (tmp_path / "app.js").write_text("one()")
    before = AssetVersions(tmp_path).url("app.js")
    (tmp_path / "app.js").write_text("two()")
    after = AssetVersions(tmp_path).url("app.js")  # the next process start
    assert before != after and after.startswith("/static/app.js?v=")
    assert AssetVersions(tmp_path).version("missing.js") is None
    assert AssetVersions(tmp_path).version("../etc/passwd") is None


def test_pages_link_hashed_assets_that_are_immutable(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    log_in(client, "ann")
    page = client.get("/")
    found = ASSET.search(page.text)
    assert found, "the layout links fireline.css with its content hash"
    asset = client.get(f"/static/fireline.css?v={found.group(1)}")
    assert asset.status_code == 200 and asset.headers["cache-control"] == IMMUTABLE
    assert "nosniff" in asset.headers["x-content-type-options"]
    stale = client.get("/static/fireline.css?v=0.0.1")  # an old page's link
    assert stale.status_code == 200 and "immutable" not in stale.headers.get("cache-control", "")
    assert client.get("/static/nothing.css?v=abc").status_code == 404


def test_pages_are_compressed_when_the_browser_asks(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    log_in(client, "ann")
    zipped = client.get("/surveillance/cases", headers={"Accept-Encoding": "gzip"})
    assert zipped.status_code == 200 and zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(zipped.content) / 3
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert zipped.headers["cache-control"] == "no-store"  # still never stored
    plain = client.get("/surveillance/cases", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == zipped.text
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})  # under 1 KB
    assert "content-encoding" not in small.headers
