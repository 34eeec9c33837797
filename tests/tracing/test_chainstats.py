"""Chain figures on the cluster pages and the API: the offspring distribution, R, k and
its interval, and the super-spreaders equal what fireline.analytics computes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics.offspring import fit_negative_binomial, superspreaders
from fireline.auth.models import AuditEvent
from fireline.places.models import Jurisdiction
from tests.surveillance.cases.factories import county_world
from tests.web.pages import log_in

from .factories import add_chains, api, frozen_client

# Cluster 1: case 0 infects 1-10, case 1 infects 11 and 12, case 2 infects 13; cluster 2:
# 14 infects 15; cases 16-23 stand alone. Case 0 is far above Poisson(R)'s 99th percentile.
PARENTS: list[int | None] = [None] + [0] * 10 + [1, 1, 2, None, 14] + [None] * 8


@pytest.fixture
def chain_client(app_factory: Any, session: Session) -> Iterator[tuple[TestClient, list[int]]]:
    county_world(session)
    place = session.scalars(select(Jurisdiction).where(Jurisdiction.code == "C1A")).one()
    ids = add_chains(session, place, PARENTS, date(2024, 2, 1))
    session.commit()
    for client in frozen_client(app_factory):
        yield client, ids


def offspring_of(members: list[int]) -> np.ndarray:
    counts = np.bincount([p for p in PARENTS if p is not None], minlength=len(PARENTS))
    return counts[members]


def expected(ids: list[int], members: list[int]) -> dict[str, Any]:
    offspring = offspring_of(members)
    fit = fit_negative_binomial(offspring)
    hit, threshold = superspreaders(offspring)
    return {
        "cases": len(members),
        "r": round(fit.mean, 4),
        "k": round(fit.k, 4),
        "k_low": round(fit.k_low, 4),
        "k_high": round(fit.k_high, 4),
        "superspreader_threshold": threshold,
        "superspreaders": [(ids[members[i]], int(offspring[i])) for i in hit],
        "distribution": [(x, int(n)) for x, n in enumerate(np.bincount(offspring)) if n],
    }


def got(body: dict[str, Any]) -> dict[str, Any]:
    keys = ("cases", "r", "k", "k_low", "k_high", "superspreader_threshold")
    return {k: body[k] for k in keys} | {
        "superspreaders": [(s["case_id"], s["offspring"]) for s in body["superspreaders"]],
        "distribution": [(b["offspring"], b["cases"]) for b in body["distribution"]],
    }


def test_the_api_gives_the_analytics_figures_overall_and_per_cluster(
    chain_client: tuple[TestClient, list[int]],
) -> None:
    client, ids = chain_client
    overall = api(client, "ann", "GET", "/tracing/offspring").json()
    assert got(overall) == expected(ids, list(range(len(ids))))
    assert overall["links"] == 14 and overall["superspreaders"][0]["case_id"] == ids[0]
    assert overall["k"] is not None and overall["k_low"] < overall["k"] < overall["k_high"]
    cluster = api(client, "ann", "GET", "/tracing/clusters/1/offspring").json()
    assert got(cluster) == expected(ids, list(range(14)))
    assert cluster["cluster"] == 1 and cluster["links"] == 13
    small = api(client, "ann", "GET", "/tracing/clusters/2/offspring").json()
    assert small["k"] is None and small["superspreaders"] == []  # 1, 0: not over-dispersed
    assert api(client, "ann", "GET", "/tracing/clusters/99/offspring").status_code == 404
    assert api(client, "bob", "GET", "/tracing/offspring").json()["cases"] == 0  # other county


def spec(html: str, name: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)
    assert found, name
    loaded: dict[str, Any] = json.loads(found.group(1))
    return loaded


def test_the_cluster_page_shows_the_figures_links_the_superspreader_and_audits_it(
    chain_client: tuple[TestClient, list[int]], session: Session
) -> None:
    client, ids = chain_client
    log_in(client, "ann")
    want = expected(ids, list(range(14)))
    html = client.get("/investigation/clusters/1?lang=en").text
    assert f'id="chain-r">{want["r"]:.2f}<' in html
    assert f'id="chain-k">{want["k"]:.2f} ({want["k_low"]:.2f}–{want["k_high"]:.2f})<' in html
    assert f'href="/surveillance/cases/{ids[0]}"' in html
    assert 'id="chain-data"' not in html  # the graph is fetched from the API, not embedded
    assert 'data-src="/api/v1/tracing/clusters/1/graph"' in html
    bars = spec(html, "offspring-spec")["data"]["values"]
    observed = [(r["offspring"], r["cases"]) for r in bars if r["series"] == "Cases observed"]
    assert [o for o in observed if o[1]] == want["distribution"]
    read = session.scalars(select(AuditEvent).where(AuditEvent.entity == "case")).all()
    assert [e.entity_ids for e in read if e.detail.get("purpose") == "superspreaders"] == [[ids[0]]]
    every = client.get("/investigation/clusters?lang=en").text
    assert f'id="chain-r">{expected(ids, list(range(24)))["r"]:.2f}<' in every


def test_the_timeline_has_a_date_axis_and_a_legend_in_the_page_language(
    chain_client: tuple[TestClient, list[int]],
) -> None:
    client, _ = chain_client
    log_in(client, "ann")
    timeline = spec(client.get("/investigation/clusters/1?lang=zh").text, "chain-timeline-spec")
    cases = next(layer for layer in timeline["layer"] if layer["data"]["name"] == "cases")
    x, colour = cases["encoding"]["x"], cases["encoding"]["color"]
    assert x["type"] == "temporal" and x["field"] == "onset" and x["title"] == "发病日期"
    assert colour["legend"] and colour["title"] == "病例分类"
    assert "确诊" in colour["scale"]["domain"]
    links = next(layer for layer in timeline["layer"] if layer["data"]["name"] == "links")
    assert links["encoding"]["x"]["type"] == "temporal"


def test_a_remembered_cluster_list_says_as_of_when_audits_each_view_and_links_by_case(
    app_factory: Any, session: Session
) -> None:
    county_world(session)
    place = session.scalars(select(Jurisdiction).where(Jurisdiction.code == "C1A")).one()
    ids = add_chains(session, place, PARENTS, date(2024, 2, 1))
    session.commit()
    app = app_factory(snapshot_after_s=0)  # every cluster list counts as slow
    with TestClient(app, base_url="http://testserver") as client:
        log_in(client, "ann")
        first = client.get("/investigation/clusters?lang=en").text
        second = client.get("/investigation/clusters?lang=zh").text
        assert 'id="as-of"' not in first and 'id="as-of"' in second and "数据截至" in second
        assert f'href="/investigation/clusters/2?case={ids[14]}"' in second
        read = session.scalars(select(AuditEvent).where(AuditEvent.entity == "case")).all()
        views = [e for e in read if e.detail.get("purpose") == "superspreaders"]
        assert len(views) == 2  # the snapshot's super-spreaders are a read too
        # A cluster renumbered since the snapshot: its first case finds it.
        moved = client.get(f"/investigation/clusters/1?case={ids[14]}", follow_redirects=False)
        assert moved.status_code == 303 and moved.headers["location"].startswith(
            "/investigation/clusters/2"
        )
        same = client.get(f"/investigation/clusters/2?case={ids[14]}", follow_redirects=False)
        assert same.status_code == 200
