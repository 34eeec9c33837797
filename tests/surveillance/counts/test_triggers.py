"""``case_daily_counts`` equals a GROUP BY of ``cases`` after any mix of writes, on every
write path (ORM, set-based UPDATE and DELETE, the bulk import's COPY or executemany, the
demo loader, the intake import), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth.scope import Actor
from fireline.db import bulk
from fireline.db.base import utcnow
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import load_outbreak
from fireline.simulate import simulate
from fireline.surveillance.counts import triggers
from fireline.surveillance.counts.models import CaseDailyCount
from fireline.surveillance.intake import batches
from fireline.surveillance.intake.batches import ImportOptions
from fireline.surveillance.models import CLASSIFICATIONS, Case
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.surveillance.intake.factories import EN_HEADER, GOOD_EN, csv_bytes
from tests.surveillance.profiles import acting

DAY0 = date(2026, 3, 1)
PLACES = ("C1A", "C1B", "C2A")
DISEASES = ("covid19", "measles")

Key = tuple[Any, ...]


def counts(session: Session) -> Counter[Key]:
    """What the triggers keep; a row at 0 or below would be a bug of its own."""
    c = CaseDailyCount
    rows = session.execute(
        select(
            c.jurisdiction_id,
            c.disease,
            c.date_reporting,
            c.day_onset,
            c.onset_known,
            c.classification,
            c.imported,
            c.case_count,
        )
    ).tuples()
    found: Counter[Key] = Counter()
    for *key, n in rows:
        assert n > 0, key
        found[tuple(key)] = n
    return found


def grouped(session: Session) -> Counter[Key]:
    """The same figures straight from the cases."""
    onset = func.coalesce(Case.date_onset, Case.date_reporting)
    keys = (
        Case.jurisdiction_id,
        Case.disease,
        Case.date_reporting,
        onset,
        Case.date_onset.is_not(None),
        Case.classification,
        Case.imported,
    )
    rows = session.execute(select(*keys, func.count()).group_by(*keys)).tuples()
    # SQLite returns coalesce() of two DATE columns and IS NOT NULL as plain values.
    return Counter(
        {
            (j, d, r, o if isinstance(o, date) else date.fromisoformat(o), bool(k), c, bool(i)): n
            for j, d, r, o, k, c, i, n in rows
        }
    )


def assert_in_step(session: Session) -> None:
    session.flush()
    assert counts(session) == grouped(session)
    assert counts(session)  # not trivially equal: the examples always write cases


def case_fields() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "place": st.sampled_from(PLACES),
            "disease": st.sampled_from(DISEASES),
            "classification": st.sampled_from(CLASSIFICATIONS),
            "reported": st.integers(0, 6),
            "onset_lag": st.none() | st.integers(-1, 4),  # -1: a report before onset
            "imported": st.booleans(),
        }
    )


def changes() -> st.SearchStrategy[tuple[str, Any]]:
    """One edit: a field of one case (by position), or a statement over many."""
    edit = st.one_of(
        st.tuples(st.just("classification"), st.sampled_from(CLASSIFICATIONS)),
        st.tuples(st.just("place"), st.sampled_from(PLACES)),
        st.tuples(st.just("onset_lag"), st.none() | st.integers(0, 5)),
        st.tuples(st.just("reported"), st.integers(0, 6)),
        st.tuples(st.just("disease"), st.sampled_from(DISEASES)),
        st.tuples(st.just("imported"), st.booleans()),
        st.tuples(st.just("outcome"), st.sampled_from(["recovered", "died"])),
    )
    return st.one_of(
        st.tuples(st.just("orm_edit"), st.tuples(st.integers(0, 99), edit)),
        st.tuples(st.just("orm_delete"), st.integers(0, 99)),
        st.tuples(st.just("set_reclassify"), st.sampled_from(PLACES)),
        st.tuples(st.just("set_move"), st.tuples(st.sampled_from(PLACES), st.integers(1, 3))),
        st.tuples(st.just("set_delete"), st.sampled_from(DISEASES)),
        st.tuples(st.just("bulk_insert"), st.lists(case_fields(), min_size=1, max_size=8)),
    )


def _values(fields: dict[str, Any], places: dict[str, int]) -> dict[str, Any]:
    reported = DAY0 + timedelta(days=fields["reported"])
    lag = fields["onset_lag"]
    return {
        "jurisdiction_id": places[fields["place"]],
        "disease": fields["disease"],
        "classification": fields["classification"],
        "date_reporting": reported,
        "date_onset": None if lag is None else reported - timedelta(days=lag),
        "imported": fields["imported"],
    }


def _bulk_insert(session: Session, rows: list[dict[str, Any]], person_id: int) -> None:
    """The bulk import's writer: COPY on PostgreSQL, executemany on SQLite."""
    ids = bulk.allocate_ids(session, "cases", len(rows))
    table = pa.table(
        {
            "id": pa.array(ids),
            **{k: pa.array([r[k] for r in rows]) for k in rows[0]},
            "person_id": pa.array(np.full(len(rows), person_id)),
        }
    )
    stamp = {"version": 1, "created_at": utcnow(), "updated_at": utcnow()}
    bulk.insert_rows(session, "cases", table, {"source": "bulk", **stamp})


def _edit(session: Session, case: Case, field: str, value: Any, places: dict[str, int]) -> None:
    if field == "place":
        case.jurisdiction_id = places[value]
    elif field == "onset_lag":
        case.date_onset = None if value is None else case.date_reporting - timedelta(days=value)
    elif field == "reported":
        case.date_reporting = DAY0 + timedelta(days=value)
    else:
        setattr(case, field, value)


def apply(session: Session, change: tuple[str, Any], places: dict[str, int], person: int) -> None:
    kind, arg = change
    stored = session.scalars(select(Case).order_by(Case.id)).all()
    if kind == "orm_edit" and stored:
        position, (field, value) = arg
        _edit(session, stored[position % len(stored)], field, value, places)
    elif kind == "orm_delete" and stored:
        session.delete(stored[arg % len(stored)])
    elif kind == "set_reclassify":
        session.execute(
            update(Case)
            .where(Case.jurisdiction_id == places[arg], Case.classification == "suspected")
            .values(classification="confirmed", version=Case.version + 1)
        )
    elif kind == "set_move":
        place, shift = arg
        session.execute(
            update(Case)
            .where(Case.jurisdiction_id == places[place])
            .values(date_reporting=Case.date_reporting + shift)
            if session.get_bind().dialect.name == "postgresql"
            else update(Case)
            .where(Case.jurisdiction_id == places[place])
            .values(date_reporting=func.date(Case.date_reporting, f"+{shift} day"))
        )
    elif kind == "set_delete":
        session.execute(delete(Case).where(Case.disease == arg))
    elif kind == "bulk_insert":
        _bulk_insert(session, [_values(f, places) for f in arg], person)
    session.flush()
    session.expire_all()  # set-based statements changed rows the session holds


def test_counts_follow_every_write(connection: Connection, sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        tree = small_tree(session)
        places = {code: tree[code].id for code in PLACES}
        person = make_person(session, tree["C1A"]).id
        session.commit()

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.lists(case_fields(), min_size=1, max_size=12),
        st.lists(changes(), min_size=1, max_size=8),
    )
    def check(first: list[dict[str, Any]], edits: list[tuple[str, Any]]) -> None:
        savepoint = connection.begin_nested()
        try:
            with sessions() as session:
                for fields in first:
                    session.add(Case(person_id=person, source="orm", **_values(fields, places)))
                assert_in_step(session)
                for change in edits:
                    apply(session, change, places, person)
                    session.flush()
                    assert counts(session) == grouped(session), change
        finally:
            savepoint.rollback()

    check()


def test_the_demo_loader_and_a_rebuild_count_the_same(session: Session) -> None:
    small_tree(session)
    outbreak = simulate(from_database(session), 400, seed=7, start=date(2026, 2, 1))
    load_outbreak(session, outbreak)
    loaded = counts(session)
    assert sum(loaded.values()) == outbreak.cases.num_rows == 400
    assert loaded == grouped(session)
    session.execute(text("DELETE FROM case_daily_counts"))
    triggers.rebuild(session.connection())
    assert counts(session) == loaded


def test_an_intake_import_is_counted_when_it_commits(session: Session) -> None:
    tree = small_tree(session)
    actor = Actor(None, "county", "investigator", tree["C1"].id, tree["C1"].path)
    content = csv_bytes(EN_HEADER, GOOD_EN)
    options = ImportOptions(disease="covid19", source="test")
    batch = batches.import_file(
        session, acting(actor), filename="cases.csv", content=content, options=options
    )
    assert batch.cases_created == 2
    assert sum(counts(session).values()) == 2
    assert counts(session) == grouped(session)
