"""Chains: clusters, generations, offspring counts and cycles on hand-made graphs,
networkx and the Ebola reference outbreak."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fireline.analytics.chains import (
    NO_GENERATION,
    chain_table,
    clusters,
    cycle_links,
    generations,
    index_links,
)
from fireline.analytics.chains_report import analyse

from ._data import DATA, read_csv

OUTBREAKS = DATA / "outbreaks"


def arr(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def test_chain_table_by_hand() -> None:
    # 0 -> 1 -> 2, 0 -> 3; 4 -> 5; 6 alone
    t = chain_table(7, arr(0, 1, 0, 4), arr(1, 2, 3, 5))
    assert t.cluster.tolist() == [1, 1, 1, 1, 2, 2, 3]
    assert t.cluster_size.tolist() == [4, 4, 4, 4, 2, 2, 1]
    assert t.generation.tolist() == [0, 1, 2, 1, 0, 1, 0]
    assert t.offspring.tolist() == [2, 1, 0, 0, 1, 0, 0]
    assert t.sizes.tolist() == [4, 2, 1]
    assert t.depths.tolist() == [2, 1, 0]


def test_shared_exposures_join_clusters_but_not_generations() -> None:
    labels = clusters(4, arr(0), arr(1), exposure_case=arr(1, 3), exposure_group=arr(77, 77))
    assert labels.tolist() == [1, 1, 2, 1]
    assert generations(4, arr(0), arr(1)).tolist() == [0, 1, 0, 0]


def test_cycle_is_found_and_unreached_cases_have_no_generation() -> None:
    src, dst = arr(0, 1, 2, 3), arr(1, 2, 0, 4)  # 0 -> 1 -> 2 -> 0, 3 -> 4
    assert cycle_links(5, src, dst).tolist() == [True, True, True, False]
    gen = generations(5, src, dst)
    assert gen[:3].tolist() == [NO_GENERATION] * 3
    assert gen[3:].tolist() == [0, 1]


def test_index_links_reports_missing_self_and_repeated() -> None:
    li = index_links(["a", "b", "c"], ["a", "x", "b", "a", "c"], ["b", "c", "y", "b", "c"])
    assert li.src.tolist() == [0] and li.dst.tolist() == [1]
    assert li.missing_from.tolist() == [1] and li.missing_to.tolist() == [2]
    assert li.self_links.tolist() == [4] and li.duplicates.tolist() == [3]
    with pytest.raises(ValueError, match="not unique"):
        index_links(["a", "a"], [], [])


def test_agrees_with_networkx_on_a_random_forest() -> None:
    import networkx as nx  # a dev dependency: never skipped
    from bench.benchmarks.chains import forest, same_partition, with_networkx

    src, dst = forest(5_000, seed=11)
    t = chain_table(5_000, src, dst)
    component, generation, offspring = with_networkx(5_000, src, dst)
    assert same_partition(t.cluster, component)
    assert t.generation.tolist() == generation.tolist()
    assert t.offspring.tolist() == offspring.tolist()
    assert nx.__version__


def ebola() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    return (
        read_csv(OUTBREAKS / "ebola_sim_linelist.csv"),
        read_csv(OUTBREAKS / "ebola_sim_contacts.csv"),
    )


def test_ebola_generations_agree_with_the_column_within_each_chain() -> None:
    lines, links = ebola()
    report = analyse(lines["case_id"], links["infector"], links["case_id"])
    li, t = report.links, report.table
    assert len(li.missing_from) == 1639 and len(li.missing_to) == 0
    column = np.array([int(g) for g in lines["generation"]])
    contradicting = np.flatnonzero(column[li.dst] != column[li.src] + 1)
    assert len(contradicting) == 2
    bad_clusters = set(t.cluster[li.src[contradicting]].tolist())
    linked = np.zeros(len(column), dtype=bool)
    linked[li.src] = linked[li.dst] = True
    offset = column - t.generation
    for cluster in np.unique(t.cluster[linked]):
        if cluster in bad_clusters:
            continue
        members = offset[(t.cluster == cluster) & linked]
        assert np.all(members == members[0]), cluster


def test_an_unknown_id_longer_than_every_case_id_is_not_cut_to_a_real_one() -> None:
    """'A1x' was cut to the width of 'A1' and linked to case A1 (issue #16)."""
    li = index_links(["A1", "B2", "C3"], ["A1x", "A1", "B22"], ["B2", "C3", "A1"])
    assert li.src.tolist() == [0] and li.dst.tolist() == [2]
    assert li.missing_from.tolist() == [0, 2]
    ints = index_links([1, 2, 3], ["1", "12"], ["2", "3"])  # integer ids, text links
    assert ints.src.tolist() == [0] and ints.missing_from.tolist() == [1]


_ID = st.text(alphabet="AB1_é中", min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(_ID, min_size=1, max_size=25, unique=True),
    data=st.data(),
)
def test_random_forests_with_odd_ids_agree_with_networkx(ids: list[str], data) -> None:  # type: ignore[no-untyped-def]
    """Unknown ids longer than every case id, prefixed by a real one, never match."""
    import networkx as nx

    n = len(ids)
    parents = [data.draw(st.integers(-1, i - 1)) for i in range(n)]  # a forest
    src = [ids[p] for i, p in enumerate(parents) if p >= 0]
    dst = [ids[i] for i, p in enumerate(parents) if p >= 0]
    width = max(map(len, ids))
    unknown = [i + "Z" * (width + 1 - len(i)) for i in data.draw(st.lists(st.sampled_from(ids)))]
    src_all, dst_all = src + unknown, dst + [ids[0]] * len(unknown)
    li = index_links(ids, src_all, dst_all)
    assert sorted(li.missing_from.tolist()) == list(range(len(src), len(src_all)))
    t = chain_table(n, li.src, li.dst)
    g = nx.DiGraph()
    g.add_nodes_from(ids)
    g.add_edges_from(zip(src, dst, strict=True))
    for comp in nx.weakly_connected_components(g):
        labels = {int(t.cluster[ids.index(c)]) for c in comp}
        assert len(labels) == 1 and int(t.sizes[labels.pop() - 1]) == len(comp)
    for c in ids:
        root = next(r for r in [c, *nx.ancestors(g, c)] if g.in_degree(r) == 0)
        assert t.generation[ids.index(c)] == nx.shortest_path_length(g, root, c)
