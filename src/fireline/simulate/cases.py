"""Case dates, classifications and outcomes, and the transmission links.

Invariants (tested in tests/simulate/test_cases.py):
- an infectee's onset day is at least one day after its infector's;
- an infectee's infection day is on or after its infector's, within the
  infector's infectious window (from two days before onset), and before its
  own onset;
- report >= onset; confirmation >= report; outcome date >= onset and <= as of;
- discarded cases have no infectees and no transmission link; imported cases
  are the roots of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fireline.simulate._arrow import choose, coded, constant, dates, ids, pick, uniform_int
from fireline.simulate.branching import Tree
from fireline.simulate.params import DiseaseParams

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CLASSIFICATIONS = ["confirmed", "probable", "suspected", "discarded"]
CLASSIFICATION_SHARES = np.array([0.90, 0.05, 0.02, 0.03])
PRESYMPTOMATIC_DAYS = 2  # infectious from two days before onset (He et al. 2020, Nat Med 26:672)
CONFIRMED, PROBABLE, SUSPECTED, DISCARDED = range(4)


@dataclass(frozen=True)
class Timeline:
    """Per case: days after the start date, and what became of it."""

    onset: IntArray  # latent for asymptomatic cases (the day symptoms would be due)
    infection: IntArray
    report: IntArray
    symptomatic: BoolArray
    classification: IntArray
    has_child: BoolArray


def timeline(tree: Tree, params: DiseaseParams, rng: np.random.Generator) -> Timeline:
    onset = np.floor(tree.onset).astype(np.int64)
    infection = _infection_days(tree, onset, params, rng)
    report = onset + rng.poisson(params.report_delay_mean, tree.size)
    symptomatic = rng.random(tree.size) >= params.share_asymptomatic
    has_child = np.zeros(tree.size, dtype=bool)
    has_child[tree.parent[tree.parent >= 0]] = True
    classification = choose(rng, CLASSIFICATION_SHARES, tree.size)
    # A discarded case infected nobody: give its label to a confirmed one instead.
    classification[(classification == DISCARDED) & has_child] = CONFIRMED
    return Timeline(onset, infection, report, symptomatic, classification, has_child)


def _infection_days(
    tree: Tree, onset: IntArray, params: DiseaseParams, rng: np.random.Generator
) -> IntArray:
    """Onset minus a lognormal incubation, kept inside the infector's window."""
    sigma2 = np.log1p((params.incubation_sd / params.incubation_mean) ** 2)
    mu = np.log(params.incubation_mean) - sigma2 / 2
    incubation = np.maximum(np.rint(rng.lognormal(mu, np.sqrt(sigma2), tree.size)), 1)
    infection = onset - incubation.astype(np.int64)
    # Infectors come before infectees in a generation, so one pass per generation
    # sees every infector's infection day already settled.
    for generation in range(1, int(tree.generation.max(initial=0)) + 1):
        rows = np.flatnonzero(tree.generation == generation)
        parent = tree.parent[rows]
        low = np.maximum(onset[parent] - PRESYMPTOMATIC_DAYS, infection[parent])
        infection[rows] = np.clip(infection[rows], low, onset[rows] - 1)
    return infection


def as_of_day(line: Timeline) -> int:
    """The last day with data: the latest report."""
    return int(line.report.max())


def cases_table(
    start: date,
    line: Timeline,
    tree: Tree,
    params: DiseaseParams,
    leaf_codes: list[str],
    confirmation: IntArray,
    rng: np.random.Generator,
) -> pa.Table:
    count = tree.size
    last_day = as_of_day(line)
    is_case = line.classification != DISCARDED
    died = is_case & (rng.random(count) < params.case_fatality)
    outcome_day = line.onset + np.where(
        died, uniform_int(rng, 7, 21, count), uniform_int(rng, 10, 21, count)
    )
    has_outcome = is_case & (line.classification != SUSPECTED) & (outcome_day <= last_day)
    outcome = pick(["recovered", "died"], died.astype(np.int64))
    return pa.table(
        {
            "id": ids(count),
            "person_id": ids(count),
            "disease": constant(params.disease, count),
            "external_id": coded("SIM-", np.arange(1, count + 1), 8),
            "classification": pick(CLASSIFICATIONS, line.classification),
            "date_onset": dates(start, line.onset, line.symptomatic),
            "date_reporting": dates(start, line.report),
            "date_confirmation": dates(start, confirmation, line.classification == CONFIRMED),
            "imported": pa.array(tree.parent < 0),
            "outcome": _masked(outcome, has_outcome),
            "date_outcome": dates(start, outcome_day, has_outcome),
            "jurisdiction_code": pick(leaf_codes, tree.leaf),
        }
    )


def _masked(values: pa.Array, valid: BoolArray) -> pa.Array:
    return pc.if_else(pa.array(valid), values, pa.scalar(None, values.type))


def links_table(tree: Tree, line: Timeline, leaf_codes: list[str]) -> pa.Table:
    """Infector → infectee for every infectee that is a case (not discarded)."""
    rows = np.flatnonzero((tree.parent >= 0) & (line.classification != DISCARDED))
    return pa.table(
        {
            "infector_case_id": pa.array(tree.parent[rows] + 1),
            "infectee_case_id": pa.array(rows + 1),
            "jurisdiction_code": pick(leaf_codes, tree.leaf[rows]),
        }
    )
