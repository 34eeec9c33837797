"""The server-side layouts of a cluster's chain graph: the tree and the timeline."""

from __future__ import annotations

import numpy as np

from fireline.tracing.clusters import (
    ASPECT,
    ROW_STEP,
    STAIRCASE_MAX,
    X_STEP,
    Y_STEP,
    generation_step,
    timeline_rows,
    tree_layout,
)


def test_children_sit_under_their_infector_ordered_by_the_infectors_place() -> None:
    # 0 → 1, 0 → 2, 2 → 3, 1 → 4: in generation 2, 4 (child of 1) comes before 3.
    members = np.arange(5)
    generation = np.array([0, 1, 1, 2, 2])
    x = tree_layout(members, generation, {1: 0, 2: 0, 3: 2, 4: 1})
    assert x.tolist() == [0.0, -X_STEP / 2, X_STEP / 2, X_STEP / 2, -X_STEP / 2]


def test_a_small_tree_keeps_the_fixed_step_and_a_wide_one_is_spread_to_the_aspect() -> None:
    assert generation_step(np.array([0.0, 40.0]), 1) == Y_STEP
    assert generation_step(np.array([0.0]), 0) == Y_STEP
    wide = np.array([-20_000.0, 20_000.0])  # 1,000 cases in one generation
    assert generation_step(wide, 20) == 40_000.0 / 20 / ASPECT


def test_a_small_cluster_has_one_row_per_case_in_onset_order() -> None:
    days = np.array([3.0, 0.0, -1.0, 3.0])  # -1: onset unknown, drawn first
    rows = timeline_rows(days, np.array([1, 0, 1, 2]), np.array([11, 10, 12, 13]))
    assert (rows / ROW_STEP).tolist() == [2.0, 1.0, 0.0, 3.0]


def test_a_large_cluster_stacks_each_onset_day_by_generation_then_id() -> None:
    n = STAIRCASE_MAX + 1
    days = np.zeros(n)
    days[:3] = [5.0, 5.0, 5.0]
    generation = np.ones(n, dtype=np.int64)
    generation[:3] = [2, 1, 1]
    ids = np.arange(n, dtype=np.int64)[::-1].copy()
    rows = -timeline_rows(days, generation, ids) / ROW_STEP
    assert rows[:3].tolist() == [2.0, 1.0, 0.0]  # day 5: generation 1 (ids 198, 199), then 2
    assert sorted(rows[3:].tolist()) == list(range(n - 3))  # day 0: one column
    assert rows.max() < n - 3  # far shorter than one row per case
