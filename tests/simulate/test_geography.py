"""Where infectees live: the leaves of the jurisdiction tree and the gravity kernel."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from fireline.simulate.geography import (
    DISTANCE_SCALE_KM,
    EARTH_RADIUS_KM,
    SAME_CITY_PULL,
    STAY_HOME,
    GeographyError,
    distances_km,
    from_table,
    movement_kernel,
)
from tests.simulate.trees import province, small_tree


def test_kernel_rows_are_probabilities_that_favour_home_and_city() -> None:
    geography = from_table(province(), "330102")
    kernel = movement_kernel(geography.population, geography.lat, geography.lon, geography.parents)
    assert np.allclose(kernel.sum(axis=1), 1.0)
    home = geography.seed_index
    same_city = [i for i, p in enumerate(geography.parents) if p == "330100" and i != home]
    other = [i for i, p in enumerate(geography.parents) if p != "330100"]
    assert kernel[home, same_city].sum() > kernel[home, other].sum()
    drawn = geography.move(np.full(10_000, home), np.random.default_rng(2))
    assert drawn.min() >= 0 and drawn.max() < geography.size


def test_leaves_only_and_the_seed_county() -> None:
    geography = from_table(small_tree(), "C2A")
    assert geography.codes == ["C1A", "C1B", "C2A", "C2B"]
    assert geography.parents == ["C1", "C1", "C2", "C2"]
    assert geography.size == 4 and geography.seed_index == 2
    assert geography.population.tolist() == [1_000_000, 1_000_000, 1_000_000, 500_000]
    assert from_table(small_tree()).seed_index == 0


@pytest.mark.parametrize(
    ("table", "seed", "message"),
    [
        (small_tree(), "C2", "seed county C2 is not a leaf"),
        (small_tree(), "ZZ", "seed county ZZ is unknown"),
        (small_tree().drop_columns(["lat"]), None, "no column 'lat'"),
        (small_tree().slice(0, 0), None, "is empty"),
    ],
)
def test_unusable_tables_raise_geography_error(
    table: pa.Table, seed: str | None, message: str
) -> None:
    with pytest.raises(GeographyError, match=message):
        from_table(table, seed)


def test_missing_numbers_get_defaults() -> None:
    table = pa.table(
        {
            "code": ["A", "B"],
            "parent_code": [None, None],
            "level": ["county", "county"],
            "population": [None, 0],
            "lat": [float("nan"), 10.0],
            "lon": [None, 20.0],
        }
    )
    geography = from_table(table)
    assert geography.population.tolist() == [1.0, 1.0]  # unknown or empty: one person
    assert geography.lat.tolist() == [0.0, 10.0] and geography.lon.tolist() == [0.0, 20.0]


def test_haversine_distances() -> None:
    # One degree of a great circle is 2 pi R / 360; a quarter of the equator is pi R / 2.
    lat = np.array([0.0, 1.0, 0.0, 90.0])
    lon = np.array([0.0, 0.0, 90.0, 0.0])
    d = distances_km(lat, lon)
    assert d[0, 1] == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-12)
    assert d[0, 2] == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    assert d[2, 3] == pytest.approx(math.pi * EARTH_RADIUS_KM / 2, rel=1e-12)
    np.testing.assert_allclose(d, d.T)
    np.testing.assert_array_equal(np.diag(d), 0.0)


def test_kernel_is_gravity_times_city_pull() -> None:
    # Three counties on the equator: 0 and 1 in city X, 2 in city Y, 1 and 2 as far from 0.
    lat = np.zeros(3)
    lon = np.array([0.0, 0.5, -0.5])
    population = np.array([100.0, 300.0, 600.0])
    kernel = movement_kernel(population, lat, lon, ["X", "X", "Y"])
    np.testing.assert_allclose(np.diag(kernel), STAY_HOME)
    np.testing.assert_allclose(kernel.sum(axis=1), 1.0)
    # From county 0: pull 300 * 20 against 600 at the same distance.
    pull_1, pull_2 = 300 * SAME_CITY_PULL, 600.0
    assert kernel[0, 1] == pytest.approx((1 - STAY_HOME) * pull_1 / (pull_1 + pull_2))
    # From county 2: both others in another city, county 0 half a degree away, 1 a degree.
    deg = 2 * math.pi * EARTH_RADIUS_KM / 360
    g0 = 100 / (1 + (0.5 * deg / DISTANCE_SCALE_KM) ** 2)
    g1 = 300 / (1 + (deg / DISTANCE_SCALE_KM) ** 2)
    assert kernel[2, 1] / kernel[2, 0] == pytest.approx(g1 / g0, rel=1e-9)
    assert movement_kernel(np.array([5.0]), lat[:1], lon[:1], ["X"]).tolist() == [[1.0]]


def test_moves_follow_the_kernel_rows() -> None:
    geography = from_table(small_tree())
    kernel = movement_kernel(geography.population, geography.lat, geography.lon, geography.parents)
    rng = np.random.default_rng(8)
    n = 40_000
    for origin in range(geography.size):
        drawn = geography.move(np.full(n, origin), rng)
        share = np.bincount(drawn, minlength=geography.size) / n
        # Binomial standard error is at most 0.5 / sqrt(n) = 0.0025.
        np.testing.assert_allclose(share, kernel[origin], atol=0.0125)


def test_mixed_origins_in_one_call_stay_in_their_rows() -> None:
    # One leaf per city, with no pull at all between cities: far apart and tiny.
    table = pa.table(
        {
            "code": ["A", "B"],
            "parent_code": ["X", "Y"],
            "level": ["county", "county"],
            "population": [1, 1],
            "lat": [0.0, 0.0],
            "lon": [0.0, 180.0],
        }
    )
    geography = from_table(table)
    origin = np.tile(np.array([0, 1], dtype=np.int64), 5000)
    drawn = geography.move(origin, np.random.default_rng(3))
    stayed = (drawn == origin).mean()
    assert abs(stayed - STAY_HOME) < 0.02
    assert set(drawn.tolist()) == {0, 1}


def test_by_population_draws_in_proportion() -> None:
    geography = from_table(small_tree())
    drawn = geography.by_population(35_000, np.random.default_rng(4))
    share = np.bincount(drawn, minlength=4) / 35_000
    np.testing.assert_allclose(share, [2 / 7, 2 / 7, 2 / 7, 1 / 7], atol=0.015)
