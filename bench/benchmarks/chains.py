"""Clusters, generations and offspring of N cases (full: 1,000,000) vs networkx.

Input (seeded, generated before any clock starts): a branching process with negative
binomial offspring (R = 1.3, k = 0.5, as in Lloyd-Smith 2005's range for SARS-like
spread) from ``ROOTS`` index cases, cut at N cases and shuffled so that positions say
nothing about order; every case but the roots has one infector, so there are
N - ROOTS links (999,800 at full scale).

- figure: ``fireline.analytics.chains.chain_table`` (components with
  scipy.sparse.csgraph, generations by sparse BFS levels, offspring, chain sizes and
  depths); median of ``REPEATS`` calls after one warm-up.
- baseline: networkx in the same run: build the DiGraph, weakly connected components,
  ``bfs_layers`` from the roots for generations, out-degrees for offspring.
- agreement: both give the same partition, generations and offspring.

Targets (issue #5): under 3 s on 2 cores, at least 10x faster than networkx.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from bench.registry import Measurement
from fireline.analytics.chains import ChainTable, chain_table
from fireline.analytics.offspring import fit_negative_binomial

NAME = "chains"
DESCRIPTION = "clusters, generations, offspring of N cases (full: 1,000,000) vs networkx"
CASES = {"small": 100_000, "full": 1_000_000}
ROOTS = 200
R, K = 1.3, 0.5
REPEATS = 3
TARGET_S = 3.0
TARGET_SPEEDUP = 10.0

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def forest(n: int, seed: int = 5) -> tuple[IntArray, IntArray]:
    """Infector and infectee positions of a shuffled NB branching process of n cases."""
    rng = np.random.default_rng(seed)
    parents: list[IntArray] = []
    frontier = np.arange(ROOTS, dtype=np.int64)
    total = ROOTS
    while total < n and len(frontier):
        counts = rng.negative_binomial(K, K / (K + R), size=len(frontier))
        children_of = np.repeat(frontier, counts)[: n - total]
        parents.append(children_of)
        frontier = np.arange(total, total + len(children_of), dtype=np.int64)
        total += len(children_of)
    src = np.concatenate(parents)
    dst = np.arange(ROOTS, ROOTS + len(src), dtype=np.int64)
    shuffle = rng.permutation(n)
    return shuffle[src], shuffle[dst]


def with_networkx(n: int, src: IntArray, dst: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    component = np.empty(n, dtype=np.int64)
    for number, members in enumerate(nx.weakly_connected_components(graph)):
        component[list(members)] = number
    roots = [v for v, d in graph.in_degree() if d == 0]
    generation = np.full(n, -1, dtype=np.int64)
    for level, layer in enumerate(nx.bfs_layers(graph, roots)):
        generation[layer] = level
    offspring = np.array([d for _, d in sorted(graph.out_degree())], dtype=np.int64)
    return component, generation, offspring


def same_partition(a: IntArray, b: IntArray) -> bool:
    pairs = np.unique(np.column_stack([a, b]), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


def run(scale: str) -> Measurement:
    n = CASES[scale]
    src, dst = forest(n)
    chain_table(n, src, dst)  # warm-up
    times = []
    table: ChainTable | None = None
    for _ in range(REPEATS):
        began = time.perf_counter()
        table = chain_table(n, src, dst)
        times.append(time.perf_counter() - began)
    assert table is not None
    figure = statistics.median(times)
    began = time.perf_counter()
    component, generation, offspring = with_networkx(n, src, dst)
    baseline = time.perf_counter() - began
    agree = (
        same_partition(table.cluster, component)
        and bool(np.array_equal(table.generation, generation))
        and bool(np.array_equal(table.offspring, offspring))
    )
    fit = fit_negative_binomial(table.offspring)
    speedup = baseline / figure
    return Measurement(
        figure,
        "networkx: DiGraph, weakly connected components, bfs_layers, out-degree",
        baseline,
        {
            "cases": n,
            "links": len(src),
            "clusters": len(table.sizes),
            "largest_cluster": int(table.sizes.max()),
            "max_depth": int(table.depths.max()),
            "offspring_mean": round(fit.mean, 4),
            "k": round(fit.k, 4),
            "speedup": round(speedup, 1),
            "agree": agree,
            "target_s": TARGET_S,
            "within_target": figure < TARGET_S,
            "target_speedup": TARGET_SPEEDUP,
            "speedup_met": speedup >= TARGET_SPEEDUP,
        },
    )
