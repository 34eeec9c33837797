"""Pages a tracer works in: clusters and a chain graph (the interview is in
``interview_pages`` and ``contact_pages``).

The interview autosaves through htmx with the record's version (a stale version gets
409 and the page says so); tracing.js keeps unsent edits in localStorage and resends
them when the network is back. The chain graph is laid out here (clusters.graph) so
Cytoscape only draws, which keeps 5,000 nodes usable; a click on a case opens its
interview.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from fireline.errors import NotFound
from fireline.tracing import clusterlist, clusters, contact_pages, interview_pages
from fireline.tracing.chainstats import read_chain_stats
from fireline.tracing.chartspecs import offspring_spec, timeline_spec
from fireline.tracing.schemas import ChainStats
from fireline.web.deps import Page, PageContext

router = APIRouter()
router.include_router(interview_pages.router)
router.include_router(contact_pages.router)
CLUSTERS_SHOWN: Final = 500


@router.get("/investigation/clusters")
def cluster_page(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    query = page.list_query(("disease",), per_page=CLUSTERS_SHOWN)
    disease = query.value("disease") or None
    view = clusterlist.clusters_in_scope(page.session, page.context, disease)
    found, total = clusterlist.page_of(view.clusters, query)
    return page.render(
        "tracing/clusters.html",
        nav="investigation",
        today=page.today(),
        clusters=found,
        total=total,
        disease=disease,
        as_of=view.as_of,
        **_figures(page, view.figures),
    )


def _figures(page: Page, figures: ChainStats) -> dict[str, Any]:
    """The chain figures and their offspring chart, labelled in the page language."""
    g = page.gettext
    text = {
        "x": g("Secondary cases per case"),
        "y": g("Cases"),
        "observed": g("Cases observed"),
        "fitted": g("Negative binomial fit"),
    }
    return {"figures": figures, "offspring_spec": offspring_spec(figures, text)}


def _timeline(page: Page, cases: int) -> dict[str, Any]:
    g = page.gettext
    text = {
        "x": g("Date of onset"),
        "y": g("Cases that day"),
        "legend": g("Classification"),
        "case": g("Case"),
        "gen": g("Generation"),
    }
    classes = {
        "confirmed": g("Confirmed"),
        "probable": g("Probable"),
        "suspected": g("Suspected"),
        "discarded": g("Discarded"),
    }
    return timeline_spec(text, classes, cases)


def _cluster_now(chains: clusters.Chains, cluster: int, case: str) -> int:
    """The cluster ``case`` is in now (the list links each cluster with its first case),
    else ``cluster`` as asked."""
    if not case.isdigit() or len(case) > 18:
        return cluster
    try:
        return clusters.cluster_of_case(chains, int(case))
    except NotFound:
        return cluster


@router.get("/investigation/clusters/{cluster}")
def graph_page(cluster: int, page: PageContext, request: Request) -> Response:
    assert page.session is not None and page.actor is not None
    disease = request.query_params.get("disease") or None
    chains = clusters.load_chains(page.session, page.actor, disease)
    found = _cluster_now(chains, cluster, request.query_params.get("case", ""))
    if found != cluster:
        # The list was a snapshot and the clusters have been numbered anew since: the
        # cluster the reader chose is the one its first case is in now.
        query = urlencode({"disease": disease} if disease else {})
        return RedirectResponse(f"/investigation/clusters/{found}?{query}", status_code=303)
    figures = read_chain_stats(page.session, page.actor, chains, cluster)
    # The graph (about 1 MB at 5,000 cases) is fetched by tracing.js from the API route,
    # so the page itself stays small and draws its figures at once.
    query = f"?{urlencode({'disease': disease})}" if disease else ""
    return page.render(
        "tracing/graph.html",
        nav="investigation",
        today=page.today(),
        graph_url=f"/api/v1/tracing/clusters/{cluster}/graph{query}",
        timeline_spec=_timeline(page, figures.cases),
        cluster=cluster,
        disease=disease,
        **_figures(page, figures),
    )
