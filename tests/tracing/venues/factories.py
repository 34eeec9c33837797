"""Check-in logs for the venue tests: random Parquet files and a few exact visits."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from fireline.people.models import Person
from fireline.places.models import Jurisdiction, Venue
from fireline.surveillance.models import Case
from fireline.tracing.venues.models import CheckIn
from fireline.tracing.venues.rules import CHECK_IN_SCHEMA, ExposureRule
from tests.people.factories import make_person
from tests.places.factories import small_tree

DAY_START = datetime(2026, 11, 1, tzinfo=UTC)
MICROS = 1_000_000


def random_check_ins(
    path: Path, rows: int, *, persons: int, venues: int, seed: int = 7, files: int = 2
) -> list[Path]:
    """``rows`` visits over one day in ``files`` Parquet files, 15 % without check-out."""
    rng = np.random.default_rng(seed)
    start = int(DAY_START.timestamp()) * MICROS
    arrive = start + rng.integers(0, 13 * 3600, rows) * MICROS
    stay = rng.integers(5 * 60, 150 * 60, rows) * MICROS
    out = pa.array(arrive + stay, pa.int64()).cast(pa.timestamp("us", tz="UTC"))
    table = pa.table(
        {
            "person_id": pa.array(rng.integers(1, persons + 1, rows), pa.int64()),
            "venue_id": pa.array(rng.integers(1, venues + 1, rows), pa.int64()),
            "checked_in_at": pa.array(arrive, pa.int64()).cast(pa.timestamp("us", tz="UTC")),
            "checked_out_at": pc.if_else(
                pa.array(rng.random(rows) < 0.15), pa.scalar(None, out.type), out
            ),
        },
        schema=CHECK_IN_SCHEMA,
    )
    written = []
    for number, part in enumerate(np.array_split(np.arange(rows), files)):
        target = path / f"check_ins_{number}.parquet"
        pq.write_table(table.take(pa.array(part)), target)
        written.append(target)
    return written


def brute_force(files: list[Path], index: pa.Table, rule: ExposureRule) -> list[tuple[int, ...]]:
    """The exposures by a plain double loop over Python rows (the reference)."""
    visits = []
    for f in files:
        for row in pq.read_table(f).to_pylist():
            s = int(row["checked_in_at"].timestamp()) * MICROS
            out = row["checked_out_at"]
            e = int(out.timestamp()) * MICROS if out else _default_end(s, rule)
            visits.append((row["person_id"], row["venue_id"], s, e))
    found: dict[tuple[int, int, int], list[int]] = {}
    for case in index.to_pylist():
        for person, venue, s, e in visits:
            if person != case["person_id"] or not (s < case["window_end_us"]):
                continue
            if e <= case["window_start_us"]:
                continue
            cs = max(s, case["window_start_us"]) - rule.padding_us
            ce = min(e, case["window_end_us"]) + rule.padding_us
            for other, v2, s2, e2 in visits:
                if v2 != venue or other == person or not (s2 < ce and e2 > cs):
                    continue
                os_, oe = max(s2, cs), min(e2, ce)
                if oe - os_ < rule.min_overlap_us:
                    continue
                key = (case["case_id"], other, venue)
                got = found.setdefault(key, [os_, oe, oe - os_, 0])
                got[0], got[1] = min(got[0], os_), max(got[1], oe)
                got[2], got[3] = max(got[2], oe - os_), got[3] + 1
    return sorted((*k, *v) for k, v in found.items())


def _default_end(start: int, rule: ExposureRule) -> int:
    end = start + rule.stay_us
    if rule.round_us:
        end = -(-end // rule.round_us) * rule.round_us
    return end


# --- database records: a case in C1A who visited a venue, and who was there too ---


def add_venue(session: Session, place: Jurisdiction, code: str) -> Venue:
    venue = Venue(jurisdiction_id=place.id, code=code, name=f"Venue {code}", kind="restaurant")
    session.add(venue)
    session.flush()
    return venue


def add_case(session: Session, place: Jurisdiction, person: Person, onset: date) -> Case:
    case = Case(
        jurisdiction_id=place.id,
        person_id=person.id,
        disease="covid19",
        classification="confirmed",
        date_onset=onset,
        date_reporting=onset,
    )
    session.add(case)
    session.flush()
    return case


def visit(
    session: Session, venue: Venue, person: Person, start: datetime, minutes: int | None
) -> CheckIn:
    end = None if minutes is None else start + timedelta(minutes=minutes)
    row = CheckIn(
        jurisdiction_id=venue.jurisdiction_id,
        venue_id=venue.id,
        person_id=person.id,
        checked_in_at=start,
        checked_out_at=end,
    )
    session.add(row)
    session.flush()
    return row


OTHERS = ("Long", "Short", "Later", "Open")
ONSET = date(2026, 11, 3)
NOON = datetime(2026, 11, 2, 4, tzinfo=UTC)  # 12:00 in Asia/Shanghai, inside the window


def venue_world(
    session: Session, county: str = "C1A", tree: dict[str, Jurisdiction] | None = None
) -> dict[str, Any]:
    """A case with a 60-minute visit at noon; three others: overlapping 30 min, overlapping
    5 min, and later the same day (no overlap); one visit without check-out."""
    tree = tree or small_tree(session)
    place = tree[county]
    venue = add_venue(session, place, f"V-{county}")
    index = make_person(session, place, "Index Case")
    case = add_case(session, place, index, ONSET)
    visit(session, venue, index, NOON, 60)
    people = {name: make_person(session, place, name) for name in OTHERS}
    visit(session, venue, people["Long"], NOON + timedelta(minutes=30), 90)
    visit(session, venue, people["Short"], NOON - timedelta(minutes=25), 30)
    visit(session, venue, people["Later"], NOON + timedelta(hours=5), 60)
    visit(session, venue, people["Open"], NOON + timedelta(minutes=45), None)
    session.flush()
    return {"tree": tree, "venue": venue, "case": case, "index": index, **people}


def scoped_venue_records(
    session: Session, tree: dict[str, Jurisdiction], county: str
) -> dict[str, int]:
    """A venue, visits and proposals in ``county`` (for the every-endpoint scope test)."""
    from fireline.auth.scope import system_actor
    from fireline.diseases.loader import load_profiles
    from fireline.tracing.venues.service import propose_exposures

    found = venue_world(session, county, tree)
    propose_exposures(
        session,
        system_actor(),
        load_profiles(),
        ExposureRule(),
        case_ids=[found["case"].id],
        now=NOON,
    )
    return {"venue_id": found["venue"].id}
