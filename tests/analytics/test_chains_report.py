"""Chain reports from plain tables: the reference outbreaks and hand-made line lists."""

from __future__ import annotations

import numpy as np

from fireline.analytics.chains_report import ChainReport, analyse, onset_days
from fireline.analytics.offspring import serial_intervals, superspreaders

from ._data import DATA, read_csv

OUTBREAKS = DATA / "outbreaks"


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


# Rows 0..7 of a contacts table: a duplicate (2), an unknown infector (3), a self link
# (4) and a two-case cycle (5, 6) around four usable links into a, b, c, d.
IDS = ["a", "b", "c", "d", "e", "f"]
FROM = ["a", "b", "a", "x", "d", "e", "f", "a"]
TO = ["b", "c", "b", "c", "d", "f", "e", "d"]


def summary(report: ChainReport) -> dict[str, object]:
    return {str(measure): value for measure, value in report.summary_rows()}


def test_dropped_links_and_cycles_are_reported() -> None:
    report = analyse(IDS, FROM, TO)
    assert report.links.rows.tolist() == [0, 1, 5, 6, 7]
    assert report.cycle_rows == [5, 6]
    assert report.warnings == [
        "1 links have a 'from' and 0 a 'to' that is not in the line list; they were left out",
        "1 links go from a case to itself; left out",
        "1 links repeat an earlier link; counted once",
        "2 links lie on a cycle (a case infected by its own descendant);"
        " cases no root reaches get generation -1",
    ]
    # a -> b -> c and a -> d form cluster 1; e <-> f (no root) cluster 2.
    assert report.case_rows() == [
        ["a", 1, 4, 0, 2],
        ["b", 1, 4, 1, 1],
        ["c", 1, 4, 2, 0],
        ["d", 1, 4, 1, 0],
        ["e", 2, 2, -1, 1],
        ["f", 2, 2, -1, 1],
    ]


def test_summary_rows_by_hand() -> None:
    onset = onset_days(["2020-03-01", "2020-03-04", "", "2020-03-06", "2020-03-11", "2020-03-13"])
    got = summary(analyse(IDS, FROM, TO, onset))
    # Offspring 2, 1, 0, 0, 1, 1: mean 5/6, sample variance 17/30 (< mean, so k = inf).
    assert got == {
        "cases": 6,
        "links": 5,
        "links_dropped": 3,
        "clusters": 2,
        "cluster_sizes": "4:1 2:1",
        "largest_cluster": 4,
        "max_depth": 2,
        "offspring_mean": round(5 / 6, 6),
        "offspring_variance": round(17 / 30, 6),
        "k": "inf",
        "k_low": "inf",
        "k_high": "inf",
        # a->b 3 days, a->d 5, e->f 2, f->e -2 (b->c has no onset for c).
        "serial_interval_n": 4,
        "serial_interval_mean": 2.0,
        "serial_interval_sd": round(float(np.sqrt(26 / 3)), 6),
        # P(Poisson(5/6) <= 3) = 0.9897 < 0.99 <= P(<= 4) = 0.9984: more than 4.
        "superspreader_threshold": 5,
        "superspreaders": "",
    }


def test_summary_without_onsets_and_with_a_fixed_threshold() -> None:
    got = summary(analyse(IDS, FROM, TO, superspreader_threshold=1))
    assert not any(key.startswith("serial_interval") for key in got)
    assert got["superspreader_threshold"] == 1
    assert got["superspreaders"] == "a:2 b:1 e:1 f:1"


def test_onset_days_count_from_1970_and_leave_gaps() -> None:
    days = onset_days(["1970-01-01", "", "NA", "2020-01-01", "2020-03-02"])
    # 2020-01-01: 50 years of 365 days plus 12 leap days (1972 ... 2016).
    assert days[0] == 0 and days[3] == 50 * 365 + 12 and days[4] == days[3] + 31 + 29 + 1
    assert np.isnan(days[1]) and np.isnan(days[2])
