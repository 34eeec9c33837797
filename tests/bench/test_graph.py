from __future__ import annotations

from pathlib import Path

import numpy as np
from bench.benchmarks import graph
from bench.benchmarks._graph_data import build, cluster_tree
from bench.registry import discover
from sqlalchemy.orm import Session

from fireline.tracing import clusters


def test_graph_is_a_harness_module() -> None:
    assert discover()["graph"] is graph
    assert graph.CASES == {"small": 500, "full": 5_000}


def test_the_input_is_one_seeded_tree_of_exactly_n_cases() -> None:
    infector, generation = cluster_tree(300)
    again, _ = cluster_tree(300)
    assert len(infector) == 300 and np.array_equal(infector, again)
    assert infector[0] == -1 and bool(np.all(infector[1:] < np.arange(1, 300)))
    assert np.array_equal(generation[1:], generation[infector[1:]] + 1)


def test_the_stored_cases_form_one_cluster_the_county_sees(tmp_path: Path) -> None:
    engine, actor, links = build(tmp_path / "g.db", 120)
    with Session(engine) as session:
        chains = clusters.load_chains(session, actor)
    engine.dispose()
    assert links == 119 and len(chains.ids) == 120
    assert [c.size for c in clusters.cluster_list(chains)] == [120]
