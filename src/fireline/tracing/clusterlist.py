"""The cluster list as a reader sees it: every cluster in scope with the chain figures,
remembered when slow to make.

Clusters are found in memory over every case and link in scope (``clusters``); for a
province at a wave's scale (600,000 cases, 580,000 links) that takes seconds, so the
list and its figures are kept as a snapshot (``fireline.snapshots``) and said as of
when (issue #17). The super-spreaders it names are a read of case records: audited on
every view, snapshot or not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.snapshots import service as snapshots
from fireline.tracing.chainstats import chain_stats
from fireline.tracing.clusters import CLUSTER_SORTS, cluster_list, load_chains
from fireline.tracing.schemas import ChainStats, ClusterRead

KIND = "clusters"


@dataclass(frozen=True)
class ClusterView:
    clusters: list[ClusterRead]  # every cluster of two cases or more, unsorted
    figures: ChainStats
    as_of: datetime | None  # None: found for this reader


def _made(session: Session, actor: Actor, disease: str | None) -> dict[str, Any]:
    chains = load_chains(session, actor, disease)
    return {
        "clusters": [c.model_dump(mode="json") for c in cluster_list(chains)],
        "figures": chain_stats(chains).model_dump(mode="json"),
    }


def clusters_in_scope(session: Session, context: Context, disease: str | None) -> ClusterView:
    """The clusters and chain figures in the reader's scope (one disease, or all)."""
    actor = context.actor
    actor.require("cases:read")
    found = snapshots.remembered(
        session,
        KIND,
        f"{actor.jurisdiction_id}|{disease or ''}",
        context.now(),
        lambda: _made(session, actor, disease),
        lambda payload: payload,
        lambda payload: payload,
        context.settings.snapshot_after_s,
    )
    figures = ChainStats.model_validate(found.value["figures"])
    if figures.superspreaders:
        audit.record(
            session,
            actor,
            "read",
            "case",
            [s.case_id for s in figures.superspreaders],
            jurisdiction_id=actor.jurisdiction_id,
            purpose="superspreaders",
            cluster=None,
        )
    clusters = [ClusterRead.model_validate(c) for c in found.value["clusters"]]
    return ClusterView(clusters, figures, found.as_of)


def page_of(clusters: list[ClusterRead], query: ListQuery) -> tuple[list[ClusterRead], int]:
    """A page of the clusters, largest first unless the reader chose another sort."""
    key = CLUSTER_SORTS.get(query.sort, CLUSTER_SORTS["size"])
    ordered = sorted(clusters, key=key, reverse=query.descending)
    return ordered[query.offset : query.offset + query.limit], len(ordered)


def refresh(session: Session, context: Context) -> int:
    """Recompute the cluster lists read lately and about to age; returns how many."""

    def maker(key: str) -> Callable[[], dict[str, Any]] | None:
        place_id, disease = key.split("|")
        place = session.get(Jurisdiction, int(place_id))
        if place is None:
            return None
        return partial(_made, session, context.actor.within(place), disease or None)

    slow_s = context.settings.snapshot_after_s
    return snapshots.refresh_read(session, KIND, context.now(), slow_s, maker)
