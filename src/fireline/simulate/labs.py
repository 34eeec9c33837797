"""Samples and PCR results: one per case, one per quarantined contact.

Confirmed cases are PCR-positive with a Ct value between 15 and 35 (the range
of positive RT-PCR results in clinical series, e.g. Singanayagam et al. 2020,
Eurosurveillance 25:2001483); probable cases are inconclusive, discarded cases
and contacts negative; a suspected case's sample is still awaiting its result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireline.simulate._arrow import coded, constant, ids, instants, pick
from fireline.simulate.cases import CONFIRMED, DISCARDED, PROBABLE, SUSPECTED, Timeline
from fireline.simulate.contacts import Contacts, quarantined
from fireline.simulate.params import DiseaseParams

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

SAMPLE_TYPES = ["nasopharyngeal_swab", "oropharyngeal_swab"]
OUTCOMES = ["positive", "negative", "inconclusive"]
CT_RANGE = (15.0, 35.0)
HOUR = 1 / 24


@dataclass(frozen=True)
class Labs:
    samples: pa.Table
    results: pa.Table
    confirmation: IntArray  # per case: the day its result came back


def draw(
    start: date,
    line: Timeline,
    leaf: IntArray,
    contacts: Contacts,
    params: DiseaseParams,
    last_day: int,
    codes: list[str],
    rng: np.random.Generator,
) -> Labs:
    cases = line.report.size
    tested = quarantined(contacts, params)
    tested = tested[~contacts.infectee[tested]]  # an infectee's sample is its case's
    person = np.concatenate([np.arange(cases, dtype=np.int64), contacts.person[tested]])
    where = np.concatenate([leaf, contacts.leaf[tested]])
    taken = np.concatenate([line.report.astype(np.float64), contacts.listed[tested]])
    end = last_day + 1 - 1 / 1440
    collected = np.minimum(taken + rng.uniform(0.05, 0.5, person.size), end - 2 * HOUR)
    resulted = np.minimum(collected + rng.uniform(3, 20, person.size) * HOUR, end)
    outcome = np.concatenate([_case_outcomes(line), np.full(tested.size, 1)])
    samples = pa.table(
        {
            "id": ids(person.size),
            "barcode": coded("SB", np.arange(1, person.size + 1), 10),
            "person_id": pa.array(person + 1),
            "disease": constant(params.disease, person.size),
            "sample_type": pick(SAMPLE_TYPES, (rng.random(person.size) < 0.3).astype(np.int64)),
            "collected_at": instants(start, collected),
            "jurisdiction_code": pick(codes, where),
        }
    )
    results = _results(start, outcome, resulted, where, codes, rng)
    return Labs(samples, results, np.floor(resulted[:cases]).astype(np.int64))


def _case_outcomes(line: Timeline) -> IntArray:
    """Outcome index per case sample; -1 where the result is still pending."""
    by_class = np.zeros(4, dtype=np.int64)
    by_class[[CONFIRMED, PROBABLE, SUSPECTED, DISCARDED]] = [0, 2, -1, 1]
    outcome: IntArray = by_class[line.classification]
    return outcome


def _results(
    start: date,
    outcome: IntArray,
    resulted: FloatArray,
    where: IntArray,
    codes: list[str],
    rng: np.random.Generator,
) -> pa.Table:
    rows = np.flatnonzero(outcome >= 0)
    ct = np.round(np.clip(rng.normal(24.0, 5.0, rows.size), *CT_RANGE), 1)
    positive = outcome[rows] == 0
    return pa.table(
        {
            "id": ids(rows.size),
            "sample_id": pa.array(rows + 1),
            "test_type": constant("pcr", rows.size),
            "outcome": pick(OUTCOMES, outcome[rows]),
            "ct_value": pa.array(ct, mask=~positive),
            "resulted_at": instants(start, resulted[rows]),
            "jurisdiction_code": pick(codes, where[rows]),
        }
    )
