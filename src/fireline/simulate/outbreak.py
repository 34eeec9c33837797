"""``simulate()``: a whole synthetic outbreak as Arrow tables, from one seed.

Every stage draws from its own random stream spawned from the seed
(NumPy ``SeedSequence.spawn``), so the same seed gives identical tables and a
change to one stage does not reshuffle the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireline.simulate import branching, cases, contacts, labs, people, venues
from fireline.simulate.geography import Geography, from_table
from fireline.simulate.params import MAX_CASES, MIN_CASES, DiseaseParams

IntArray = npt.NDArray[np.int64]
Progress = Callable[[str], None]

# Load order: every table after the tables its ids point to.
TABLES = (
    "persons",
    "venues",
    "cases",
    "transmission_links",
    "contacts",
    "check_ins",
    "samples",
    "lab_results",
    "quarantine_orders",
)
DEFAULT_START = date(2026, 1, 1)
STREAMS = ("tree", "cases", "contacts", "people", "venues", "labs")


@dataclass(frozen=True)
class Outbreak:
    """The tables of one simulated outbreak; ids are dense 1..n int64 in every table."""

    persons: pa.Table
    venues: pa.Table
    cases: pa.Table
    transmission_links: pa.Table
    contacts: pa.Table
    check_ins: pa.Table
    samples: pa.Table
    lab_results: pa.Table
    quarantine_orders: pa.Table
    start: date
    as_of: date  # the last day with data
    seed: int
    seed_county: str
    params: DiseaseParams = field(default_factory=DiseaseParams)

    def tables(self) -> dict[str, pa.Table]:
        return {name: getattr(self, name) for name in TABLES}

    def counts(self) -> dict[str, int]:
        return {name: table.num_rows for name, table in self.tables().items()}


def jurisdiction_table(columns: pa.Table | Mapping[str, Sequence[object]]) -> pa.Table:
    """Accept a pyarrow table or a mapping of plain column arrays."""
    return columns if isinstance(columns, pa.Table) else pa.table(dict(columns))


def simulate(
    jurisdictions: pa.Table | Mapping[str, Sequence[object]],
    cases_wanted: int,
    *,
    seed: int = 0,
    start: date | None = None,
    end: date | None = None,
    params: DiseaseParams | None = None,
    seed_county: str | None = None,
    progress: Progress | None = None,
) -> Outbreak:
    """Simulate ``cases_wanted`` cases; give ``start`` or ``end`` (the last day with data).

    Raises ValueError (with one clear line) on bad input.
    """
    params = params or DiseaseParams()
    params.validate()
    if not MIN_CASES <= cases_wanted <= MAX_CASES:
        raise ValueError(f"the number of cases must be between {MIN_CASES} and {MAX_CASES:,}")
    if start is not None and end is not None:
        raise ValueError("give a start date or an end date, not both")
    geography = from_table(jurisdiction_table(jurisdictions), seed_county)
    streams = dict(zip(STREAMS, _streams(seed), strict=True))
    step = progress or (lambda _stage: None)
    step("transmission tree")
    tree = branching.grow(params, geography, cases_wanted, streams["tree"])
    line = cases.timeline(tree, params, streams["cases"])
    last_day = cases.as_of_day(line)
    if end is not None:
        start = end - timedelta(days=last_day)
    return _tables(
        _Run(geography, tree, line, params, start or DEFAULT_START, last_day, seed, streams, step)
    )


def _streams(seed: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(STREAMS))]


@dataclass(frozen=True)
class _Run:
    geography: Geography
    tree: branching.Tree
    line: cases.Timeline
    params: DiseaseParams
    start: date
    last_day: int
    seed: int
    streams: dict[str, np.random.Generator]
    step: Progress


def _tables(run: _Run) -> Outbreak:
    codes, tree, line, start = run.geography.codes, run.tree, run.line, run.start
    run.step("contacts")
    listed = contacts.draw(tree, line, run.params, run.last_day, run.streams["contacts"])
    run.step("people")
    person_leaf = _person_leaves(tree, listed)
    persons = people.persons(run.streams["people"], start, person_leaf, codes)
    run.step("venues and check-ins")
    placed = venues.place(run.geography)
    rng = run.streams["venues"]
    venue_table = venues.venues_table(placed, run.geography, rng)
    check_ins = venues.check_ins_table(
        start, placed, codes, tree.leaf, line, listed, person_leaf, run.params, run.last_day, rng
    )
    run.step("samples and results")
    lab = labs.draw(
        start, line, tree.leaf, listed, run.params, run.last_day, codes, run.streams["labs"]
    )
    run.step("cases and quarantine orders")
    case_table = cases.cases_table(
        start, line, tree, run.params, codes, lab.confirmation, run.streams["cases"]
    )
    return Outbreak(
        persons=persons,
        venues=venue_table,
        cases=case_table,
        transmission_links=cases.links_table(tree, line, codes),
        contacts=contacts.contacts_table(start, listed, codes),
        check_ins=check_ins,
        samples=lab.samples,
        lab_results=lab.results,
        quarantine_orders=contacts.quarantine_table(start, listed, run.params, run.last_day, codes),
        start=start,
        as_of=start + timedelta(days=run.last_day),
        seed=run.seed,
        seed_county=codes[run.geography.seed_index],
        params=run.params,
    )


def _person_leaves(tree: branching.Tree, listed: contacts.Contacts) -> IntArray:
    """Where each person lives: cases where they are, other contacts with their case."""
    others = ~listed.infectee
    leaf = np.empty(tree.size + int(others.sum()), dtype=np.int64)
    leaf[: tree.size] = tree.leaf
    leaf[listed.person[others]] = listed.leaf[others]
    return leaf
