"""Proposed contacts: stored from the engines' exposures, decided by an investigator.

Storing is set-based (one query for what is known, one executemany for what is
new); deciding is bulk (every id in one statement). Nothing becomes a contact
without a decision (issue #5: "nothing is added silently").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pyarrow as pa
from sqlalchemy import Connection, insert, select, tuple_
from sqlalchemy.orm import Session

from fireline.tracing.models import Contact
from fireline.tracing.venues.models import ProposedContact
from fireline.tracing.venues.rules import ExposureRule

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CHUNK = 500  # ids per IN list: well under SQLite's 32,766 bound variables


def instant(micros: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(micros))


def chunks(values: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def known_keys(connection: Connection, case_ids: list[int]) -> set[tuple[int, int, int]]:
    """(case, person, venue) already proposed, and (case, person, 0) already contacts."""
    keys: set[tuple[int, int, int]] = set()
    for part in chunks(case_ids):
        proposed = select(
            ProposedContact.case_id, ProposedContact.person_id, ProposedContact.venue_id
        ).where(ProposedContact.case_id.in_(part))
        keys.update((int(c), int(p), int(v)) for c, p, v in connection.execute(proposed))
        listed = select(Contact.case_id, Contact.person_id).where(Contact.case_id.in_(part))
        keys.update((int(c), int(p), 0) for c, p in connection.execute(listed))
    return keys


def store_proposals(
    connection: Connection,
    exposures: pa.Table,
    case_jurisdictions: Mapping[int, int],
    rule: ExposureRule,
    now: datetime,
) -> list[dict[str, object]]:
    """Insert the exposures not proposed or listed before; returns the rows inserted.

    A re-run proposes nothing twice, and never a person the case already lists as
    a contact; a rejected proposal stays rejected.
    """
    case_ids = sorted(case_jurisdictions)
    known = known_keys(connection, case_ids)
    rows = []
    for row in exposures.to_pylist():
        key = (row["case_id"], row["person_id"], row["venue_id"])
        if key in known or (key[0], key[1], 0) in known:
            continue
        rows.append(
            {
                "jurisdiction_id": case_jurisdictions[key[0]],
                "case_id": key[0],
                "person_id": key[1],
                "venue_id": key[2],
                "category": rule.category,
                "rule": rule.name,
                "exposure_start": instant(row["exposure_start_us"]),
                "exposure_end": instant(row["exposure_end_us"]),
                "overlap_minutes": -(-row["overlap_us"] // 60_000_000),  # a started minute counts
                "status": "proposed",
                "created_at": now,
                "updated_at": now,
            }
        )
    if rows:
        connection.execute(insert(ProposedContact), rows)
    return rows


@dataclass(frozen=True)
class ContactDraft:
    """What a confirmed proposal lists: one contact per (case, person)."""

    jurisdiction_id: int
    case_id: int
    person_id: int
    category: str
    date_first_exposure: date
    date_last_exposure: date


def drafts_from(proposals: list[ProposedContact], zones: Mapping[int, str]) -> list[ContactDraft]:
    """Merge a person's proposals for one case (several venues) into one contact.

    Exposure dates are the local dates in the case jurisdiction's time zone
    (docs/architecture.md, "Time": epidemiological dates are dates, in local time).
    """
    merged: dict[tuple[int, int], ContactDraft] = {}
    for p in proposals:
        zone = ZoneInfo(zones[p.jurisdiction_id])
        first = _aware(p.exposure_start).astimezone(zone).date()
        last = _aware(p.exposure_end).astimezone(zone).date()
        before = merged.get((p.case_id, p.person_id))
        if before is not None:
            first = min(first, before.date_first_exposure)
            last = max(last, before.date_last_exposure)
        merged[(p.case_id, p.person_id)] = ContactDraft(
            p.jurisdiction_id, p.case_id, p.person_id, p.category, first, last
        )
    return list(merged.values())


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def create_contacts(session: Session, drafts: list[ContactDraft]) -> dict[tuple[int, int], int]:
    """List each draft as a Contact (setting ``venue``); returns (case, person) → contact id.

    The one place venue proposals become contacts. It adds plain Contact rows; when
    the tracing package's listing use case (which also proposes the quarantine
    order) lands, this function is where to call it instead.
    """
    contacts = [
        Contact(
            jurisdiction_id=d.jurisdiction_id,
            case_id=d.case_id,
            person_id=d.person_id,
            category=d.category,
            setting="venue",
            date_first_exposure=d.date_first_exposure,
            date_last_exposure=d.date_last_exposure,
        )
        for d in drafts
    ]
    session.add_all(contacts)
    session.flush()
    return {(c.case_id, c.person_id): c.id for c in contacts}


def existing_contacts(session: Session, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Contacts already listed for these (case, person) pairs."""
    found: dict[tuple[int, int], int] = {}
    for start in range(0, len(pairs), CHUNK):
        part = pairs[start : start + CHUNK]
        statement = select(Contact.case_id, Contact.person_id, Contact.id).where(
            tuple_(Contact.case_id, Contact.person_id).in_(part)
        )
        found.update({(c, p): i for c, p, i in session.execute(statement)})
    return found
