"""The aberration dispatcher: each method reached with its options and defaults.

The methods themselves are tested beside their modules (test_ears.py,
test_farrington.py, test_farrington_flexible.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from fireline.analytics import detect_aberrations
from fireline.analytics.ears import EarsResult

from ._data import SURVEILLANCE, column, read_csv

AGONA = column(read_csv(SURVEILLANCE / "salmonella_agona_weekly.csv"), "observed")
SIM = column(read_csv(SURVEILLANCE / "vignette_sim_pointsource_observed.csv"), "observed")
SIM_OUT = read_csv(SURVEILLANCE / "vignette_sim_pointsource_algo_outputs_t300_400.csv")


def test_ears_statistic_in_columns_and_dispatcher() -> None:
    res = detect_aberrations(AGONA, "ears-c3", h=1.5)
    assert isinstance(res, EarsResult) and res.h == 1.5
    assert list(res.to_columns()) == ["t", "observed", "threshold", "alarm", "statistic"]
    r_var = detect_aberrations(AGONA, "ears-c3", c3_variant="r-surveillance")
    assert isinstance(r_var, EarsResult) and r_var.variant == "r-surveillance"
    with pytest.raises(ValueError, match="EARS methods only"):
        detect_aberrations(AGONA, "farrington", h=2)


def test_dispatcher_routes_methods() -> None:
    for method in ("ears-c1", "ears-c2", "ears-c3", "farrington", "farrington-flexible"):
        res = detect_aberrations(AGONA, method)
        assert res.threshold.shape == res.t.shape


def test_dispatcher_passes_alpha_and_windows_to_farrington() -> None:
    # algo.farrington(b = 5, w = 3, alpha = 0.01) on the vignette series, t = 300..400.
    res = detect_aberrations(SIM, "farrington", alpha=0.01, b=5, w=3)
    t = column(SIM_OUT, "t").astype(int)
    at = np.searchsorted(res.t, t)
    np.testing.assert_array_equal(res.t[at], t)
    ref_upper = column(SIM_OUT, "farrington_a001_upperbound")
    np.testing.assert_allclose(res.threshold[at], ref_upper, atol=1e-6)
    np.testing.assert_array_equal(res.alarm[at], column(SIM_OUT, "farrington_a001_alarm") == 1)


def test_dispatcher_rejects_an_unknown_method() -> None:
    with pytest.raises(ValueError, match="unknown method 'cusum'"):
        detect_aberrations(AGONA, "cusum")  # type: ignore[arg-type]
