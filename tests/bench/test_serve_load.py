"""``serve-load``'s JSON line: the worst page's p95 against the static file's."""

from __future__ import annotations

import json

from bench.benchmarks import _serve_mix as mix
from bench.benchmarks.serve_load import SCALES, to_measurement


def test_the_line_carries_the_worst_page_and_the_baseline() -> None:
    tally = mix.PageTally()
    for seconds in (0.05, 0.06, 0.07):
        tally.record("overview", seconds, 200)
        tally.record("case list", seconds * 10, 200)
        tally.record(mix.BASELINE_PAGE, seconds / 10, 200)
    tally.record("login", 5.0, 303)
    result = {"database": "sqlite", **tally.summary(3.0)}
    line = to_measurement(result, {"sqlite": result}).as_dict("serve-load", "small")
    parsed = json.loads(json.dumps(line, ensure_ascii=False))
    assert parsed["figure_s"] == round(result["pages"]["case list"]["p95_ms"] / 1000, 3)
    assert parsed["baseline_s"] == round(result["pages"][mix.BASELINE_PAGE]["p95_ms"] / 1000, 3)
    assert parsed["target_p95_ms"] == 300
    assert parsed["results"]["sqlite"]["slowest_page"] == "case list"


def test_the_issue_loads_are_the_full_scale() -> None:
    assert (SCALES["full"]["sqlite"].users, SCALES["full"]["sqlite"].think_s) == (50, 2.0)
    assert (SCALES["full"]["postgresql"].users, SCALES["full"]["postgresql"].think_s) == (200, 5.0)
