"""The lab code value sets of ``codes.yaml``, read once per process when first asked."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class Codes:
    tests: dict[tuple[str, str], str]
    ct_targets: dict[tuple[str, str], str]
    outcomes: dict[tuple[str, str], str]
    ct_range: tuple[float, float]
    classify: dict[str, str]

    def test_type(self, system: str, code: str) -> str | None:
        return self.tests.get((system, code))

    def ct_in_range(self, value: float) -> bool:
        low, high = self.ct_range
        return low <= value <= high


def _pairs(table: dict[str, dict[str, str]]) -> dict[tuple[str, str], str]:
    return {
        (system, str(code)): value
        for system, codes in table.items()
        for code, value in codes.items()
    }


@functools.cache
def codes() -> Codes:
    text = (resources.files("fireline.testing") / "codes.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    low, high = data["ct_range"]
    return Codes(
        tests=_pairs(data["tests"]),
        ct_targets=_pairs(data["ct_targets"]),
        outcomes=_pairs(data["outcomes"]),
        ct_range=(float(low), float(high)),
        classify=dict(data["classify"]),
    )
