from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from fireline.people.values import SEX, phone_digits
from fireline.surveillance.intake.values import phones

PHONE_TEXT = st.text(alphabet="0123456789+-() 86", max_size=20)


@given(st.lists(PHONE_TEXT, min_size=1, max_size=20))
def test_a_mainland_phone_is_stored_as_the_digits_phone_digits_gives(texts: list[str]) -> None:
    """The import keeps only valid numbers now (people.validation); a mobile number, or a
    landline written with its trunk 0, is stored as phone_digits writes it, so phones
    typed before still match."""
    column = phones(pa.array(texts)).values.to_pylist()
    for text, stored in zip(texts, column, strict=True):
        digits = phone_digits(text)
        trunk = digits[:1] == "0" and digits[:2] != "00" and "+" not in text
        usual = (len(digits) == 11 and digits[0] == "1") or trunk
        assert stored is None or not usual or stored == digits, text


def test_a_mobile_number_loses_china_s_country_code_only() -> None:
    assert phone_digits("+86 138-0013-8000") == "13800138000"
    assert phone_digits("(0571) 8765 4321") == "057187654321"
    assert phone_digits("8657187654321") == "8657187654321"  # not a mobile number


def test_sex_reads_the_national_codes_and_both_languages() -> None:
    # GB/T 2261.1-2003: 0 unknown, 1 male, 2 female, 9 unstated.
    assert [SEX[code] for code in ("0", "1", "2", "9")] == ["unknown", "male", "female", "unknown"]
    assert SEX["女"] == SEX["female"] == "female"
    assert set(SEX.values()) == {"male", "female", "unknown"}
