"""Disease parameters: the defaults make a wave that ends, and bad values are refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fireline.simulate import MAX_CASES, MIN_CASES, DiseaseParams, simulate
from tests.simulate.trees import small_tree


def test_defaults_are_valid_and_bring_r_below_one() -> None:
    params = DiseaseParams()
    params.validate()
    assert params.r0 * (1 - params.control_effect) == pytest.approx(0.7)
    assert set(params.quarantine_days) == set(params.quarantine_kind)
    assert DiseaseParams().quarantine_days is not params.quarantine_days  # not shared
    assert MIN_CASES == 1 and MAX_CASES == 10_000_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"serial_interval_sd": 0.0}, "serial interval mean and sd must be positive"),
        ({"serial_interval_mean": -1.0}, "serial interval mean and sd must be positive"),
        ({"incubation_mean": 0.0}, "incubation mean and sd must be positive"),
        ({"incubation_sd": -2.0}, "incubation mean and sd must be positive"),
        ({"r0": 0.0}, "R0 must be positive"),
        ({"control_effect": 1.5}, "control effect must be between 0 and 1"),
        ({"r0": 4.0, "control_effect": 0.75}, "so that the wave ends"),  # R = 1 exactly
        ({"dispersion_k": 0.0}, "dispersion k must be positive"),
        ({"share_imported": 1.01}, "share imported must be between 0 and 1"),
        ({"share_asymptomatic": -0.1}, "share asymptomatic must be between 0 and 1"),
        ({"contacts_per_case": -1.0}, "contacts per case must not be negative"),
        ({"import_days": 0}, "import days must be at least 1"),
    ],
)
def test_each_bad_value_gets_its_own_message(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        replace(DiseaseParams(), **change).validate()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change", [{"r0": 0.5, "control_effect": 0.0}, {"share_imported": 1.0, "import_days": 1}]
)
def test_edge_values_are_accepted(change: dict[str, object]) -> None:
    replace(DiseaseParams(), **change).validate()  # type: ignore[arg-type]


def test_simulate_refuses_bad_parameters_before_running() -> None:
    with pytest.raises(ValueError, match="dispersion k"):
        simulate(small_tree(), 10, seed=1, params=DiseaseParams(dispersion_k=-1.0))
    with pytest.raises(ValueError, match="between 1 and 10,000,000"):
        simulate(small_tree(), MAX_CASES + 1, seed=1)
