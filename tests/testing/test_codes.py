"""The lab value sets know every test the shipped profiles accept, cholera's included."""

from __future__ import annotations

from fireline.diseases.loader import load_profiles
from fireline.testing.codes import LOINC, codes


def test_every_shipped_lab_test_has_a_kind() -> None:
    unknown = [
        (profile.code, test.code)
        for profile in load_profiles().values()
        for test in profile.lab_tests
        if codes().test_type(test.system, test.code) is None
    ]
    assert unknown == []


def test_a_cholera_pcr_confirms() -> None:
    kind = codes().test_type(LOINC, "97314-9")
    assert kind == "pcr" and codes().classify[kind] == "confirmed"
