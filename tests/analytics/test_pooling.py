"""Pooled testing formulas: Dorfman (1943) and the square array (Phatarfod & Sudbury 1994),
the capped optimum, decoding, and ``fireline analyze pool-size``."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from fireline.analytics._types import BoolArray
from fireline.analytics.cli import app
from fireline.analytics.pooling import (
    choose_pool_size,
    decode_dorfman,
    decode_matrix,
    dorfman_tests_per_person,
    matrix_layout,
    matrix_tests_per_person,
)


def test_dorfman_values() -> None:
    # Dorfman 1943, Table 1: p = 0.01 -> optimum k = 11, 0.20 tests per person (20%).
    choice = choose_pool_size(0.01, 40)
    assert choice.pool_size == 11
    assert choice.tests_per_person == pytest.approx(0.1956, abs=1e-4)
    assert dorfman_tests_per_person(0.0005, 10) == pytest.approx(0.1 + 1 - 0.9995**10)


def test_optimum_is_capped_and_pooling_stops_paying() -> None:
    assert choose_pool_size(0.0005, 10).pool_size == 10
    assert choose_pool_size(0.5, 10).pool_size == 1  # 1 - q^k > 1 - 1/k: test singly
    with pytest.raises(ValueError, match="outside"):
        choose_pool_size(0.01, 10, pool_size=20)


def test_matrix_formula_matches_a_simulation() -> None:
    p, n = 0.02, 8
    rng = np.random.default_rng(1)
    positive = rng.random((20_000, n, n)) < p
    # numpy types a reduction along an axis loosely (np.any gives Any), as in pooling.py
    row_positive: BoolArray = np.any(positive, axis=2)
    col_positive: BoolArray = np.any(positive, axis=1)
    decoded = decode_matrix(row_positive, col_positive)
    simulated = (2 * n + decoded.sum(axis=(1, 2)).mean()) / (n * n)
    assert matrix_tests_per_person(p, n) == pytest.approx(simulated, rel=0.03)


def test_decoding() -> None:
    assert decode_dorfman(np.array([False, True]), np.array([0, 0, 1, 1])).tolist() == [
        False,
        False,
        True,
        True,
    ]
    rows = np.array([[False, True, False]])
    cols = np.array([[False, False, True]])
    assert np.argwhere(decode_matrix(rows, cols)[0]).tolist() == [[1, 2]]
    only_rows = decode_matrix(rows, np.zeros((1, 3), dtype=bool))[0]
    assert only_rows[1].all() and only_rows.sum() == 3  # the whole positive row
    plate, row, col = matrix_layout(10, 3)
    assert plate.tolist()[-1] == 1 and (row[4], col[4]) == (1, 1)


def test_cli_pool_size() -> None:
    result = CliRunner().invoke(app, ["pool-size", "--prevalence", "0.0005", "--max-k", "10"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("dorfman,0.0005,10,10,0.104989")
    bad = CliRunner().invoke(app, ["pool-size", "--prevalence", "2"])
    assert bad.exit_code == 2
