"""One clock: with the app's clock frozen, every page says the frozen day is today.

Each page's "today" comes from ``app.state.clock`` through the page context, in the
chosen jurisdiction's time zone, never from the machine's wall clock. The test opens
the pages as a user does: from the overview, following every link to another page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.clock import FrozenClock
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.web.pages import add_case, log_in

# 20:00 UTC is already the next day in Shanghai, where the test tree lies.
FROZEN = datetime(2031, 5, 16, 20, 0, tzinfo=UTC)
LOCAL_DAY = "2031-05-17"
LINK = re.compile(r'href="(/[^"#?]*)')
NOT_PAGES = ("/api", "/static", "/logout", "/healthz")
MOST_PAGES = 150


@pytest.fixture
def app(app_factory, session: Session) -> FastAPI:  # type: ignore[no-untyped-def]
    tree = small_tree(session)
    add_case(session, tree["C1A"], "confirmed", date(2031, 5, 10))
    make_user(session, "pat", "admin", "P")
    session.commit()
    built: FastAPI = app_factory()
    built.state.clock = FrozenClock(FROZEN)
    return built


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        log_in(test_client, "pat")
        yield test_client


def crawl(client: TestClient) -> dict[str, str]:
    """Every page reachable by links from the overview: path -> its HTML."""
    seen: dict[str, str] = {}
    waiting = ["/"]
    while waiting and len(seen) < MOST_PAGES:
        path = waiting.pop(0)
        if path in seen:
            continue
        answer = client.get(path)
        if not answer.headers.get("content-type", "").startswith("text/html"):
            seen[path] = ""  # a download or a JSON feed, not a page
            continue
        seen[path] = answer.text
        for link in LINK.findall(answer.text):
            if not link.startswith(NOT_PAGES) and link not in seen:
                waiting.append(link)
    return {path: html for path, html in seen.items() if html}


def test_every_page_shows_the_frozen_day(client: TestClient) -> None:
    pages = crawl(client)
    assert len(pages) >= 25, sorted(pages)
    # A document such as /sitrep.html is dated by its report day, with no page footer.
    shown = {path: html for path, html in pages.items() if not path.split("?")[0].endswith(".html")}
    wrong = sorted(path for path, html in shown.items() if f"Today: {LOCAL_DAY}" not in html)
    assert not wrong


def test_no_page_reads_the_wall_clock(client: TestClient) -> None:
    """The machine's date (years before the frozen one) shows on no page."""
    wall = datetime.now(UTC).date()
    days = {(wall + timedelta(days=d)).isoformat() for d in (-1, 0, 1)}
    found = {
        path: sorted(day for day in days if day in html) for path, html in crawl(client).items()
    }
    assert not {path: hits for path, hits in found.items() if hits}
