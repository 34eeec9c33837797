"""Clusters and chain graphs of the cases in scope, computed by fireline.analytics.chains.

Cases, links and shared venue exposures are read in three column queries and handed
to the set-based analytics (components, BFS generations, offspring); the graph
layout is computed here, server-side, so the browser only draws (a tree by
generation, and a timeline by onset): Cytoscape's own force-directed layout blocks
the page for minutes at 5,000 nodes (``python -m bench graph``, docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics._types import IntArray
from fireline.analytics.chains import ChainTable, chain_table
from fireline.auth.scope import Actor
from fireline.errors import NotFound
from fireline.listing import ListQuery
from fireline.surveillance.models import Case
from fireline.tracing.models import Exposure, TransmissionLink
from fireline.tracing.schemas import ClusterRead, GraphNode, GraphRead

EPOCH = date(1970, 1, 1)
X_STEP, Y_STEP, DAY_STEP, ROW_STEP = 40.0, 90.0, 24.0, 14.0
# The graph box is about twice as wide as tall (70 % of a landscape screen's height), so
# both layouts aim at that shape: a 5,000-case tree with 18 generations and 1,000 cases
# in the widest is 40,000 px wide, and 90 px between generations drew it as a sliver.
ASPECT = 2.0
# A timeline row per case (a staircase) reads well up to this many cases; beyond, one
# row per case is 14 px x N tall (70,000 px at 5,000), so cases stack by onset day.
STAIRCASE_MAX = 200


@dataclass(frozen=True)
class Chains:
    ids: IntArray
    classification: list[str]
    onset: np.ndarray  # days since 1970 (float, NaN when unknown)
    src: IntArray
    dst: IntArray
    table: ChainTable


def load_chains(session: Session, actor: Actor, disease: str | None = None) -> Chains:
    """Chains over the actor's cases (optionally of one disease)."""
    actor.require("cases:read")
    cases = actor.restrict(select(Case.id, Case.classification, Case.date_onset), Case)
    if disease:
        cases = cases.where(Case.disease == disease)
    rows = session.execute(cases.order_by(Case.id)).all()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    onset = np.array([np.nan if r[2] is None else (r[2] - EPOCH).days for r in rows])
    link_rows = session.execute(
        actor.restrict(
            select(TransmissionLink.infector_case_id, TransmissionLink.infectee_case_id),
            TransmissionLink,
        )
    ).all()
    src, dst = _positions(ids, link_rows)
    venue_rows = session.execute(
        actor.restrict(
            select(Exposure.case_id, Exposure.venue_id).where(Exposure.venue_id.is_not(None)),
            Exposure,
        )
    ).all()
    ex_case, ex_venue = _positions(ids, venue_rows, second_is_case=False)
    table = chain_table(len(ids), src, dst, ex_case, ex_venue)
    return Chains(ids, [r[1] for r in rows], onset, src, dst, table)


def _positions(
    ids: IntArray, pairs: Sequence[Any], second_is_case: bool = True
) -> tuple[IntArray, IntArray]:
    """Map case ids in the pairs to positions in ``ids``; pairs with unknown cases drop
    (all of them when no case matched, e.g. a disease filter with no cases)."""
    if not pairs or len(ids) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    ia = np.clip(np.searchsorted(ids, a), 0, len(ids) - 1)
    ok = ids[ia] == a
    if second_is_case:
        ib = np.clip(np.searchsorted(ids, b), 0, len(ids) - 1)
        ok &= ids[ib] == b
        return ia[ok], ib[ok]
    return ia[ok], b[ok]


def cluster_list(chains: Chains, min_size: int = 2) -> list[ClusterRead]:
    """Clusters of at least ``min_size`` cases, largest first."""
    t = chains.table
    out = []
    order = np.argsort(t.cluster, kind="stable")
    bounds = np.searchsorted(t.cluster[order], np.arange(1, len(t.sizes) + 2))
    for number in np.flatnonzero(t.sizes >= min_size) + 1:
        members = order[bounds[number - 1] : bounds[number]]
        onsets = chains.onset[members]
        known = onsets[~np.isnan(onsets)]
        roots = members[t.generation[members] == 0]
        out.append(
            ClusterRead(
                cluster=int(number),
                size=len(members),
                depth=int(t.depths[number - 1]),
                first_onset=_day(known.min()) if known.size else None,
                last_onset=_day(known.max()) if known.size else None,
                root_case_ids=[int(chains.ids[r]) for r in roots[:20]],
            )
        )
    return out


# Clusters are computed in memory (no SQL to sort them), so their sort keys are functions;
# ties fall to the cluster number.
CLUSTER_SORTS: dict[str, Callable[[ClusterRead], Any]] = {
    "size": lambda c: (c.size, -c.cluster),
    "depth": lambda c: (c.depth, c.size, -c.cluster),
    "first_onset": lambda c: (c.first_onset or date.min, -c.cluster),
    "last_onset": lambda c: (c.last_onset or date.min, -c.cluster),
    "cluster": lambda c: c.cluster,
}


def list_clusters(
    chains: Chains, query: ListQuery, min_size: int = 2
) -> tuple[list[ClusterRead], int]:
    """A page of the clusters of at least ``min_size`` cases, largest first unless the
    reader chose another sort, and how many there are."""
    found = cluster_list(chains, min_size)
    key = CLUSTER_SORTS.get(query.sort, CLUSTER_SORTS["size"])
    found.sort(key=key, reverse=query.descending)
    return found[query.offset : query.offset + query.limit], len(found)


def _day(days: float) -> date:
    return EPOCH + timedelta(days=int(days))


def day_of(days: float) -> date | None:
    """The date of a day number of ``Chains.onset`` (None when the onset is unknown)."""
    return None if np.isnan(days) else _day(days)


def cluster_of_case(chains: Chains, case_id: int) -> int:
    at = int(np.searchsorted(chains.ids, case_id))
    if at >= len(chains.ids) or chains.ids[at] != case_id:
        raise NotFound(f"case {case_id}")
    return int(chains.table.cluster[at])


def tree_layout(members: IntArray, generation: IntArray, parent_of: dict[int, int]) -> np.ndarray:
    """x by order within the generation (children under their infector), y by generation."""
    x = np.zeros(len(members))
    slot = {int(m): i for i, m in enumerate(members)}
    gens = generation[members]
    for g in np.unique(gens):
        level = np.flatnonzero(gens == g)
        parent_x = np.array(
            [
                x[slot[parent_of[int(members[i])]]] if int(members[i]) in parent_of else -1.0
                for i in level
            ]
        )
        order = level[np.lexsort((members[level], parent_x))]
        x[order] = (np.arange(len(order)) - (len(order) - 1) / 2.0) * X_STEP
    return x


def generation_step(x: np.ndarray, depth: int) -> float:
    """Distance between generations: Y_STEP, or more so that a wide tree is ASPECT:1."""
    width = float(x.max() - x.min()) if len(x) else 0.0
    return max(Y_STEP, width / max(depth, 1) / ASPECT)


def timeline_rows(days: np.ndarray, generation: IntArray, ids: IntArray) -> np.ndarray:
    """Timeline y of each case: one row per case in onset order up to STAIRCASE_MAX
    cases; beyond, a column per onset day with its cases stacked upward by generation,
    like an epicurve. ``days`` are days from the first onset, -1 when unknown."""
    row = np.empty(len(days))
    if len(days) <= STAIRCASE_MAX:
        row[np.argsort(days, kind="stable")] = np.arange(len(days))
        return row * ROW_STEP
    order = np.lexsort((ids, generation, days))
    ordered = days[order]
    row[order] = np.arange(len(days)) - np.searchsorted(ordered, ordered, side="left")
    return -row * ROW_STEP


def graph(chains: Chains, cluster: int) -> GraphRead:
    """Nodes with both layouts and the edges of one cluster."""
    t = chains.table
    members = np.flatnonzero(t.cluster == cluster)
    if not len(members):
        raise NotFound(f"cluster {cluster}")
    inside = np.isin(chains.dst, members)
    src, dst = chains.src[inside], chains.dst[inside]
    parent_of = {int(d): int(s) for s, d in zip(src, dst, strict=True)}
    x = tree_layout(members, t.generation, parent_of)
    generations = np.maximum(t.generation[members], 0)
    y_step = generation_step(x, int(generations.max()))
    onsets = chains.onset[members]
    first = np.nanmin(onsets) if np.any(~np.isnan(onsets)) else 0.0
    days = np.nan_to_num(onsets - first, nan=-1.0)
    ty = timeline_rows(days, generations, chains.ids[members])
    nodes = [
        GraphNode(
            id=int(chains.ids[m]),
            label=str(chains.ids[m]),
            classification=chains.classification[m],
            generation=int(t.generation[m]),
            x=float(x[i]),
            y=float(generations[i]) * y_step,
            tx=float(days[i]) * DAY_STEP,
            ty=float(ty[i]),
            onset=None if np.isnan(onsets[i]) else _day(onsets[i]),
            offspring=int(t.offspring[m]),
        )
        for i, m in enumerate(members)
    ]
    edges = [(int(chains.ids[s]), int(chains.ids[d])) for s, d in zip(src, dst, strict=True)]
    return GraphRead(cluster=cluster, nodes=nodes, edges=edges)
