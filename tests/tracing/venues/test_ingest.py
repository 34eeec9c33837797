"""Check-in logs: CSV and Parquet, local times in the venue's zone, every bad line reported."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.scope import Actor, system_actor
from fireline.tracing.venues.ingest import CheckInLogError, import_check_ins
from fireline.tracing.venues.models import CheckIn
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.tracing.venues.factories import add_venue

HEADER = "person_id,venue_code,checked_in_at,checked_out_at,timezone"


@pytest.fixture
def world(session: Session) -> dict[str, int]:
    tree = small_tree(session)
    add_venue(session, tree["C1A"], "SHOP-1")
    add_venue(session, tree["C2A"], "FAR-1")
    person = make_person(session, tree["C1A"], "Visitor")
    return {"person": person.id, "C1A": tree["C1A"].id}


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def _stored(session: Session) -> list[tuple[datetime, datetime | None]]:
    rows = session.execute(
        select(CheckIn.checked_in_at, CheckIn.checked_out_at).order_by(CheckIn.id)
    ).all()
    return [(_utc(a), _utc(b) if b else None) for a, b in rows]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_naive_times_are_read_in_the_venue_zone(session: Session, world: dict[str, int]) -> None:
    p = world["person"]
    data = _csv(
        f"{p},SHOP-1,2026-11-01 09:30,2026-11-01 10:15,",  # Asia/Shanghai, UTC+8
        f"{p},SHOP-1,2026-11-01T09:30:00Z,,",  # explicit UTC; no check-out
        f"{p},SHOP-1,2026-11-01T09:30:00+09:00,,",  # explicit offset
        f"{p},SHOP-1,2026-11-01 09:30,,Europe/Berlin",  # the row's own zone (UTC+1)
    )
    report = import_check_ins(session, system_actor(), data, "log.csv")
    assert report.rows == 4
    assert _stored(session) == [
        (datetime(2026, 11, 1, 1, 30, tzinfo=UTC), datetime(2026, 11, 1, 2, 15, tzinfo=UTC)),
        (datetime(2026, 11, 1, 9, 30, tzinfo=UTC), None),
        (datetime(2026, 11, 1, 0, 30, tzinfo=UTC), None),
        (datetime(2026, 11, 1, 8, 30, tzinfo=UTC), None),
    ]


def test_every_bad_line_is_reported_and_nothing_stored(
    session: Session, world: dict[str, int]
) -> None:
    p = world["person"]
    data = _csv(
        f"{p},SHOP-1,2026-11-01 09:30,,",  # line 2: good
        f"{p},NOWHERE,2026-11-01 09:30,,",  # line 3: unknown venue
        f"{p},SHOP-1,yesterday noon,,",  # line 4: bad time
        f"{p},SHOP-1,2026-11-01 09:30,,Mars/Olympus",  # line 5: bad zone
        "999999,SHOP-1,2026-11-01 09:30,,",  # line 6: unknown person
        f"{p},SHOP-1,2026-11-01 09:30,2026-11-01 09:00,",  # line 7: out before in
        "abc,SHOP-1,2026-11-01 09:30,,",  # line 8: not a number
        f"{p},SHOP-1,2026-11-01 09:30,2026-13-01 10:00,",  # line 9: bad check-out
    )
    with pytest.raises(CheckInLogError) as caught:
        import_check_ins(session, system_actor(), data, "log.csv")
    errors: dict[int, object] = {}
    for error in caught.value.errors:  # each {"line": int, "message": str, ...}
        line = error["line"]
        assert isinstance(line, int)
        errors[line] = error["message"]
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert "venue 'NOWHERE' is not known" in str(errors[3])
    assert "checked_in_at 'yesterday noon'" in str(errors[4])
    assert "'Mars/Olympus' is not a valid IANA zone" in str(errors[5])
    assert "person 999999 is not known" in str(errors[6])
    assert "before checked_in_at" in str(errors[7])
    assert "not a whole number" in str(errors[8])
    assert "checked_out_at '2026-13-01 10:00'" in str(errors[9])
    assert caught.value.status == 422
    assert session.scalar(select(func.count()).select_from(CheckIn)) == 0


def test_a_venue_outside_the_scope_is_unknown(session: Session, world: dict[str, int]) -> None:
    county = Actor(None, "county", "investigator", world["C1A"], "/P/C1/C1A/")
    data = _csv(f"{world['person']},FAR-1,2026-11-01 09:30,,")
    with pytest.raises(CheckInLogError) as caught:
        import_check_ins(session, county, data, "log.csv")
    message = str(caught.value.errors[0]["message"])
    assert "venue 'FAR-1' is not known in your jurisdiction" in message


def test_missing_columns_are_refused(session: Session, world: dict[str, int]) -> None:
    with pytest.raises(CheckInLogError, match="no column venue_code"):
        import_check_ins(session, system_actor(), b"person_id,checked_in_at\n1,2\n", "x.csv")


def test_parquet_log_with_typed_and_naive_timestamps(
    session: Session, world: dict[str, int]
) -> None:
    table = pa.table(
        {
            "person_id": pa.array([world["person"]] * 2, pa.int64()),
            "venue_code": ["SHOP-1", "SHOP-1"],
            "checked_in_at": pa.array([datetime(2026, 11, 1, 9, 30)] * 2, pa.timestamp("us")),
            "checked_out_at": pa.array(
                [datetime(2026, 11, 1, 2, 0, tzinfo=UTC), None], pa.timestamp("us", tz="UTC")
            ),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    assert import_check_ins(session, system_actor(), buffer.getvalue(), "log.parquet").rows == 2
    start = datetime(2026, 11, 1, 1, 30, tzinfo=UTC)
    assert _stored(session) == [(start, datetime(2026, 11, 1, 2, 0, tzinfo=UTC)), (start, None)]


def test_parquet_rows_are_numbered_from_one(session: Session, world: dict[str, int]) -> None:
    table = pa.table(
        {"person_id": ["1x"], "venue_code": ["SHOP-1"], "checked_in_at": ["2026-11-01 09:30"]}
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    with pytest.raises(CheckInLogError) as caught:
        import_check_ins(session, system_actor(), buffer.getvalue(), "log.parquet")
    assert caught.value.errors[0]["line"] == 1
