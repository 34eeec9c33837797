"""``fireline quarantine due`` and ``complete``: counts and order numbers, no names."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fireline.db.engine import make_engine, session_factory, transaction
from fireline.db.migrate import upgrade
from fireline.quarantine.models import QuarantineOrder
from tests.cli_runner import run, run_process
from tests.places.factories import small_tree
from tests.quarantine.factories import quarantine

LAST = date.today() - timedelta(days=30)  # a closed period: completion applies


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        tree = small_tree(session)
        today = date.today()
        quarantine(
            session, tree["C1A"], last=today - timedelta(days=1), today=today, name="Ann Secret"
        )
        done = quarantine(session, tree["C1B"], last=LAST, today=LAST, name="Bo Done")
        order = session.get_one(QuarantineOrder, done.id)
        order.last_report_at, order.last_report_on = order.created_at, order.end_date
    engine.dispose()
    return path


def test_due_prints_counts_and_orders_without_names(database: Path) -> None:
    done = run_process(["quarantine", "due", "--jurisdiction", "C1A"], f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert "1 active" in done.stdout and "Ann" not in done.stdout
    refused = run(["quarantine", "due", "--jurisdiction", "nowhere"], database)
    assert refused.exit_code == 1


def test_complete_closes_the_finished_clean_orders(database: Path) -> None:
    assert (
        "not a date"
        in run_process(["quarantine", "complete", "--date", "soon"], f"sqlite:///{database}").stderr
    )
    first = run(["quarantine", "complete"], database)
    assert first.exit_code == 0 and first.output.startswith("1 quarantine orders completed")
    again = run(["quarantine", "complete", "--date", str(date.today())], database)
    assert again.output.startswith("0 quarantine orders completed")


def test_staff_ties_a_facility_user_to_a_facility(database: Path) -> None:
    from fireline.auth.scope import system_actor
    from fireline.quarantine import facilities
    from fireline.quarantine.models import FacilityStaff
    from fireline.quarantine.schemas import FacilityCreate, RoomIn
    from tests.auth.factories import make_user

    engine = make_engine(f"sqlite:///{database}")
    with session_factory(engine)() as session:
        hotel = facilities.create_facility(
            session,
            system_actor(),
            FacilityCreate(
                name="Lakeside", jurisdiction_code="C1A", rooms=[RoomIn(code="1", capacity=1)]
            ),
        )
        hotel_id = hotel.id
        make_user(session, "desk", "facility", "C1A")  # commits
        make_user(session, "tracer", "investigator", "C1A")
    tied = run(["quarantine", "staff", "desk", str(hotel_id)], database)
    assert tied.exit_code == 0 and "desk works at facility" in tied.output
    assert run(["quarantine", "staff", "tracer", str(hotel_id)], database).exit_code == 1
    assert run(["quarantine", "staff", "nobody", str(hotel_id)], database).exit_code == 1
    with session_factory(engine)() as session:
        assert session.query(FacilityStaff).count() == 1
    engine.dispose()
