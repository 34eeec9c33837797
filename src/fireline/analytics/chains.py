"""Transmission chains as sparse graphs: clusters, generations, chain size and depth.

Cases are the nodes ``0..n-1``; infector → infectee links are two integer arrays
(``src``, ``dst``). Shared exposures (a venue, an event) join cases into one cluster
without making one the other's infector: they are given as (case, exposure) pairs
and become extra nodes of a bipartite graph for the component search only.

The vocabulary follows epicontacts (Campbell et al. 2017, doi:10.12688/f1000research.
14492.1): a line list with ``id``, contacts with ``from``/``to``; a cluster is a
connected component of the undirected graph. Everything is set-based: components by
``scipy.sparse.csgraph.connected_components``, generations by breadth-first levels
whose frontier step is a sparse row selection of the infector → infectee matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.sparse import csgraph

from fireline.analytics._types import BoolArray, IntArray

__all__ = [
    "ChainTable",
    "LinkIndex",
    "chain_table",
    "clusters",
    "cycle_links",
    "generations",
    "index_links",
    "offspring_counts",
]

NO_GENERATION = -1  # a case inside a cycle of links that no root reaches


@dataclass(frozen=True)
class LinkIndex:
    """Links mapped to case positions; ``missing`` holds the rows whose ends are absent."""

    src: IntArray
    dst: IntArray
    rows: IntArray  # row number (0-based) of each kept link in the input
    missing_from: IntArray  # rows whose ``from`` is not in the line list
    missing_to: IntArray  # rows whose ``to`` is not in the line list
    self_links: IntArray  # rows with from == to
    duplicates: IntArray  # rows repeating an earlier (from, to)


def _positions(ids: NDArray[np.generic], wanted: NDArray[np.generic]) -> tuple[IntArray, BoolArray]:
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    at = np.searchsorted(sorted_ids, wanted)
    at = np.minimum(at, max(len(ids) - 1, 0))
    found = sorted_ids[at] == wanted if len(ids) else np.zeros(len(wanted), dtype=np.bool_)
    return order[at].astype(np.int64), np.asarray(found, dtype=np.bool_)


def _common_ids(*columns: ArrayLike) -> list[NDArray[np.generic]]:
    """The id columns in one dtype wide enough for all, so no id is ever cut.

    Casting link ids to the line list's fixed-width string dtype cut a longer
    unknown id to the width of the longest case id, and the cut could match a
    real case (issue #16). Strings widen to the longest id; integers stay
    integers; a mix of the two compares as text.
    """
    arrays = [np.asarray(c) for c in columns]
    typed = [a for a in arrays if a.size]
    if any(a.dtype.kind not in "iu" for a in typed):
        arrays = [a.astype(str) for a in arrays]
        typed = [a for a in arrays if a.size]
    dtype = np.result_type(*typed) if typed else np.dtype(np.int64)
    return [a.astype(dtype) for a in arrays]


def index_links(case_ids: ArrayLike, from_ids: ArrayLike, to_ids: ArrayLike) -> LinkIndex:
    """Map ``from``/``to`` identifiers (strings or integers) to positions in ``case_ids``."""
    ids, wanted_from, wanted_to = _common_ids(case_ids, from_ids, to_ids)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("case ids are not unique")
    src, has_src = _positions(ids, wanted_from)
    dst, has_dst = _positions(ids, wanted_to)
    rows = np.arange(len(src), dtype=np.int64)
    ok = has_src & has_dst
    self_link = ok & (src == dst)
    ok &= ~self_link
    n = max(len(ids), 1)
    key = src[ok] * n + dst[ok]
    _, first = np.unique(key, return_index=True)
    keep = np.zeros(int(ok.sum()), dtype=np.bool_)
    keep[first] = True
    ok_rows = rows[ok]
    return LinkIndex(
        src=src[ok][keep],
        dst=dst[ok][keep],
        rows=ok_rows[keep],
        missing_from=rows[~has_src],
        missing_to=rows[~has_dst],
        self_links=rows[self_link],
        duplicates=ok_rows[~keep],
    )


def _matrix(n: int, src: IntArray, dst: IntArray) -> sparse.csr_array:
    data = np.ones(len(src), dtype=np.int8)
    return sparse.csr_array((data, (src, dst)), shape=(n, n))


def clusters(
    n: int,
    src: IntArray,
    dst: IntArray,
    exposure_case: IntArray | None = None,
    exposure_group: IntArray | None = None,
) -> IntArray:
    """Cluster number (1-based, 1 = largest) of every case.

    Clusters are the connected components of the undirected graph of links and shared
    exposures: cases sharing an ``exposure_group`` value are joined through it.
    Ties in size are ordered by the lowest case position in the cluster.
    """
    a, b = src, dst
    nodes = n
    if exposure_case is not None and exposure_group is not None and len(exposure_case):
        _, group = np.unique(exposure_group, return_inverse=True)
        a = np.concatenate([src, exposure_case])
        b = np.concatenate([dst, n + group.astype(np.int64)])
        nodes = n + int(group.max()) + 1
    graph = sparse.csr_array((np.ones(len(a), dtype=np.int8), (a, b)), shape=(nodes, nodes))
    _, labels = csgraph.connected_components(graph, directed=False)
    labels = labels[:n]
    _, labels = np.unique(labels, return_inverse=True)  # drop exposure-only components
    sizes = np.bincount(labels)
    first = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n, dtype=np.int64))
    rank = np.lexsort((first, -sizes))
    number = np.empty(len(sizes), dtype=np.int64)
    number[rank] = np.arange(1, len(sizes) + 1)
    out: IntArray = number[labels]
    return out


def generations(n: int, src: IntArray, dst: IntArray) -> IntArray:
    """Generation of every case: 0 for a case without an infector, +1 per link below it.

    Breadth-first levels from all roots at once; each step selects the frontier's rows
    of the sparse infector → infectee matrix. A case reached twice (two infectors)
    keeps its first (lowest) level; cases only on a cycle get ``NO_GENERATION``.
    """
    matrix = _matrix(n, src, dst)
    indegree = np.bincount(dst, minlength=n)
    level = np.full(n, NO_GENERATION, dtype=np.int64)
    frontier = np.flatnonzero(indegree == 0)
    depth = 0
    while len(frontier):
        level[frontier] = depth
        children = matrix[frontier].indices
        children = np.unique(children[level[children] == NO_GENERATION])
        frontier = children
        depth += 1
    return level


def offspring_counts(n: int, src: IntArray) -> IntArray:
    """Secondary cases of every case (its number of infectees)."""
    out: IntArray = np.bincount(src, minlength=n).astype(np.int64)
    return out


def cycle_links(n: int, src: IntArray, dst: IntArray) -> BoolArray:
    """Links that lie on a directed cycle (both ends in one strongly connected component)."""
    if not len(src):
        return np.zeros(0, dtype=np.bool_)
    _, scc = csgraph.connected_components(_matrix(n, src, dst), directed=True, connection="strong")
    on_cycle: BoolArray = scc[src] == scc[dst]
    return on_cycle


@dataclass(frozen=True)
class ChainTable:
    """Per-case results and per-cluster sizes and depths (index = cluster number - 1)."""

    cluster: IntArray
    cluster_size: IntArray
    generation: IntArray
    offspring: IntArray
    sizes: IntArray
    depths: IntArray

    def columns(self, ids: Sequence[object] | NDArray[np.generic]) -> dict[str, object]:
        """The CLI's tidy columns ``id, cluster, cluster_size, generation, offspring``."""
        return {
            "id": ids,
            "cluster": self.cluster,
            "cluster_size": self.cluster_size,
            "generation": self.generation,
            "offspring": self.offspring,
        }


def chain_table(
    n: int,
    src: IntArray,
    dst: IntArray,
    exposure_case: IntArray | None = None,
    exposure_group: IntArray | None = None,
) -> ChainTable:
    """Clusters, generations, offspring, chain sizes and depths in one call."""
    cluster = clusters(n, src, dst, exposure_case, exposure_group)
    sizes = np.bincount(cluster)[1:].astype(np.int64)
    generation = generations(n, src, dst)
    depths = np.zeros(len(sizes), dtype=np.int64)
    np.maximum.at(depths, cluster - 1, generation)
    return ChainTable(
        cluster=cluster,
        cluster_size=sizes[cluster - 1],
        generation=generation,
        offspring=offspring_counts(n, src),
        sizes=sizes,
        depths=depths,
    )
