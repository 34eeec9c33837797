"""Every page in Chinese shows no English of the catalogue, and no page shows a raw code.

One app on one small demo outbreak: each role logs in and follows the links of the
pages it can open, from the main navigation and every page without a path parameter,
so each page route is met with ids of real records. Each page is read in Chinese
(English of the catalogue or the disease profiles, codes) and in English (codes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.service import actor_for
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.demo.service import PASSWORD, demo_context, load_demo
from fireline.diseases.loader import shipped_profile_dir
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.orders import issue_token
from fireline.reports.sitrep import service as sitrep
from fireline.surveillance.intake.batches import ImportOptions, start_import
from fireline.web.setup import page_routers
from tests.web.pagetext import Checker, catalogue, data_phrases, profile_names

TODAY = date(2026, 11, 28)
ROLES = ("investigator", "epidemiologist", "lab", "facility", "viewer", "admin")
# Downloads and chart data, not pages.
NOT_PAGES = (".csv", ".json", ".xlsx", ".pdf")
# Pages still to fix: route -> what is wrong. Empty: every page passes. The test fails
# when a listed page is already clean, so the list can only shrink.
STILL_TO_FIX: dict[str, str] = {}


def page_routes() -> list[str]:
    """Every GET page route of the app, as its path pattern."""
    found: list[str] = []

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute):
                if "GET" in (route.methods or ()) and not route.path.endswith(NOT_PAGES):
                    found.append(route.path)
            else:  # an included router
                walk(route.original_router.routes)

    for router in page_routers():
        walk(router.routes)
    return found


def pattern_of(path: str, patterns: list[tuple[str, Any]]) -> str | None:
    return next((route for route, regex in patterns if regex.fullmatch(path)), None)


@pytest.fixture
def site(session: Session, app_factory: Any) -> Iterator[tuple[Any, Checker, list[str]]]:
    """The app on a small demo outbreak, with an import batch and a self-report link."""
    context = demo_context(TODAY)
    load_demo(session, context, cases=60, seed=2)
    user = session.scalars(select(User).where(User.username == "shangcheng-investigator")).one()
    actor = actor_for(user)
    batch = start_import(
        session,
        Context.build(actor, context.settings, context.clock),
        filename="cases.csv",
        content=b"id,name,gender,location,date_reporting\nA1,Li Hua,female,XX9,2026-11-27\n",
        options=ImportOptions(disease="covid19", source="test"),
    )
    active = select(QuarantineOrder).where(QuarantineOrder.status == "active")
    order = session.scalars(
        actor.restrict(active, QuarantineOrder).order_by(QuarantineOrder.id).limit(1)
    ).one()
    _, token = issue_token(session, actor, order.id, version=order.version)
    # An archived report (the worker's), so that its download is crawled too.
    here = Context.build(actor, context.settings, context.clock)
    report = sitrep.figures(session, here, "330102", TODAY - timedelta(days=1), "covid19")
    archived = sitrep.archive(session, here, report, "zh", "html")
    session.commit()
    english = profile_names(shipped_profile_dir()) | set(catalogue())  # type: ignore[arg-type]
    checker = Checker(catalogue(), english, data_phrases(session, english))
    app = app_factory()
    app.state.clock = FrozenClock(context.now())
    extra = [f"/surveillance/imports/{batch.id}", f"/r/{token}", f"/sitrep/archive/{archived.id}"]
    yield app, checker, extra


def crawl(
    client: TestClient, starts: list[str], patterns: list[tuple[str, Any]], met: dict[str, str]
) -> dict[str, str]:
    """The routes ``met`` lacks that this client can open: route -> (Chinese) HTML.
    ``met`` gains route -> path, with the ids of real records from the links followed."""
    pages: dict[str, str] = {}
    queue, tried = list(starts), set()
    while queue:
        path = queue.pop(0)
        route = pattern_of(path, patterns)
        if route is None or route in met or path in tried:
            continue
        tried.add(path)
        response = client.get(path, follow_redirects=False)
        if response.status_code == 200 and "text/html" in response.headers["content-type"]:
            met[route], pages[route] = path, response.text
            links = re.findall(r'(?:href|hx-get)="(/[^"#?]*)', response.text)
            queue.extend(link for link in links if not link.startswith("/static/"))
    return pages


def test_no_english_or_code_on_any_page(site: tuple[Any, Checker, list[str]]) -> None:
    app, checker, extra = site
    routes = page_routes()
    patterns = [(r, re.compile(re.sub(r"\{[^}]+\}", "[^/]+", r))) for r in routes]
    starts = ["/", *extra, *(r for r in routes if "{" not in r)]
    findings: dict[str, set[str]] = {}
    met: dict[str, str] = {}
    # Each page once, as the first role that may open it; the log-in page logged out.
    for role in (*ROLES, None):
        with TestClient(app) as client:
            if role:
                login = {"username": f"shangcheng-{role}", "password": PASSWORD}
                client.post("/login", data=login)
            client.cookies.set("fireline_lang", "zh")
            pages = crawl(client, starts, patterns, met)
            client.cookies.set("fireline_lang", "en")
            for route, html in pages.items():
                english = client.get(met[route]).text
                found = checker.findings(html, "zh") | checker.findings(english, "en")
                findings[route] = found
    assert set(routes) - set(findings) == set(), "pages no role could open"
    failing = {route: sorted(found) for route, found in findings.items() if found}
    unexpected = {r: f for r, f in failing.items() if r not in STILL_TO_FIX}
    fixed = sorted(set(STILL_TO_FIX) - set(failing))
    assert not unexpected, "\n".join(f"{r}:\n  " + "\n  ".join(f) for r, f in unexpected.items())
    assert not fixed, f"clean now, remove from STILL_TO_FIX: {fixed}"
