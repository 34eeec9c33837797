"""Pooled (group) testing: pool size from prevalence, expected tests, matrix designs, decoding.

Pure functions on NumPy arrays: no database, no web.

Dorfman two-stage pooling (Dorfman 1943, "The detection of defective members of large
populations", Ann. Math. Statist. 14(4):436-440, doi:10.1214/aoms/1177731363): k samples
are tested in one pool; the members of a positive pool are retested one by one. With
prevalence p and q = 1 - p, and a perfect test, the expected tests per person are

    E_dorfman(k) = 1/k + 1 - q**k          (k >= 2; E(1) = 1: individual testing)

The optimum k minimises E over 1..max_k; when no k beats 1, pooling does not pay.

Matrix (square array) pooling (Phatarfod & Sudbury 1994, "The use of a square array
scheme in blood testing", Statistics in Medicine 13(22):2337-2343,
doi:10.1002/sim.4780132205): r x c samples on a plate; each row and each column is one
pool (r + c tests); a sample is retested when its row and its column are both positive:

    E_matrix(r, c) = (r + c)/(r c) + p + q (1 - q**(c-1)) (1 - q**(r-1))

For the square n x n array that is 2/n + p + q (1 - q**(n-1))**2. A sample sits in two
pools of size n, so the pool size (the profile's cap) is n. Decoding: the candidates are
the intersections of positive rows and positive columns; a plate with positive rows
but no positive column (or the reverse: a false negative line, or a masked positive)
makes every member of its positive lines a candidate, so that no positive is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from fireline.analytics._types import BoolArray, IntArray

Design = Literal["dorfman", "matrix"]
DESIGNS: tuple[Design, ...] = ("dorfman", "matrix")

__all__ = [
    "DESIGNS",
    "Design",
    "PoolChoice",
    "choose_pool_size",
    "decode_dorfman",
    "decode_matrix",
    "dorfman_tests_per_person",
    "expected_tests",
    "matrix_layout",
    "matrix_tests_per_person",
    "pool_positive_probability",
    "tests_saved",
]


def _check_prevalence(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"prevalence must be between 0 and 1, got {p}")


def dorfman_tests_per_person(p: float, k: int) -> float:
    """Expected tests per person with Dorfman pools of ``k`` (Dorfman 1943)."""
    _check_prevalence(p)
    if k < 1:
        raise ValueError(f"pool size must be at least 1, got {k}")
    if k == 1:
        return 1.0
    return 1.0 / k + 1.0 - (1.0 - p) ** k


def matrix_tests_per_person(p: float, rows: int, cols: int | None = None) -> float:
    """Expected tests per person on an ``rows`` x ``cols`` array (Phatarfod & Sudbury 1994)."""
    _check_prevalence(p)
    cols = rows if cols is None else cols
    if rows < 1 or cols < 1:
        raise ValueError("an array needs at least one row and one column")
    if rows == 1 and cols == 1:
        return 1.0
    q = 1.0 - p
    both = (1.0 - q ** (cols - 1)) * (1.0 - q ** (rows - 1))
    return (rows + cols) / (rows * cols) + p + q * both


@dataclass(frozen=True)
class PoolChoice:
    """The chosen pool size, its design and the expected tests per person."""

    design: Design
    pool_size: int
    tests_per_person: float
    chosen_by: Literal["optimum", "hand"]

    @property
    def saving(self) -> float:
        """The share of tests saved against testing everyone individually."""
        return 1.0 - self.tests_per_person


def _cost(design: Design, p: float, k: int) -> float:
    if design == "matrix":
        return matrix_tests_per_person(p, k)
    return dorfman_tests_per_person(p, k)


def choose_pool_size(
    prevalence: float, max_k: int, design: Design = "dorfman", pool_size: int | None = None
) -> PoolChoice:
    """The pool size minimising expected tests per person, capped at ``max_k``; or the
    size given by hand (still capped: a profile's maximum is a laboratory limit)."""
    _check_prevalence(prevalence)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {', '.join(DESIGNS)}")
    if max_k < 1:
        raise ValueError(f"the maximum pool size must be at least 1, got {max_k}")
    if pool_size is not None:
        if not 1 <= pool_size <= max_k:
            raise ValueError(f"pool size {pool_size} is outside 1..{max_k}")
        return PoolChoice(design, pool_size, _cost(design, prevalence, pool_size), "hand")
    sizes = np.arange(1, max_k + 1)
    costs = np.array([_cost(design, prevalence, int(k)) for k in sizes])
    best = int(np.argmin(costs))  # the smallest k among equal costs
    return PoolChoice(design, int(sizes[best]), float(costs[best]), "optimum")


def expected_tests(people: int, choice: PoolChoice) -> float:
    """Expected tests for ``people`` under the choice (individual testing needs ``people``)."""
    return people * choice.tests_per_person


def decode_dorfman(pool_positive: BoolArray, member_pool: IntArray) -> BoolArray:
    """Which members to retest: those whose pool (an index into ``pool_positive``) is positive."""
    return np.asarray(pool_positive, dtype=bool)[np.asarray(member_pool, dtype=np.int64)]


def decode_matrix(row_positive: BoolArray, col_positive: BoolArray) -> BoolArray:
    """Candidate positives of plates: ``row_positive`` is (plates, rows), ``col_positive``
    (plates, cols); the answer is (plates, rows, cols). See the module notes for the rule
    on a plate whose positives show on one axis only."""
    rows: BoolArray = np.atleast_2d(np.asarray(row_positive, dtype=bool))
    cols: BoolArray = np.atleast_2d(np.asarray(col_positive, dtype=bool))
    if rows.shape[0] != cols.shape[0]:
        raise ValueError("row and column results must cover the same plates")
    cells: BoolArray = rows[:, :, None] & cols[:, None, :]
    any_row: BoolArray = np.any(rows, axis=1)
    any_col: BoolArray = np.any(cols, axis=1)
    only_rows: BoolArray = any_row & ~any_col
    only_cols: BoolArray = any_col & ~any_row
    cells |= only_rows[:, None, None] & rows[:, :, None]
    cells |= only_cols[:, None, None] & cols[:, None, :]
    return cells


def matrix_layout(samples: int, side: int) -> tuple[IntArray, IntArray, IntArray]:
    """(plate, row, column) of each of ``samples`` samples on ``side`` x ``side`` plates,
    filled row by row; the last plate may be partly empty."""
    if side < 1:
        raise ValueError("a plate needs at least one row")
    index = np.arange(samples, dtype=np.int64)
    per_plate = side * side
    within = index % per_plate
    return index // per_plate, within // side, within % side


def tests_saved(people: int, choice: PoolChoice) -> float:
    """Expected tests saved against individual testing."""
    return people - expected_tests(people, choice)


def pool_positive_probability(p: float, k: int) -> float:
    """The chance that a pool of ``k`` holds at least one positive: 1 - q**k."""
    _check_prevalence(p)
    return 1.0 - (1.0 - p) ** k
