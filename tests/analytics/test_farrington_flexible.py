"""Farrington flexible (Noufaily 2013) against R surveillance 1.26.0's test cases."""

from __future__ import annotations

import numpy as np
import pytest

from fireline.analytics import farrington_flexible
from fireline.analytics.farrington_flexible import FlexibleOptions, seasonal_blocks

from ._data import SURVEILLANCE, column, read_csv

AGONA = column(read_csv(SURVEILLANCE / "salmonella_agona_weekly.csv"), "observed")


def test_blocks_have_the_package_lengths() -> None:
    # surveillance test-farringtonFlexible.R, "BLOCKS FUNCTION" (b = 3, w = 3).
    b, w, k = 3, 3, 1200
    for p in (1, 8):
        labels = seasonal_blocks(1300, k, b, w, p, 52)
        assert np.sum(labels == p) == w + 1 + b * (2 * w + 1)
        assert len(np.unique(labels[~np.isnan(labels)])) == p
    labels = seasonal_blocks(1300, k, b, w, 8, 52)
    sizes = np.array([np.sum(labels == j) for j in range(1, 8)])
    assert np.all(np.abs(np.diff(sizes)) <= b)


@pytest.mark.parametrize("method", ["delta", "nbPlugin", "muan"])
def test_flexible_alarms_only_above_threshold(method: str) -> None:
    res = farrington_flexible(AGONA, FlexibleOptions(threshold_method=method, alpha=0.1))  # type: ignore[arg-type]
    assert res.t[0] == 52 * 5 + 3 + 1  # package default range
    assert not np.any(res.alarm & (res.observed == 0))
    above = res.observed > np.nan_to_num(res.threshold, nan=np.inf)
    np.testing.assert_array_equal(res.alarm, above)


def test_flexible_with_seasonal_periods_runs() -> None:
    opts = FlexibleOptions(b=4, no_periods=10, past_weeks_not_included=26, threshold_method="muan")
    res = farrington_flexible(AGONA, opts)
    assert np.all(np.isfinite(res.expected))


def test_flexible_needs_reference_years() -> None:
    with pytest.raises(ValueError, match="Some reference"):
        farrington_flexible(AGONA, FlexibleOptions(b=10), t=[250])
