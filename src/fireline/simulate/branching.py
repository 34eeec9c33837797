"""The transmission tree: a branching process run generation by generation.

Each case draws its number of infectees from a negative binomial with mean
R(t) and dispersion k (Lloyd-Smith et al. 2005, Nature 438:355), where t is its
onset day and R(t) falls from R0 to R0 * (1 - control effect) as control comes
into force. Infectees' onsets follow their infector's by a serial interval drawn
from a gamma distribution. Every step works on whole generations as arrays.

The day control starts is calibrated with the renewal equation (the expected
value of the same process, as used by Cori et al. 2013, Am J Epidemiol
178:1505) so that the imported cases, ``share_imported`` of N, are expected to
grow into N cases in all: the wave then has the same shape at every N.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fireline.simulate.geography import Geography
from fireline.simulate.params import DiseaseParams

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

HORIZON_DAYS = 365  # no onset after this many days, whatever the parameters
MIN_SERIAL_INTERVAL = 1.0  # days: an infectee's onset falls on a later day
OVERSHOOT = 1.5  # stop growing at 1.5 N; the surplus is trimmed from the leaves
MAX_ROUNDS = 10_000  # rounds of extra imports when chains die out early


@dataclass(frozen=True)
class Tree:
    """Cases in onset order: index i is case id i + 1; ``parent`` is -1 for roots."""

    onset: FloatArray  # days after the start date (latent for asymptomatic cases)
    leaf: IntArray  # index into Geography.codes
    parent: IntArray
    generation: IntArray

    @property
    def size(self) -> int:
        return int(self.onset.size)


def reproduction(days: FloatArray, params: DiseaseParams, control_day: float) -> FloatArray:
    """R(t): R0 until control, then a logistic fall to R0 * (1 - control effect)."""
    z = np.clip((days - control_day) / params.control_ramp_days, -60.0, 60.0)
    return params.r0 * (1.0 - params.control_effect / (1.0 + np.exp(-z)))


def gamma_shape_scale(mean: float, sd: float) -> tuple[float, float]:
    return (mean / sd) ** 2, sd**2 / mean


def serial_interval_pmf(params: DiseaseParams) -> FloatArray:
    """The serial interval on whole days 1, 2, ... (day 0 folded into day 1)."""
    from scipy.special import gammainc  # the regularised lower incomplete gamma = gamma CDF

    shape, scale = gamma_shape_scale(params.serial_interval_mean, params.serial_interval_sd)
    edges = np.arange(0, 61, dtype=np.float64) + 0.5
    cdf = gammainc(shape, edges / scale)
    pmf = np.diff(np.concatenate([[0.0], cdf]))
    pmf[1] += pmf[0]
    pmf[0] = 0.0
    return pmf / pmf.sum()  # type: ignore[no-any-return]


def import_schedule(params: DiseaseParams, roots: int) -> FloatArray:
    """Expected imports per day: the index case on day 0, the rest evenly after."""
    days = np.zeros(HORIZON_DAYS + 1)
    days[0] = 1.0
    days[: params.import_days] += (roots - 1) / params.import_days
    return days


def expected_size(
    params: DiseaseParams, roots: int, control_day: float, pmf: FloatArray | None = None
) -> float:
    """Expected cases in all, by the renewal equation on a daily grid."""
    pmf = serial_interval_pmf(params) if pmf is None else pmf
    imports = import_schedule(params, roots)
    infectiousness = reproduction(np.arange(imports.size, dtype=np.float64), params, control_day)
    incidence = np.zeros_like(imports)
    pressure = np.zeros(imports.size + pmf.size)
    for day in range(imports.size):
        incidence[day] = imports[day] + pressure[day]
        pressure[day : day + pmf.size] += incidence[day] * infectiousness[day] * pmf
    return float(incidence.sum())


def calibrate_control_day(params: DiseaseParams, cases: int, roots: int) -> float:
    """The control day at which ``roots`` imports are expected to make ``cases`` cases."""
    pmf = serial_interval_pmf(params)
    low, high = 0.0, float(HORIZON_DAYS) / 2
    if expected_size(params, roots, low, pmf) >= cases:
        return low
    if expected_size(params, roots, high, pmf) <= cases:
        return high
    for _ in range(30):
        mid = (low + high) / 2
        if expected_size(params, roots, mid, pmf) < cases:
            low = mid
        else:
            high = mid
    return (low + high) / 2


@dataclass
class _Growth:
    onset: list[FloatArray]
    leaf: list[IntArray]
    parent: list[IntArray]
    generation: list[IntArray]
    total: int = 0

    def add(self, onset: FloatArray, leaf: IntArray, parent: IntArray, gen: IntArray) -> IntArray:
        ids = np.arange(self.total, self.total + onset.size, dtype=np.int64)
        self.onset.append(onset)
        self.leaf.append(leaf)
        self.parent.append(parent)
        self.generation.append(gen)
        self.total += onset.size
        return ids


def _offspring(
    onset: FloatArray, params: DiseaseParams, control_day: float, rng: np.random.Generator
) -> IntArray:
    mean = reproduction(onset, params, control_day)
    k = params.dispersion_k
    return rng.negative_binomial(k, k / (k + mean)).astype(np.int64)


def _grow_chains(
    growth: _Growth,
    ids: IntArray,
    params: DiseaseParams,
    control_day: float,
    geography: Geography,
    rng: np.random.Generator,
    cap: int,
) -> None:
    """Run the chains from the cases ``ids`` generation by generation until they end."""
    shape, scale = gamma_shape_scale(params.serial_interval_mean, params.serial_interval_sd)
    onset, leaf = growth.onset[-1], growth.leaf[-1]
    generation = 0
    while ids.size and growth.total < cap:
        counts = _offspring(onset, params, control_day, rng)
        parents = np.repeat(ids, counts)
        child_onset = np.repeat(onset, counts) + np.maximum(
            rng.gamma(shape, scale, parents.size), MIN_SERIAL_INTERVAL
        )
        child_leaf = geography.move(np.repeat(leaf, counts), rng)
        keep = child_onset <= HORIZON_DAYS
        if growth.total + int(keep.sum()) > cap:  # keep the earliest up to the cap
            order = np.argsort(np.where(keep, child_onset, np.inf), kind="stable")
            keep = np.zeros_like(keep)
            keep[order[: cap - growth.total]] = True
        generation += 1
        onset, leaf = child_onset[keep], child_leaf[keep]
        gens = np.full(onset.size, generation, dtype=np.int64)
        ids = growth.add(onset, leaf, parents[keep], gens)


def _add_roots(
    growth: _Growth,
    count: int,
    params: DiseaseParams,
    geography: Geography,
    rng: np.random.Generator,
    *,
    first: bool,
) -> IntArray:
    onset = rng.uniform(0.0, float(params.import_days), count)
    if first:
        onset[0] = 0.0  # the index case opens the outbreak on the start date
    leaf = np.full(count, geography.seed_index, dtype=np.int64)
    minus = np.full(count, -1, dtype=np.int64)
    return growth.add(onset, leaf, minus, np.zeros(count, dtype=np.int64))


def grow(params: DiseaseParams, geography: Geography, cases: int, rng: np.random.Generator) -> Tree:
    """A tree of exactly ``cases`` cases (see the module docstring)."""
    roots = max(1, round(params.share_imported * cases))
    control_day = calibrate_control_day(params, cases, roots)
    per_root = max(1.0, cases / roots)
    growth = _Growth([], [], [], [])
    cap = math.ceil(OVERSHOOT * cases) + 10
    for round_no in range(MAX_ROUNDS):
        ids = _add_roots(growth, roots, params, geography, rng, first=round_no == 0)
        _grow_chains(growth, ids, params, control_day, geography, rng, cap)
        if growth.total >= cases:
            break
        roots = min(cases - growth.total, max(1, math.ceil((cases - growth.total) / per_root)))
    if growth.total < cases:  # chains kept dying out: the rest arrive as imports
        _add_roots(growth, cases - growth.total, params, geography, rng, first=False)
    tree = Tree(
        np.concatenate(growth.onset),
        np.concatenate(growth.leaf),
        np.concatenate(growth.parent),
        np.concatenate(growth.generation),
    )
    return in_onset_order(trim(tree, cases, rng))


def trim(tree: Tree, cases: int, rng: np.random.Generator) -> Tree:
    """Remove random childless cases until ``cases`` remain: the tree stays whole."""
    alive = np.ones(tree.size, dtype=bool)
    excess = tree.size - cases
    while excess > 0:
        has_child = np.zeros(tree.size, dtype=bool)
        linked = alive & (tree.parent >= 0)
        has_child[tree.parent[linked]] = True
        leaves = np.flatnonzero(alive & ~has_child)
        drop = rng.choice(leaves, size=min(excess, leaves.size), replace=False)
        alive[drop] = False
        excess -= drop.size
    return _subset(tree, np.flatnonzero(alive))


def in_onset_order(tree: Tree) -> Tree:
    """Renumber by onset, so that an infector's id is below its infectees'."""
    return _subset(tree, np.argsort(tree.onset, kind="stable"))


def _subset(tree: Tree, kept: IntArray) -> Tree:
    new_index = np.full(tree.size, -1, dtype=np.int64)
    new_index[kept] = np.arange(kept.size, dtype=np.int64)
    parent = tree.parent[kept]
    parent = np.where(parent >= 0, new_index[np.maximum(parent, 0)], -1)
    return Tree(tree.onset[kept], tree.leaf[kept], parent, tree.generation[kept])
