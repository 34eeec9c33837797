"""Pages a tracer works in: clusters and a chain graph (the interview is in
``interview_pages`` and ``contact_pages``).

The interview autosaves through htmx with the record's version (a stale version gets
409 and the page says so); tracing.js keeps unsent edits in localStorage and resends
them when the network is back. The chain graph is laid out here (clusters.graph) so
Cytoscape only draws, which keeps 5,000 nodes usable; a click on a case opens its
interview.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fireline.tracing import clusters, contact_pages, interview_pages
from fireline.web.deps import PageContext

router = APIRouter()
router.include_router(interview_pages.router)
router.include_router(contact_pages.router)
CLUSTERS_SHOWN: Final = 500


@router.get("/investigation/clusters")
def cluster_page(page: PageContext) -> Response:
    assert page.session is not None and page.actor is not None
    query = page.list_query(("disease",), per_page=CLUSTERS_SHOWN)
    disease = query.value("disease") or None
    chains = clusters.load_chains(page.session, page.actor, disease)
    found, total = clusters.list_clusters(chains, query)
    return page.render(
        "tracing/clusters.html",
        nav="investigation",
        today=page.today(),
        clusters=found,
        total=total,
        disease=disease,
    )


@router.get("/investigation/clusters/{cluster}")
def graph_page(cluster: int, page: PageContext, request: Request) -> Response:
    assert page.session is not None and page.actor is not None
    disease = request.query_params.get("disease") or None
    graph = clusters.graph(clusters.load_chains(page.session, page.actor, disease), cluster)
    return page.render(
        "tracing/graph.html",
        nav="investigation",
        today=page.today(),
        graph=graph.model_dump(mode="json"),
        cluster=cluster,
        disease=disease,
    )
