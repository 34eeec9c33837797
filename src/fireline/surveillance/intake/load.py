"""Load validated rows: find known cases and persons with one join each, write the rest.

1. Stage the rows' external and national IDs in a temporary table (COPY/executemany).
2. One join against ``cases`` on (source, external_id), limited to the importing
   user's subtree: rows imported there before are skipped and reported, which makes a
   repeated import a no-op; another county's case with the same id is not seen.
3. One join against ``persons`` on the national ID, limited in the same SQL to the
   importing user's subtree: the same ID is the same person only there (the rule of
   ``people.service.find_or_create``, set-based). A person outside gets a new record
   here, and matching proposes the pair to users covering both sides.
4. New persons (one per national ID in the file, one per row without an ID) and cases
   are written set-based (see ``bulk``). No classification-history row: a case carries
   its initial classification, importing user and batch (``service.history``).
5. The new persons go to the match queue (``fireline.people.matching``) for the
   name + birth date + phone comparison that only a human may accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import text
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.db import bulk
from fireline.db.base import utcnow
from fireline.people.matching import propose_for_new
from fireline.surveillance.intake.report import SKIPPED, Problems
from fireline.surveillance.models import ImportBatch

STAGE = "intake_stage"
NEW_PERSONS = "intake_new_persons"
PERSON_FIELDS = ("name", "national_id", "sex", "birth_date", "phone", "address", "jurisdiction_id")
CASE_FIELDS = (
    "jurisdiction_id",
    "classification",
    "date_onset",
    "date_reporting",
    "date_confirmation",
    "imported",
    "outcome",
    "date_outcome",
)


@dataclass
class Loaded:
    cases_created: int = 0
    persons_created: int = 0
    persons_reused: int = 0
    duplicates: int = 0
    matches_proposed: int = 0


@dataclass
class Known:
    """For each row, the case imported before (0: none) and the person on file (0: none)."""

    cases: npt.NDArray[np.int64]
    persons: npt.NDArray[np.int64]


def find_known(session: Session, actor: Actor, rows: pa.Table, source: str) -> Known:
    """Stage the rows' IDs and join them once against cases and once against the persons
    in the actor's subtree (a range scan of ``jurisdictions.path``, as ``Actor.restrict``)."""
    bulk.create_stage(
        session, STAGE, "row_no BIGINT, external_id VARCHAR(100), national_id VARCHAR(32)"
    )
    bulk.insert_rows(
        session,
        STAGE,
        pa.table(
            {
                "row_no": pa.array(np.arange(rows.num_rows, dtype=np.int64)),
                "external_id": rows.column("external_id"),
                "national_id": rows.column("national_id"),
            }
        ),
    )
    bulk.analyze(session, STAGE)
    cases = _known(
        session,
        f"""
        SELECT s.row_no, min(c.id) FROM {STAGE} s
        JOIN cases c ON c.external_id = s.external_id AND c.source = :source
        WHERE c.jurisdiction_id IN (
            SELECT j.id FROM jurisdictions j WHERE j.path >= :low AND j.path < :high)
        GROUP BY s.row_no""",
        rows.num_rows,
        source=source,
        low=actor.jurisdiction_path,
        high=actor.jurisdiction_path + "~",
    )
    persons = _known(
        session,
        f"""
        SELECT s.row_no, min(p.id) FROM {STAGE} s
        JOIN persons p ON p.national_id = s.national_id AND p.merged_into_id IS NULL
        WHERE p.jurisdiction_id IN (
            SELECT j.id FROM jurisdictions j WHERE j.path >= :low AND j.path < :high)
        GROUP BY s.row_no""",
        rows.num_rows,
        low=actor.jurisdiction_path,
        high=actor.jurisdiction_path + "~",
    )
    bulk.drop_stage(session, STAGE)
    return Known(cases, persons)


def report_known(rows: pa.Table, known: Known, problems: Problems, id_header: str) -> int:
    """Rows imported before are skipped, and say so in the report; returns how many."""
    repeat = known.cases > 0
    message = pc.binary_join_element_wise(
        "imported before as case ",
        pc.cast(pa.array(known.cases[repeat]), pa.string()),
        "; skipped",
        "",
    )
    lines = np.asarray(rows.column("line").to_numpy(), dtype=np.int64)
    problems.add(
        repeat,
        id_header,
        rows.column("external_id").combine_chunks(),
        message,
        SKIPPED,
        lines=lines,
    )
    return int(repeat.sum())


def write(
    session: Session, actor: Actor, batch: ImportBatch, rows: pa.Table, known: Known
) -> Loaded:
    """Write persons and cases for the rows not imported before; ``loaded.matches_proposed``
    counts the proposals the actor may see."""
    fresh_mask = known.cases == 0
    fresh = rows.filter(pa.array(fresh_mask))
    person_of_row = known.persons[fresh_mask]
    loaded = Loaded(
        duplicates=int((~fresh_mask).sum()), persons_reused=int((person_of_row > 0).sum())
    )
    new_ids = _write_persons(session, fresh, person_of_row, loaded)
    _write_cases(session, batch, fresh, person_of_row, actor.user_id, loaded)
    loaded.matches_proposed = _propose(session, actor, new_ids)
    return loaded


def _known(session: Session, sql: str, count: int, **params: object) -> npt.NDArray[np.int64]:
    """For each staged row, the id the join found, or 0."""
    found = np.zeros(count, dtype=np.int64)
    pairs = session.execute(text(sql), params).all()
    if pairs:
        matrix = np.array(pairs, dtype=np.int64)
        found[matrix[:, 0]] = matrix[:, 1]
    return found


def _write_persons(
    session: Session, rows: pa.Table, person_of_row: npt.NDArray[np.int64], loaded: Loaded
) -> npt.NDArray[np.int64]:
    """Create one person per national ID new to the database, one per row without an ID;
    fills ``person_of_row`` in place and returns the new ids."""
    need = np.flatnonzero(person_of_row == 0)
    if need.size == 0:
        return need.astype(np.int64)
    ids = pc.take(rows.column("national_id"), pa.array(need)).combine_chunks()
    group = np.asarray(
        pc.fill_null(pc.dictionary_encode(ids).indices, -1).to_numpy(zero_copy_only=False),
        dtype=np.int64,
    )
    without_id = group < 0
    group[without_id] = group.max(initial=-1) + 1 + np.arange(int(without_id.sum()))
    distinct, first = np.unique(group, return_index=True)
    new_ids = bulk.allocate_ids(session, "persons", len(distinct))
    person_of_row[need] = new_ids[np.searchsorted(distinct, group)]
    persons = rows.select(list(PERSON_FIELDS)).take(pa.array(need[first]))
    persons = persons.append_column("id", pa.array(new_ids))
    bulk.insert_rows(session, "persons", persons, _stamp(utcnow()))
    loaded.persons_created = len(new_ids)
    return new_ids


def _write_cases(
    session: Session,
    batch: ImportBatch,
    rows: pa.Table,
    person_of_row: npt.NDArray[np.int64],
    user_id: int | None,
    loaded: Loaded,
) -> None:
    count = rows.num_rows
    if count == 0:
        return
    now = utcnow()
    case_ids = bulk.allocate_ids(session, "cases", count)
    cases = rows.select(list(CASE_FIELDS))
    extra = {
        "id": pa.array(case_ids),
        "person_id": pa.array(person_of_row),
        "external_id": rows.column("external_id"),
    }
    for name, column in extra.items():
        cases = cases.append_column(name, column)
    constants = {
        "disease": batch.disease,
        "source": batch.source,
        "import_batch_id": batch.id,
        "created_by": user_id,
    }
    bulk.insert_rows(session, "cases", cases, {**constants, **_stamp(now)})
    loaded.cases_created = count


def _stamp(now: datetime) -> bulk.Constants:
    """The columns every new row of a versioned, timestamped table starts with."""
    return {"version": 1, "created_at": now, "updated_at": now}


def _propose(session: Session, actor: Actor, new_ids: npt.NDArray[np.int64]) -> int:
    if new_ids.size == 0:
        return 0
    bulk.create_stage(session, NEW_PERSONS, "id BIGINT PRIMARY KEY")
    bulk.insert_rows(session, NEW_PERSONS, pa.table({"id": pa.array(new_ids)}))
    bulk.analyze(session, NEW_PERSONS)
    proposed = propose_for_new(session, actor, NEW_PERSONS)
    bulk.drop_stage(session, NEW_PERSONS)
    return proposed
