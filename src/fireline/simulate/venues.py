"""Venues near each county seat, and check-ins at them.

Cases check in during their infectious window; a contact exposed at a venue
checks in at the same venue within half an hour of its infector, so that venue
matching by time overlap can find it; background visitors add the noise that
matching has to sift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from fireline.simulate._arrow import coded, ids, instants, join, pick, take, uniform_int
from fireline.simulate.cases import PRESYMPTOMATIC_DAYS, Timeline
from fireline.simulate.contacts import VENUE, Contacts
from fireline.simulate.geography import Geography
from fireline.simulate.params import DiseaseParams

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

KINDS = [
    "restaurant",
    "market",
    "supermarket",
    "gym",
    "cinema",
    "school",
    "hospital",
    "bus_station",
]
KIND_NAMES = ["餐厅", "农贸市场", "超市", "健身房", "电影院", "学校", "医院", "汽车站"]
MINUTE = 1 / 1440
SHARE_NOT_CHECKED_OUT = 0.15
OPEN_HOURS = 13.0  # 08:00-21:00 in UTC+8 is 00:00-13:00 UTC
SEAT_SPREAD_DEGREES = 0.03  # about 3 km around the county seat


@dataclass(frozen=True)
class Venues:
    leaf: IntArray
    first: IntArray  # per leaf: index of its first venue
    count: IntArray  # per leaf: how many venues

    def pick_in(self, leaf: IntArray, rng: np.random.Generator) -> IntArray:
        """A random venue in each given county."""
        offset = np.floor(rng.random(leaf.size) * self.count[leaf]).astype(np.int64)
        return self.first[leaf] + offset


def place(geography: Geography) -> Venues:
    """Four venues per county and one more per 300,000 people, up to twelve."""
    count = np.minimum(4 + (geography.population // 300_000).astype(np.int64), 12)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    leaf = np.repeat(np.arange(geography.size, dtype=np.int64), count)
    return Venues(leaf, first, count)


def venues_table(venues: Venues, geography: Geography, rng: np.random.Generator) -> pa.Table:
    size = venues.leaf.size
    kind = rng.integers(0, len(KINDS), size)
    number = np.arange(1, size + 1, dtype=np.int64)
    code = coded("SV", number, 6)
    return pa.table(
        {
            "id": ids(size),
            "code": code,
            "name": join(take(KIND_NAMES, kind), " ", code),
            "kind": pick(KINDS, kind),
            "lat": pa.array(geography.lat[venues.leaf] + rng.normal(0, SEAT_SPREAD_DEGREES, size)),
            "lon": pa.array(geography.lon[venues.leaf] + rng.normal(0, SEAT_SPREAD_DEGREES, size)),
            "jurisdiction_code": pick(geography.codes, venues.leaf),
        }
    )


@dataclass
class _Visits:
    venue: list[IntArray]
    person: list[IntArray]
    start: list[FloatArray]

    def add(self, venue: IntArray, person: IntArray, start: FloatArray) -> None:
        self.venue.append(venue)
        self.person.append(person)
        self.start.append(start)


def check_ins_table(
    start: date,
    venues: Venues,
    codes: list[str],
    case_leaf: IntArray,
    line: Timeline,
    contacts: Contacts,
    person_leaf: IntArray,
    params: DiseaseParams,
    last_day: int,
    rng: np.random.Generator,
) -> pa.Table:
    visits = _Visits([], [], [])
    per_case = rng.poisson(params.check_ins_per_case, case_leaf.size)
    case = np.repeat(np.arange(case_leaf.size, dtype=np.int64), per_case)
    day = line.onset[case] + uniform_int(rng, -PRESYMPTOMATIC_DAYS, 2, case.size)
    visits.add(venues.pick_in(case_leaf[case], rng), case, _daytime(day, rng))
    _venue_exposures(visits, venues, case_leaf, contacts, rng)
    background = rng.poisson(params.background_check_ins_per_case * case_leaf.size)
    person = rng.integers(0, person_leaf.size, background)
    visits.add(
        venues.pick_in(person_leaf[person], rng),
        person,
        _daytime(uniform_int(rng, 0, last_day, background), rng),
    )
    return _table(start, visits, venues, codes, last_day, rng)


def _venue_exposures(
    visits: _Visits,
    venues: Venues,
    case_leaf: IntArray,
    contacts: Contacts,
    rng: np.random.Generator,
) -> None:
    """Infector and contact at the same venue, arriving within 30 minutes of each other."""
    rows = np.flatnonzero(contacts.setting == VENUE)
    venue = venues.pick_in(case_leaf[contacts.case[rows]], rng)
    when = _daytime(contacts.last[rows], rng)
    visits.add(venue, contacts.case[rows], when)
    visits.add(venue, contacts.person[rows], when + rng.uniform(-30, 30, rows.size) * MINUTE)


def _daytime(day: IntArray, rng: np.random.Generator) -> FloatArray:
    """A time on ``day`` (never before day 0) in opening hours, 08:00-21:00 China time."""
    return np.maximum(day, 0) + rng.uniform(0, OPEN_HOURS, day.size) / 24


def _table(
    start: date,
    visits: _Visits,
    venues: Venues,
    codes: list[str],
    last_day: int,
    rng: np.random.Generator,
) -> pa.Table:
    venue = np.concatenate(visits.venue)
    person = np.concatenate(visits.person)
    arrive = np.clip(np.concatenate(visits.start), 0, last_day + OPEN_HOURS / 24)
    stay = uniform_int(rng, 20, 150, venue.size) * MINUTE
    left = rng.random(venue.size) >= SHARE_NOT_CHECKED_OUT
    return pa.table(
        {
            "id": ids(venue.size),
            "venue_id": pa.array(venue + 1),
            "person_id": pa.array(person + 1),
            "checked_in_at": instants(start, arrive),
            "checked_out_at": instants(start, arrive + stay, left),
            "jurisdiction_code": pick(codes, venues.leaf[venue]),
        }
    )
