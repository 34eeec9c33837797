"""The one set of rules for values about a person or a case (people.validation)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from fireline.people import validation as v

TODAY = date(2026, 12, 7)
# GB 11643-1999 appendix example: a Beijing (110105) woman born 1949-12-31, check X.
KNOWN = "11010519491231002X"


def make_id(region: str, born: date, order: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    return first17 + v.check_character(first17)


def test_the_standards_example_reads_whole() -> None:
    found = v.resident_id(KNOWN, TODAY)
    assert found == v.ResidentId(KNOWN, "110105", date(1949, 12, 31), "female")
    assert v.resident_id(" 11010519491231002x ").number == KNOWN


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ABCDEFG", v.ID_LENGTH),
        ("11010519491231002", v.ID_LENGTH),  # 17 digits
        ("110105194912310021", v.ID_CHECK),  # wrong check digit
        ("1101051949123100XX", v.ID_LENGTH),
        ("990105194912310021", v.ID_REGION),
        ("110105194902300021", v.ID_BIRTH),  # 30 February
        ("110105180001010021", v.ID_BIRTH),
        ("110105491231002", v.ID_OLD_FORM),
        ("１１０１０５１９４９１２３１００２Ｘ", v.ID_LENGTH),  # full-width digits
    ],
)
def test_a_bad_id_is_refused_with_its_reason(text: str, message: str) -> None:
    with pytest.raises(v.Invalid) as refused:
        v.resident_id(text, TODAY)
    assert refused.value.message == message
    assert refused.value.field == "national_id"


def test_an_id_born_after_today_is_refused() -> None:
    number = make_id("330102", date(2030, 1, 1), 11)
    assert v.resident_id(number).birth_date == date(2030, 1, 1)
    with pytest.raises(v.Invalid) as refused:
        v.resident_id(number, TODAY)
    assert refused.value.message == v.ID_BIRTH_FUTURE


@given(
    region=st.sampled_from(sorted(v.PROVINCES)).map(lambda p: p + "0102"),
    born=st.dates(date(1900, 1, 1), TODAY),
    order=st.integers(0, 999),
)
def test_every_well_made_id_reads_back(region: str, born: date, order: int) -> None:
    number = make_id(region, born, order)
    found = v.resident_id(number, TODAY)
    assert (found.region, found.birth_date) == (region, born)
    assert found.sex == ("male" if order % 2 else "female")


@given(born=st.dates(date(1900, 1, 1), TODAY), order=st.integers(0, 999), data=st.data())
def test_one_changed_digit_is_always_caught(born: date, order: int, data: st.DataObject) -> None:
    """MOD 11-2 detects every single-character substitution."""
    number = make_id("330102", born, order)
    at = data.draw(st.integers(14, 17))  # the order code and the check character
    new = data.draw(st.sampled_from([c for c in "0123456789" if c != number[at]]))
    with pytest.raises(v.Invalid):
        v.resident_id(number[:at] + new + number[at + 1 :], TODAY)


def test_the_id_fills_birth_date_and_sex_and_refuses_a_contradiction() -> None:
    rid = v.resident_id(KNOWN)
    assert v.fill_from_id(rid, None, None) == (date(1949, 12, 31), "female", [])
    assert v.fill_from_id(rid, None, "unknown")[:2] == (date(1949, 12, 31), "female")
    _, _, refusals = v.fill_from_id(rid, date(1950, 1, 1), "male")
    assert [(r.field, r.values["expected"]) for r in refusals] == [
        ("birth_date", "1949-12-31"),
        ("sex", "female"),
    ]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("0571-88888888", "057188888888"),
        ("(010) 6512 3456", "01065123456"),
        ("+852 2123 4567", "+85221234567"),
    ],
)
def test_phones_are_stored_normalised(text: str, stored: str) -> None:
    assert v.phone_number(text) == stored


@pytest.mark.parametrize("text", ["abc-not-a-phone", "12345", "88888888", "1381234567", ""])
def test_a_bad_phone_is_refused_never_dropped(text: str) -> None:
    with pytest.raises(v.Invalid) as refused:
        v.phone_number(text)
    assert refused.value.field == "phone"
    assert refused.value.message == v.PHONE


def test_dates_after_today_are_refused_by_the_given_clock() -> None:
    refusals = v.case_dates(TODAY, date_reporting=date(2027, 1, 5), birth_date=date(2030, 1, 1))
    assert sorted(r.field for r in refusals) == ["birth_date", "date_reporting"]
    assert v.case_dates(TODAY, date_reporting=TODAY) == []
    assert v.not_future("x", TODAY + timedelta(days=1), TODAY + timedelta(days=1)) == []


def test_dates_follow_the_course_of_the_illness() -> None:
    refusals = v.case_dates(
        TODAY,
        birth_date=date(2026, 12, 1),
        date_onset=date(2026, 11, 30),
        date_reporting=date(2026, 12, 5),
    )
    assert [(r.field, r.message) for r in refusals] == [("birth_date", v.AFTER)]
    late_onset = v.case_dates(TODAY, date_onset=date(2026, 12, 6), date_reporting=date(2026, 12, 5))
    assert [r.field for r in late_onset] == ["date_onset"]
    assert v.exposure_dates(TODAY, date(2026, 12, 3), date(2026, 12, 1))[0].field == (
        "last_exposure"
    )
    assert v.exposure_dates(TODAY, date(2026, 12, 1), date(2026, 12, 3)) == []


def test_a_long_text_is_refused_with_its_length_not_cut() -> None:
    (refusal,) = v.text_length("name", "x" * 10_000, 200)
    assert refusal.values["limit"] == 200 and refusal.values["count"] == 10_000
    assert "at most 200 characters" in str(refusal)
    assert v.text_length("name", "x" * 200, 200) == []


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        ("36.6", "en", "36.6"),
        ("36,6", "de", "36.6"),
        ("36.6", "zh", "36.6"),
        ("1,000", "en", "1000"),
    ],
)
def test_numbers_are_read_in_the_users_locale(text: str, language: str, value: str) -> None:
    assert v.locale_decimal(text, language) == Decimal(value)


@pytest.mark.parametrize(("text", "language"), [("abc", "zh"), ("36.6.1", "en"), ("1,00", "en")])
def test_a_non_number_is_refused_with_an_example(text: str, language: str) -> None:
    with pytest.raises(v.Invalid) as refused:
        v.locale_decimal(text, language, field="temperature")
    assert refused.value.values["example"] == "36.6"
    assert refused.value.field == "temperature"


class _Person(BaseModel):
    national_id: v.ResidentIdText | None = None
    phone: v.PhoneText | None = None


def test_schema_fields_refuse_with_the_field_named() -> None:
    with pytest.raises(ValidationError) as refused:
        _Person(national_id="ABCDEFG", phone="abc-not-a-phone")
    assert sorted(e["loc"][-1] for e in refused.value.errors()) == ["national_id", "phone"]
    person = _Person(national_id=KNOWN.lower(), phone="+86 13812345678")
    assert (person.national_id, person.phone) == (KNOWN, "13812345678")


def test_refused_names_every_field_as_problem_json() -> None:
    problem = v.Refused(v.case_dates(TODAY, date_reporting=date(2027, 1, 1)), ("body",))
    assert problem.status == 422
    assert problem.extensions["errors"][0]["loc"] == ["body", "date_reporting"]
