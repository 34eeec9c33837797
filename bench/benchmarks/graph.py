"""The chain graph of the demo's largest cluster, drawn in Debian's Chromium.

- figure: from opening ``/investigation/clusters/{n}`` to the graph drawn with every
  node (``data-rendered``), the layout computed on the server (tracing/clusters.py,
  Cytoscape's ``preset``); plus the switch to the timeline view;
- baseline: Cytoscape's own tree layout (``breadthfirst``) of the same elements, run in
  the same page: the cheapest thing the browser could do without the server's layout.
  (Its force-directed ``cose`` took 357 s for the 1,825 nodes of the small run, so it
  is no usable baseline at 5,000.)

Full: the demo with 20,000 cases (its largest cluster has several thousand cases);
small: 3,000. Runs on a temporary SQLite file; needs Chromium (FIRELINE_CHROMIUM or
``/usr/bin/chromium``) and the front-end packages (``make vendor``).
"""

from __future__ import annotations

import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from tests.web.browser import launch_browser, serve

from bench.registry import Measurement
from fireline.app import create_app
from fireline.auth.scope import system_actor
from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.demo.service import PASSWORD, load_demo
from fireline.settings import Settings
from fireline.tracing.clusters import cluster_list, load_chains

NAME = "graph"
DESCRIPTION = "chain graph of the largest demo cluster in Chromium vs Cytoscape's own layout"
CASES = {"small": 3_000, "full": 20_000}
CLIENT_LAYOUT = """() => { const cy = window.firelineChain; const t0 = performance.now();
  cy.layout({ name: "breadthfirst", animate: false, directed: true }).run();
  return new Promise(done => requestAnimationFrame(() => done(performance.now() - t0))); }"""
TIMELINE = """() => { const t0 = performance.now();
  document.querySelector("button[data-layout=timeline]").click();
  return new Promise(done => requestAnimationFrame(() => done(performance.now() - t0))); }"""


def _database(folder: Path, cases: int) -> tuple[Any, int, int]:
    """The demo in a SQLite file; returns the engine, the largest cluster and its size."""
    engine = make_engine(f"sqlite:///{folder / 'graph.db'}",
                         connect_args={"check_same_thread": False})  # fmt: skip
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        load_demo(session, cases=cases, seed=1, today=date.today())
    with session_factory(engine)() as session:
        largest = max(cluster_list(load_chains(session, system_actor())), key=lambda c: c.size)
    return engine, largest.cluster, largest.size


def _measure(base: str, cluster: int, size: int) -> dict[str, float]:
    with launch_browser() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(f"{base}/login")
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url(f"{base}/")
        began = time.perf_counter()
        page.goto(f"{base}/investigation/clusters/{cluster}")
        page.wait_for_selector(f"#chain-graph[data-rendered='{size}']", timeout=120_000)
        drawn = time.perf_counter() - began
        timeline_ms = float(page.evaluate(TIMELINE))
        client_ms = float(page.evaluate(CLIENT_LAYOUT))
        heap = page.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0")
    return {"drawn_s": drawn, "timeline_s": timeline_ms / 1000, "client_s": client_ms / 1000,
            "heap_mb": round(int(heap) / 2**20, 1)}  # fmt: skip


def run(scale: str) -> Measurement:
    with tempfile.TemporaryDirectory() as folder:
        engine, cluster, size = _database(Path(folder), CASES[scale])
        app = create_app(Settings(database_url=str(engine.url)), engine=engine)
        with serve(app, timeout=60) as base:
            found = _measure(base, cluster, size)
        engine.dispose()
    detail = {"cases": CASES[scale], "nodes": size, "js_heap_mb": found["heap_mb"],
              "timeline_switch_s": round(found["timeline_s"], 3)}  # fmt: skip
    return Measurement(
        found["drawn_s"],
        "Cytoscape's breadthfirst layout of the same elements in the same page",
        found["client_s"],
        detail,
    )
