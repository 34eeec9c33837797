"""Chains, offspring and k: hand-made graphs, networkx, and the reference outbreaks."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from scipy import optimize, stats
from typer.testing import CliRunner

from fireline.analytics.chains import (
    NO_GENERATION,
    chain_table,
    clusters,
    cycle_links,
    generations,
    index_links,
)
from fireline.analytics.chains_report import analyse, onset_days
from fireline.analytics.cli import app
from fireline.analytics.offspring import (
    fit_negative_binomial,
    serial_intervals,
    superspreaders,
    superspreading_threshold,
    venue_superspreading,
)

from ._data import DATA, read_csv

OUTBREAKS = DATA / "outbreaks"
runner = CliRunner()


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


def test_k_matches_a_direct_two_parameter_fit() -> None:
    rng = np.random.default_rng(3)
    counts = rng.negative_binomial(0.3, 0.3 / (0.3 + 1.5), size=2000)
    fit = fit_negative_binomial(counts)

    def nll(params: np.ndarray) -> float:
        k, mean = np.exp(params)
        return -float(stats.nbinom.logpmf(counts, k, k / (k + mean)).sum())

    direct = optimize.minimize(
        nll,
        np.log([1.0, 1.0]),
        method="Nelder-Mead",
        options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000},
    )
    k_direct, mean_direct = np.exp(direct.x)
    assert fit.k == pytest.approx(k_direct, rel=1e-3)
    assert fit.mean == pytest.approx(mean_direct, rel=1e-3)
    assert fit.log_likelihood == pytest.approx(-direct.fun, abs=1e-4)
    assert fit.k_low < fit.k < fit.k_high
    assert 0.2 < fit.k < 0.4


def test_k_is_infinite_without_overdispersion() -> None:
    fit = fit_negative_binomial([1, 1, 1, 1, 2, 0])
    assert math.isinf(fit.k)
    with pytest.raises(ValueError):
        fit_negative_binomial([])


def test_superspreaders_and_venues() -> None:
    offspring = arr(0, 1, 9, 0, 12, 1)
    found, used = superspreaders(offspring, threshold=9)
    assert found.tolist() == [4, 2] and used == 9
    z = superspreading_threshold(float(offspring.mean()))
    found, used = superspreaders(offspring)
    assert z == 9 and used == 10 and found.tolist() == [4]  # Poisson(3.83) 99th pct is 9
    venues, counts = venue_superspreading(arr(0, 1, 2, 2, 3), arr(5, 5, 5, 5, 6), threshold=2)
    assert venues.tolist() == [5] and counts.tolist() == [3]


def test_serial_intervals_skip_unknown_onsets() -> None:
    si = serial_intervals([0.0, 4.0, np.nan, 2.0], arr(0, 0, 1), arr(1, 2, 3))
    assert si.days.tolist() == [4.0, -2.0] and si.pairs.tolist() == [0, 2]
    assert si.negative == 1 and si.mean == 1.0


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


def test_mers_korea_superspreaders_and_serial_intervals() -> None:
    lines = read_csv(OUTBREAKS / "mers_korea_2015_linelist.csv")
    links = read_csv(OUTBREAKS / "mers_korea_2015_contacts.csv")
    report = analyse(lines["id"], links["from"], links["to"], onset_days(lines["dt_onset"]))
    assert report.warnings == []
    found, _ = superspreaders(report.table.offspring, threshold=20)
    named = {report.ids[i]: int(report.table.offspring[i]) for i in found}
    assert named == {"SK_14": 38, "SK_1": 26, "SK_16": 21}
    si = serial_intervals(report.onset, report.links.src, report.links.dst)  # type: ignore[arg-type]
    expected = np.array([float(v) for v in links["diff_dt_onset"]])[report.links.rows[si.pairs]]
    np.testing.assert_array_equal(si.days, expected)
    assert report.fit.k < 0.1  # highly over-dispersed: a few hospital super-spreaders


def test_hagelloch_measles_chains() -> None:
    rows = read_csv(OUTBREAKS / "measles_hagelloch_1861.csv")
    known = [i for i, v in enumerate(rows["infector"]) if v not in ("", "NA")]
    report = analyse(
        rows["case_ID"], [rows["infector"][i] for i in known], [rows["case_ID"][i] for i in known]
    )
    assert len(known) == 184 and report.warnings == []
    assert int(report.table.sizes.sum()) == 188
    assert report.table.sizes.tolist()[0] == 173
    assert int(report.table.offspring.max()) == 30  # case 45, the class teacher's pupil


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


def test_cli_chains_csv_and_summary() -> None:
    path = OUTBREAKS
    args = [
        "chains",
        "--cases",
        str(path / "mers_korea_2015_linelist.csv"),
        "--links",
        str(path / "mers_korea_2015_contacts.csv"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(out[0]) == ["id", "cluster", "cluster_size", "generation", "offspring"]
    sk14 = next(r for r in out if r["id"] == "SK_14")
    assert sk14["offspring"] == "38" and sk14["cluster"] == "1" and sk14["cluster_size"] == "94"
    result = runner.invoke(app, [*args, "--summary"])
    summary = dict(csv.reader(io.StringIO(result.stdout)))
    assert summary["clusters"] == "67" and summary["cluster_sizes"].startswith("94:1")
    assert float(summary["offspring_mean"]) == pytest.approx(98 / 162, rel=1e-5)
    assert float(summary["k"]) < 0.1
    assert summary["superspreaders"].startswith("SK_14:38 SK_1:26 SK_16:21")


def test_cli_chains_warns_about_missing_ends_and_fails_cleanly() -> None:
    lines = OUTBREAKS / "ebola_sim_linelist.csv"
    result = runner.invoke(
        app,
        [
            "chains",
            "--cases",
            str(lines),
            "--links",
            str(OUTBREAKS / "ebola_sim_contacts.csv"),
            "--summary",
        ],
    )
    assert result.exit_code == 0
    assert "1639 links have a 'from'" in result.stderr
    result = runner.invoke(app, ["chains", "--cases", str(lines), "--links", str(lines)])
    assert result.exit_code == 2 and result.stderr.startswith("error:")
