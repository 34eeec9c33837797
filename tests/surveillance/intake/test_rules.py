"""Issue 14: an import holds each row to the rules the form and the API use
(people.validation), reporting row and column, and stores nothing of a refused file."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.people import validation as rules
from fireline.people.models import Person
from fireline.surveillance.intake import values as v
from tests.surveillance.intake.factories import EN_HEADER, csv_bytes
from tests.surveillance.intake.test_batches import cases, county, problems, run

GOOD = "G1,Good Row,,female,,13800000001,C1A,,2024-03-03,"
BAD_ROWS = [
    ("B1,Bad Id,ABCDEFG,male,,,C1A,,2024-03-03,", "national_id", "ABCDEFG", "not a valid"),
    (
        "B2,Short,11010519491231002,male,,,C1A,,2024-03-03,",
        "national_id",
        "11010519491231002",
        "not a valid",
    ),
    (
        "B3,Check,110105194912310021,male,,,C1A,,2024-03-03,",
        "national_id",
        "110105194912310021",
        "not a valid",
    ),
    (
        "B4,Phone,,male,,abc-not-a-phone,C1A,,2024-03-03,",
        "phone",
        "abc-not-a-phone",
        "not a phone number",
    ),
    ("B5,Future,,male,,,C1A,,2099-03-03,", "date_reporting", "2099-03-03", "after today"),
    ("B6,Unborn,,male,2099-01-01,,C1A,,2024-03-03,", "birth_date", "2099-01-01", "after today"),
    (
        "B7,Born Late,,male,2024-03-02,,C1A,2024-03-01,2024-03-03,",
        "birth_date",
        "2024-03-02",
        "after the onset",
    ),
    (
        "B8,Says Other,11010519491231002X,female,1950-01-01,,C1A,,2024-03-03,",
        "birth_date",
        "1950-01-01",
        "does not match",
    ),
]


@pytest.mark.parametrize(("row", "column", "value", "message"), BAD_ROWS)
def test_a_bad_row_is_refused_with_line_and_column_and_nothing_is_stored(
    session: Session, row: str, column: str, value: str, message: str
) -> None:
    batch = run(session, county(session), csv_bytes(EN_HEADER, [GOOD, row]))
    assert batch.status == "refused" and batch.bad_rows == 1
    found = [p for p in problems(session, batch.id) if p[0] == 3 and p[1] == column]
    assert found and found[0][2] == value and message in found[0][3], problems(session, batch.id)
    assert cases(session) == 0
    assert session.scalar(select(func.count()).select_from(Person)) == 0


PHONES = st.one_of(
    st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    st.from_regex(r"0(10|2\d|[3-9]\d\d)[ -]?\d{7,8}", fullmatch=True),
    st.from_regex(r"\+86 ?1[3-9]\d{9}", fullmatch=True),
    st.text(max_size=14),
)


@given(st.lists(PHONES, min_size=1, max_size=20))
def test_the_import_reads_phones_exactly_as_the_form_does(texts: list[str]) -> None:
    found = v.phones(pa.array(texts, pa.string()))
    for text, stored, bad in zip(texts, found.values.to_pylist(), found.bad, strict=True):
        try:
            expected: str | None = rules.phone_number(text)
        except rules.Invalid:
            expected = None
        assert stored == expected and bad == (expected is None), text


@given(born=st.dates(date(1900, 1, 1), date(2024, 1, 1)), order=st.integers(0, 999))
def test_the_import_reads_ids_as_the_form_does(born: date, order: int) -> None:
    first17 = f"330102{born:%Y%m%d}{order:03d}"
    good = first17 + rules.check_character(first17)
    wrong = first17 + ("0" if good[-1] != "0" else "1")
    found = v.national_ids(pa.array([good, wrong, "ABCDEFG"], pa.string()))
    assert list(found.bad) == [False, True, True]
