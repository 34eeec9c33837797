"""Pseudonyms: stable under one key, different under another; age bands."""

from __future__ import annotations

from datetime import date

from fireline.exports.pseudonyms import age_band, age_years, pseudonym


def test_the_same_key_gives_the_same_pseudonym_and_another_key_another() -> None:
    one, two = b"k" * 32, b"j" * 32
    assert pseudonym(one, "case", 7) == pseudonym(one, "case", 7)
    assert pseudonym(one, "case", 7) != pseudonym(two, "case", 7)
    # The kind is part of the message: case 7 and person 7 are not linked.
    assert pseudonym(one, "case", 7) != pseudonym(one, "person", 7)
    assert len(pseudonym(one, "case", 7)) == 20 and pseudonym(one, "case", 7) != "7"


def test_age_bands_are_five_years_to_85_plus() -> None:
    assert age_years(date(1980, 5, 17), date(2026, 5, 16)) == 45
    assert age_years(date(1980, 5, 17), date(2026, 5, 17)) == 46
    assert [age_band(a) for a in (0, 4, 5, 46, 84, 85, 101)] == [
        "0-4",
        "0-4",
        "5-9",
        "45-49",
        "80-84",
        "85+",
        "85+",
    ]
    assert age_band(None) == "" and age_years(None, date(2026, 1, 1)) is None
