from __future__ import annotations

from datetime import date

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from fireline.surveillance.intake.dates import parse_dates

FORMATS = (
    "{:%Y-%m-%d}",
    "{:%Y/%m/%d}",
    "{:%Y%m%d}",
    "{:%Y.%m.%d}",
    "{d.year}年{d.month}月{d.day}日",
    "{:%Y-%m-%d} 08:30:00",
)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(FORMATS))
def test_every_accepted_form_reads_back(day: date, form: str) -> None:
    text = form.format(day, d=day)
    parsed = parse_dates(pa.array([text]))
    assert parsed.dates.to_pylist() == [day] and not parsed.bad.any()


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=20))
def test_never_raises_and_flags_only_present_values(values: list[str | None]) -> None:
    parsed = parse_dates(pa.array(values, pa.string()))
    for value, got, bad in zip(values, parsed.dates.to_pylist(), parsed.bad, strict=True):
        assert not (bad and got is not None)
        if value is None:
            assert got is None and not bad


def test_refuses_ambiguous_and_impossible() -> None:
    parsed = parse_dates(pa.array(["05/01/2024", "2023-02-29", "2024-02-29"]))
    assert parsed.bad.tolist() == [True, True, False]
