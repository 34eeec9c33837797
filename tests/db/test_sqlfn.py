"""Date arithmetic and set-based writes that read the same on SQLite and PostgreSQL.

Every expected value comes from Python's own ``datetime`` arithmetic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import Date, Integer, column, insert, literal, select, table, text, update
from sqlalchemy.orm import Session

from fireline.db import sqlfn
from fireline.db.base import UTCDateTime
from fireline.db.sqlfn import add_days, add_hours, day_diff, hour_of

SHANGHAI = timezone(timedelta(hours=8))


def instant(value: datetime) -> object:
    return literal(value, UTCDateTime())


def day(value: date) -> object:
    return literal(value, Date())


@pytest.mark.parametrize("hours", [0, 1.5, -30, 0.0001, 24 * 366])
def test_add_hours(session: Session, hours: float) -> None:
    start = datetime(2024, 2, 28, 23, 15, 30, 250_000, tzinfo=UTC)
    got = session.scalar(select(add_hours(instant(start), hours)))
    expected = start + timedelta(hours=hours)
    # The offset goes in as seconds to 3 decimals and SQLite writes milliseconds: from a
    # start on a whole millisecond, both backends agree with Python to the millisecond.
    assert got == expected.replace(microsecond=expected.microsecond // 1000 * 1000)


def test_add_hours_compares_with_bound_instants(session: Session) -> None:
    start = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    later = add_hours(instant(start), 2)
    just_before = datetime(2026, 3, 1, 11, 59, tzinfo=SHANGHAI)  # 03:59 UTC
    just_after = datetime(2026, 3, 1, 4, 0, 1, tzinfo=UTC)
    assert session.scalar(select(later > instant(just_before))) is True
    assert session.scalar(select(later < instant(just_after))) is True


@pytest.mark.parametrize(
    ("start", "days"),
    [
        (date(2024, 2, 28), 1),  # a leap day
        (date(2024, 2, 28), 2),
        (date(2024, 3, 1), -1),
        (date(2023, 12, 31), 1),
        (date(2026, 3, 1), -365),
        (date(2026, 3, 1), 0),
    ],
)
def test_add_days(session: Session, start: date, days: int) -> None:
    assert session.scalar(select(add_days(day(start), days))) == start + timedelta(days=days)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (date(2024, 2, 28), date(2024, 3, 1), 2),
        (date(2024, 3, 1), date(2024, 2, 28), -2),
        (date(2025, 12, 31), date(2026, 12, 31), 365),
    ],
)
def test_day_diff_of_dates(session: Session, start: date, end: date, days: int) -> None:
    assert (end - start).days == days
    assert session.scalar(select(day_diff(day(start), day(end)))) == days


def test_day_diff_counts_utc_days_of_instants(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL TimeZone = 'Asia/Shanghai'"))  # must not matter
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 07:30 on 2 March in Shanghai
    early = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
    assert session.scalar(select(day_diff(instant(late), instant(early)))) == 1
    same_utc_day = datetime(2026, 3, 1, 20, 0, tzinfo=SHANGHAI)  # 12:00 UTC on 1 March
    assert session.scalar(select(day_diff(instant(same_utc_day), instant(late)))) == 0
    # An instant against a date: its UTC day.
    assert session.scalar(select(day_diff(instant(late), day(date(2026, 3, 4))))) == 3


def test_hour_of_is_the_utc_hour_whatever_the_session_zone(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL TimeZone = 'Asia/Shanghai'"))  # must not matter
    late = datetime(2026, 3, 1, 7, 30, 59, tzinfo=SHANGHAI)  # 23:30 UTC on 28 February
    assert session.scalar(select(hour_of(instant(late)))) == "2026-02-28 23:00"
    on_the_hour = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert session.scalar(select(hour_of(instant(on_the_hour)))) == "2026-03-01 09:00"


NUMBERS = table("sqlfn_numbers", column("n", Integer), column("half", Integer))


def numbers(session: Session, count: int) -> None:
    session.execute(text("DROP TABLE IF EXISTS sqlfn_numbers"))
    session.execute(text("CREATE TEMPORARY TABLE sqlfn_numbers (n INTEGER, half INTEGER)"))
    if count:
        session.execute(insert(NUMBERS), [{"n": i, "half": None} for i in range(count)])


def test_write_returns_the_rows_written(session: Session) -> None:
    numbers(session, 10)
    halve = update(NUMBERS).where(NUMBERS.c.n % 2 == 0).values(half=NUMBERS.c.n / 2)
    assert sqlfn.write(session, halve) == 5
    copy = insert(NUMBERS).from_select(["n", "half"], select(NUMBERS.c.n + 100, NUMBERS.c.half))
    assert sqlfn.write(session, copy) == 10
    none = update(NUMBERS).where(NUMBERS.c.n < 0).values(half=0)
    assert sqlfn.write(session, none) == 0
    assert session.scalar(select(NUMBERS.c.half).where(NUMBERS.c.n == 108)) == 4


def reltuples(session: Session, name: str) -> float | None:
    if session.get_bind().dialect.name != "postgresql":
        return None
    query = text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)")
    return float(session.execute(query, {"name": name}).scalar_one())


def test_a_big_write_refreshes_the_statistics(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlfn, "BIG_BATCH", 5)
    numbers(session, 0)
    small = insert(NUMBERS).from_select(["n"], select(literal(1)))
    assert sqlfn.write_big(session, small, "sqlfn_numbers") == 1
    never_analysed = reltuples(session, "sqlfn_numbers")
    numbers(session, 6)
    big = insert(NUMBERS).from_select(["n"], select(NUMBERS.c.n + 10))
    assert sqlfn.write_big(session, big, "sqlfn_numbers") == 6
    if never_analysed is not None:  # PostgreSQL: -1 until ANALYZE, then the count
        assert never_analysed == -1
        assert reltuples(session, "sqlfn_numbers") == 12


def test_stage_materialises_a_query_and_replaces_it(session: Session) -> None:
    numbers(session, 20)
    staged = sqlfn.stage(session, "sqlfn_stage", select(NUMBERS.c.n).where(NUMBERS.c.n >= 15))
    assert sorted(session.scalars(select(staged.c.n))) == [15, 16, 17, 18, 19]
    session.execute(text("DELETE FROM sqlfn_numbers"))  # a copy, not a view
    assert session.scalar(select(text("count(*)")).select_from(staged)) == 5
    again = sqlfn.stage(session, "sqlfn_stage", select((NUMBERS.c.n * 2).label("twice")))
    assert again.c.keys() == ["twice"]
    assert session.scalar(select(text("count(*)")).select_from(again)) == 0
    sqlfn.drop(session, "sqlfn_stage")
    sqlfn.drop(session, "sqlfn_stage")  # already gone: no error


def test_a_big_stage_is_analysed(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlfn, "BIG_BATCH", 5)
    numbers(session, 6)
    sqlfn.stage(session, "sqlfn_stage", select(NUMBERS.c.n))
    tuples = reltuples(session, "sqlfn_stage")
    assert tuples in (None, 6)


def test_working_memory_is_raised_inside_and_restored_after(session: Session) -> None:
    def current() -> str:
        return str(session.execute(text("SELECT current_setting('work_mem')")).scalar_one())

    if session.get_bind().dialect.name != "postgresql":
        with sqlfn.working_memory(session, 128):  # nothing to set on SQLite
            assert session.execute(text("SELECT 1")).scalar_one() == 1
        return
    before = current()
    with sqlfn.working_memory(session, 128):
        assert current() == "128MB"
    assert current() == before != "128MB"
