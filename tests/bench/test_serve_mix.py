"""The pure parts of ``serve-load``: the page mix, think times, percentiles, the tally."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from bench.benchmarks import _serve_mix as mix

from fireline.auth.roles import PERMISSIONS

VIEWER = mix.User("v", PERMISSIONS["viewer"], cases=(7, 8), campaigns=())
INVESTIGATOR = mix.User("i", PERMISSIONS["investigator"], cases=(11,), campaigns=(3,))


def test_a_role_clicks_only_pages_it_may_open() -> None:
    viewer = {c.page for c in mix.clicks_for(VIEWER)}
    assert "interview" not in viewer and "cluster list" not in viewer  # needs cases:read
    assert "follow-up list" not in viewer  # needs persons:read
    assert "campaign dashboard" not in viewer  # no campaign in scope
    assert "overview" in viewer and "case" in viewer
    assert {c.page for c in mix.clicks_for(INVESTIGATOR)} == {c.page for c in mix.MIX}


def test_clicks_follow_the_weights_and_fill_the_urls() -> None:
    rng = random.Random(3)
    drawn: Counter[str] = Counter()
    for _ in range(4000):
        click, url = mix.next_click(INVESTIGATOR, rng)
        drawn[click.page] += 1
        assert "{" not in url
        if click.page == "case":
            assert url == "/surveillance/cases/11"
        if click.page == "campaign dashboard":
            assert url == "/testing/campaigns/3"
    total = sum(c.weight for c in mix.MIX)
    for click in mix.MIX:
        share = drawn[click.page] / 4000
        assert abs(share - click.weight / total) < 0.03, click.page


def test_think_times_are_exponential_with_the_mean_asked() -> None:
    rng = random.Random(1)
    waits = np.array([mix.think_time(rng, 2.0) for _ in range(5000)])
    assert abs(waits.mean() - 2.0) < 0.1
    assert abs(np.median(waits) - 2.0 * np.log(2)) < 0.1  # an exponential's median


def test_percentiles_match_numpy() -> None:
    values = [float(v) for v in np.random.default_rng(5).random(37)]
    for q in (50, 95, 99):
        assert abs(mix.percentile(values, q) - float(np.percentile(values, q))) < 1e-12
    assert mix.summarise([0.1, 0.2, 0.3, 0.4]) == {
        "count": 4,
        "p50_ms": 250.0,
        "p95_ms": 385.0,
        "p99_ms": 397.0,
        "max_ms": 400.0,
    }


def test_the_tally_lists_errors_by_page_and_status() -> None:
    tally = mix.PageTally()
    for seconds in (0.1, 0.2, 0.3):
        tally.record("case", seconds, 200)
    tally.record("case", 0.5, 500)
    tally.record("overview", 0.05, 303)
    tally.record("overview", 1.0, None, "ReadError")
    tally.record("login", 9.0, 303)
    tally.record(mix.BASELINE_PAGE, 0.002, 200)
    summary = tally.summary(10.0)
    assert summary["errors"] == 2
    assert summary["errors_by_page"] == {"case 500": 1, "overview ReadError": 1}
    assert summary["pages"]["case"]["count"] == 4  # a 500 is timed too
    assert summary["slowest_page"] == "case"  # the log-in and the baseline are not pages
    assert summary["all"]["count"] == 5 and summary["all"]["max_ms"] == 500.0
    assert summary["pages_per_s"] == 0.6  # answers (log-in too), baseline aside


def test_saturation_is_the_first_step_past_one_second() -> None:
    steps = [
        {"offered_per_s": 25, "p95_ms": 300},
        {"offered_per_s": 50, "p95_ms": 900},
        {"offered_per_s": 100, "p95_ms": 1400},
        {"offered_per_s": 200, "p95_ms": 3000},
    ]
    assert mix.saturation_rate(steps) == 100
    assert mix.saturation_rate(steps[:2]) is None
