from __future__ import annotations

import weakref
from datetime import date, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor
from fireline.demo import loader
from fireline.demo.jurisdictions import from_database
from fireline.demo.loader import UnknownJurisdictions, load_outbreak, load_tables
from fireline.people.models import Person
from fireline.simulate import TABLES, Outbreak, simulate
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact
from fireline.tracing.venues.models import CheckIn
from tests.places.factories import by_code, small_tree


def _outbreak(session: Session, cases: int = 150, seed: int = 4) -> Outbreak:
    small_tree(session)
    return simulate(from_database(session), cases, seed=seed, start=date(2026, 2, 1))


def _count(session: Session, table: str) -> int:
    return int(session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_counts_in_the_database_equal_the_tables(session: Session) -> None:
    outbreak = _outbreak(session)
    written = load_outbreak(session, outbreak)
    for name in TABLES:
        assert written[name] == outbreak.tables()[name].num_rows
        assert _count(session, name) == outbreak.tables()[name].num_rows, name


def test_rows_read_back_through_the_models(session: Session) -> None:
    outbreak = _outbreak(session)
    load_outbreak(session, outbreak)
    first = outbreak.cases.slice(0, 1).to_pylist()[0]
    case = session.get(Case, 1)
    assert case is not None and case.source == "simulate" and case.version == 1
    assert case.date_reporting == first["date_reporting"]
    assert isinstance(case.date_reporting, date)
    person = session.get(Person, case.person_id)
    assert person is not None and person.name == outbreak.persons.column("name")[0].as_py()
    check_in = session.scalars(select(CheckIn).order_by(CheckIn.id)).first()
    assert check_in is not None and isinstance(check_in.checked_in_at, datetime)
    contact = session.scalars(select(Contact).order_by(Contact.id)).first()
    assert contact is not None and contact.date_last_exposure <= contact.listed_at.date()


def test_scoped_reads_see_only_the_county(session: Session) -> None:
    outbreak = _outbreak(session)
    load_outbreak(session, outbreak)
    county = by_code(session, "C1A")
    actor = Actor(None, "t", "investigator", county.id, county.path)
    seen = session.scalar(actor.restrict(select(func.count(Case.id)), Case))
    expected = outbreak.cases.column("jurisdiction_code").to_pylist().count("C1A")
    assert seen == expected > 0
    city = by_code(session, "C1")
    city_actor = Actor(None, "c", "epidemiologist", city.id, city.path)
    in_city = session.scalar(city_actor.restrict(select(func.count(Case.id)), Case))
    codes = outbreak.cases.column("jurisdiction_code").to_pylist()
    assert in_city == sum(code.startswith("C1") for code in codes)


def test_a_second_load_goes_past_the_existing_ids(session: Session) -> None:
    outbreak = _outbreak(session)
    load_outbreak(session, outbreak)
    load_outbreak(session, outbreak)
    for name in TABLES:
        assert _count(session, name) == 2 * outbreak.tables()[name].num_rows, name
    second = session.get(Case, outbreak.cases.num_rows + 1)
    assert second is not None
    assert second.person_id == outbreak.persons.num_rows + 1
    # New rows made by the application still get fresh ids (sequences moved on).
    person = Person(name="new", jurisdiction_id=second.jurisdiction_id)
    session.add(person)
    session.flush()
    assert person.id == 2 * outbreak.persons.num_rows + 1


def test_unknown_jurisdiction_is_refused(session: Session) -> None:
    outbreak = _outbreak(session)
    session.execute(text("UPDATE jurisdictions SET code = 'GONE' WHERE code = 'C1A'"))
    with pytest.raises(UnknownJurisdictions, match="C1A"):
        load_outbreak(session, outbreak)


def test_loads_on_a_plain_connection(session: Session) -> None:
    outbreak = _outbreak(session, cases=20)
    session.flush()
    written = load_outbreak(session.connection(), outbreak)
    assert written["cases"] == 20


def test_each_table_is_released_once_written(session: Session) -> None:
    """Issue #17: the demo held the whole outbreak (1.6 GB of Arrow at 600,000 cases)
    through the load; a table given to ``load_tables`` is gone once it is stored."""
    outbreak = _outbreak(session)
    tables, as_of = outbreak.tables(), outbreak.as_of
    alive = {name: weakref.ref(table) for name, table in tables.items()}
    del outbreak
    seen: dict[str, list[str]] = {}

    def progress(stage: str) -> None:  # "writing contacts (1,234 rows)"
        seen[stage.split()[1]] = [name for name, ref in alive.items() if ref() is not None]

    written = load_tables(session, tables, as_of, progress=progress)
    assert tables == {} and written["cases"] == 150
    assert seen["persons"] == list(TABLES)
    assert seen["contacts"] == [
        "contacts",
        "check_ins",
        "samples",
        "lab_results",
        "quarantine_orders",
    ]
    assert seen["quarantine_orders"] == ["quarantine_orders"]
    assert [name for name, ref in alive.items() if ref() is not None] == []


def test_slices_store_what_one_slice_stores(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written seven rows at a time: ids made for the links run on across slices, and
    the codes made from ids are those of the simulator."""
    monkeypatch.setattr(loader, "BATCH_ROWS", 7)
    outbreak = _outbreak(session, cases=40)
    written = load_outbreak(session, outbreak)
    links = outbreak.transmission_links.num_rows
    assert written == outbreak.counts()
    span = "SELECT COUNT(DISTINCT id), MIN(id), MAX(id) FROM transmission_links"
    assert tuple(session.execute(text(span)).one()) == (links, 1, links)
    codes = session.scalars(select(Case.external_id).order_by(Case.id)).all()
    assert codes == outbreak.cases.column("external_id").to_pylist()
    assert outbreak.cases.num_rows > loader.BATCH_ROWS
