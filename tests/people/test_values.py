from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from fireline.people.values import SEX, phone_digits
from fireline.surveillance.intake.values import phones

PHONE_TEXT = st.text(alphabet="0123456789+-() 86", max_size=20)


@given(st.lists(PHONE_TEXT, min_size=1, max_size=20))
def test_one_phone_is_normalised_as_the_import_normalises_a_column(texts: list[str]) -> None:
    column = phones(pa.array(texts)).values.to_pylist()
    assert [phone_digits(text) for text in texts] == column


def test_a_mobile_number_loses_china_s_country_code_only() -> None:
    assert phone_digits("+86 138-0013-8000") == "13800138000"
    assert phone_digits("(0571) 8765 4321") == "057187654321"
    assert phone_digits("8657187654321") == "8657187654321"  # not a mobile number


def test_sex_reads_the_national_codes_and_both_languages() -> None:
    # GB/T 2261.1-2003: 0 unknown, 1 male, 2 female, 9 unstated.
    assert [SEX[code] for code in ("0", "1", "2", "9")] == ["unknown", "male", "female", "unknown"]
    assert SEX["女"] == SEX["female"] == "female"
    assert set(SEX.values()) == {"male", "female", "unknown"}
