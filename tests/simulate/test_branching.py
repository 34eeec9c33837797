from __future__ import annotations

import numpy as np

from fireline.simulate import branching
from fireline.simulate.geography import from_table
from fireline.simulate.params import DiseaseParams
from tests.simulate.trees import small_tree


def test_expected_size_grows_with_later_control() -> None:
    params = DiseaseParams()
    sizes = [branching.expected_size(params, 10, day) for day in (0.0, 10.0, 20.0)]
    assert sizes[0] < sizes[1] < sizes[2]


def test_calibration_hits_the_target_in_expectation() -> None:
    params = DiseaseParams()
    day = branching.calibrate_control_day(params, 100_000, 1000)
    assert abs(branching.expected_size(params, 1000, day) - 100_000) < 1000


def test_trim_keeps_the_tree_whole() -> None:
    rng = np.random.default_rng(0)
    tree = branching.grow(DiseaseParams(), from_table(small_tree()), 500, rng)
    trimmed = branching.trim(tree, 300, rng)
    assert trimmed.size == 300
    linked = trimmed.parent[trimmed.parent >= 0]
    assert linked.max() < 300  # every kept infectee's infector is kept


def test_infectors_come_first_with_a_serial_interval_of_a_day_or_more() -> None:
    tree = branching.grow(DiseaseParams(), from_table(small_tree()), 800, np.random.default_rng(1))
    child = np.flatnonzero(tree.parent >= 0)
    assert (tree.parent[child] < child).all()
    assert (tree.onset[child] - tree.onset[tree.parent[child]] >= 1.0 - 1e-9).all()
    days = np.floor(tree.onset)
    assert (days[child] >= days[tree.parent[child]] + 1).all()
