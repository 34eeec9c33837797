"""Contacts listed for each case, and quarantine orders for the close ones.

Every infectee is among its infector's contacts (with its own person); the other
contacts are new people who live in the case's county. Categories and settings
are drawn with shares that look like contact-tracing line lists; the exposure
dates fall in the infector's infectious window and never after it was reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireline.simulate._arrow import choose, dates, ids, instants, pick, uniform_int
from fireline.simulate.branching import Tree
from fireline.simulate.cases import PRESYMPTOMATIC_DAYS, Timeline
from fireline.simulate.params import DiseaseParams

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

CATEGORIES = ["close", "secondary_close", "casual"]
SETTINGS = ["household", "work", "school", "venue", "transport", "health_care"]
# Shares of categories for infectees and for the other contacts.
INFECTEE_CATEGORY = np.array([0.80, 0.15, 0.05])
OTHER_CATEGORY = np.array([0.35, 0.35, 0.30])
# Shares of settings per category (rows follow CATEGORIES, columns SETTINGS).
SETTING_SHARES = np.array(
    [
        [0.50, 0.20, 0.10, 0.10, 0.05, 0.05],
        [0.10, 0.30, 0.10, 0.30, 0.20, 0.00],
        [0.00, 0.00, 0.00, 0.60, 0.30, 0.10],
    ]
)
VENUE = SETTINGS.index("venue")


@dataclass(frozen=True)
class Contacts:
    """One row per contact, in case order; person indices are 0-based."""

    case: IntArray
    person: IntArray
    category: IntArray
    setting: IntArray
    first: IntArray
    last: IntArray
    listed: FloatArray
    leaf: IntArray
    infectee: BoolArray

    @property
    def size(self) -> int:
        return int(self.case.size)


def draw(
    tree: Tree, line: Timeline, params: DiseaseParams, last_day: int, rng: np.random.Generator
) -> Contacts:
    case, person, is_infectee = _rows(tree, rng.poisson(params.contacts_per_case, tree.size))
    category = np.where(
        is_infectee,
        choose(rng, INFECTEE_CATEGORY, case.size),
        choose(rng, OTHER_CATEGORY, case.size),
    )
    setting = _settings(category, rng)
    window = line.onset[case] + uniform_int(rng, -PRESYMPTOMATIC_DAYS, 2, case.size)
    last = np.minimum(window, line.report[case])  # nobody is exposed after isolation
    last[is_infectee] = line.infection[person[is_infectee]]  # an infectee: the day infected
    first = last - uniform_int(rng, 0, 3, case.size) * (setting == 0)  # households: days
    listed_day = np.maximum(line.report[case], last) + rng.uniform(0.1, 1.0, case.size)
    listed = np.minimum(listed_day, last_day + 1 - 1 / 1440)
    leaf = tree.leaf[case]
    leaf[is_infectee] = tree.leaf[person[is_infectee]]
    return Contacts(case, person, category, setting, first, last, listed, leaf, is_infectee)


def _rows(tree: Tree, extra: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
    """Contact rows in case order: each case's infectees first, then new people.

    Built by counting rather than sorting the whole table: only the infectees
    are sorted (by infector), a tenth of the rows.
    """
    infectees = np.flatnonzero(tree.parent >= 0)
    by_infector = infectees[np.argsort(tree.parent[infectees], kind="stable")]
    children = np.bincount(tree.parent[infectees], minlength=tree.size).astype(np.int64)
    per_case = children + extra
    case = np.repeat(np.arange(tree.size, dtype=np.int64), per_case)
    first_row = np.cumsum(per_case) - per_case
    is_infectee = np.arange(case.size) - first_row[case] < children[case]
    person = np.empty(case.size, dtype=np.int64)
    person[is_infectee] = by_infector
    person[~is_infectee] = tree.size + np.arange(case.size - infectees.size)
    return case, person, is_infectee


def _settings(category: IntArray, rng: np.random.Generator) -> IntArray:
    setting = np.zeros(category.size, dtype=np.int64)
    for index, shares in enumerate(SETTING_SHARES):
        rows = np.flatnonzero(category == index)
        setting[rows] = choose(rng, shares, rows.size)
    return setting


def contacts_table(start: date, contacts: Contacts, leaf_codes: list[str]) -> pa.Table:
    return pa.table(
        {
            "id": ids(contacts.size),
            "case_id": pa.array(contacts.case + 1),
            "person_id": pa.array(contacts.person + 1),
            "category": pick(CATEGORIES, contacts.category),
            "setting": pick(SETTINGS, contacts.setting),
            "date_first_exposure": dates(start, contacts.first),
            "date_last_exposure": dates(start, contacts.last),
            "listed_at": instants(start, contacts.listed),
            "jurisdiction_code": pick(leaf_codes, contacts.leaf),
        }
    )


def quarantined(contacts: Contacts, params: DiseaseParams) -> IntArray:
    """Rows of the contacts whose category carries a quarantine rule."""
    ruled = [CATEGORIES.index(c) for c in params.quarantine_days if c in CATEGORIES]
    return np.flatnonzero(np.isin(contacts.category, ruled))


def quarantine_table(
    start: date, contacts: Contacts, params: DiseaseParams, last_day: int, leaf_codes: list[str]
) -> pa.Table:
    """End = last exposure + the category's days; start = the day listed (never after end)."""
    rows = quarantined(contacts, params)
    category = contacts.category[rows]
    days = np.array([params.quarantine_days.get(c, 0) for c in CATEGORIES], dtype=np.int64)
    kinds = [params.quarantine_kind.get(c, "home") for c in CATEGORIES]
    end = contacts.last[rows] + days[category]
    begin = np.minimum(np.floor(contacts.listed[rows]).astype(np.int64), end)
    return pa.table(
        {
            "id": ids(rows.size),
            "person_id": pa.array(contacts.person[rows] + 1),
            "contact_id": pa.array(rows + 1),
            "kind": pick(kinds, category),
            "status": pick(["completed", "active"], (end >= last_day).astype(np.int64)),
            "start_date": dates(start, begin),
            "end_date": dates(start, end),
            "jurisdiction_code": pick(leaf_codes, contacts.leaf[rows]),
        }
    )
