"""Where people live (the leaves of the jurisdiction tree) and how infection moves.

Movement between counties follows a gravity model: the pull of a county grows
with its population and falls with distance (Viboud et al. 2006, "Synchrony,
waves, and spatial hierarchies in the spread of influenza", Science 312:447),
with an extra pull inside the same city, where people commute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

COLUMNS = ("code", "parent_code", "level", "population", "lat", "lon")
EARTH_RADIUS_KM = 6371.0

# Share of infections that stay in the infector's county, the extra weight of a
# county of the same city, and the distance scale of the gravity kernel.
STAY_HOME = 0.85
SAME_CITY_PULL = 20.0
DISTANCE_SCALE_KM = 30.0

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class GeographyError(ValueError):
    """The jurisdiction table cannot be used (empty, unknown seed county...)."""


@dataclass(frozen=True)
class Geography:
    """The leaves with their population, seat and city, and the movement kernel."""

    codes: list[str]
    parents: list[str]
    population: FloatArray
    lat: FloatArray
    lon: FloatArray
    seed_index: int
    cumulative: FloatArray  # (L*L,) row i's cumulative move probabilities, offset by i

    @property
    def size(self) -> int:
        return len(self.codes)

    def move(self, origin: IntArray, rng: np.random.Generator) -> IntArray:
        """Draw the county of each infectee from its infector's county, vectorised.

        Each row of the kernel's cumulative sum ends at 1, so row ``i`` shifted by
        ``i`` occupies ``[i, i + 1]`` and one ``searchsorted`` serves every row.
        """
        size = self.size
        u = origin + rng.random(origin.size)
        flat = np.searchsorted(self.cumulative, u, side="right")
        drawn: IntArray = np.minimum(flat - origin * size, size - 1).astype(np.int64)
        return drawn

    def by_population(self, count: int, rng: np.random.Generator) -> IntArray:
        weights = self.population / self.population.sum()
        return rng.choice(self.size, size=count, p=weights).astype(np.int64)


def _column(table: pa.Table, name: str) -> list[Any]:
    if name not in table.column_names:
        raise GeographyError(f"the jurisdiction table has no column {name!r}")
    values: list[Any] = table.column(name).to_pylist()
    return values


def _numbers(values: list[Any], default: float) -> FloatArray:
    out = np.array([default if v is None else float(v) for v in values], dtype=np.float64)
    return np.where(np.isfinite(out), out, default)


def from_table(table: pa.Table, seed_code: str | None = None) -> Geography:
    """Build the geography from a table with the columns in ``COLUMNS``."""
    codes = [str(c) for c in _column(table, "code")]
    parents = ["" if p is None else str(p) for p in _column(table, "parent_code")]
    has_children = set(parents)
    leaves = [i for i, code in enumerate(codes) if code not in has_children]
    if not leaves:
        raise GeographyError("the jurisdiction table is empty")
    leaf_codes = [codes[i] for i in leaves]
    if seed_code is None:
        seed_index = 0
    elif seed_code in leaf_codes:
        seed_index = leaf_codes.index(seed_code)
    else:
        what = "is not a leaf (it has children)" if seed_code in codes else "is unknown"
        raise GeographyError(f"seed county {seed_code} {what}")
    population = _numbers(_column(table, "population"), 1.0)[leaves]
    lat = _numbers(_column(table, "lat"), 0.0)[leaves]
    lon = _numbers(_column(table, "lon"), 0.0)[leaves]
    leaf_parents = [parents[i] for i in leaves]
    kernel = movement_kernel(np.maximum(population, 1.0), lat, lon, leaf_parents)
    cumulative = np.cumsum(kernel, axis=1)
    cumulative[:, -1] = 1.0
    cumulative += np.arange(len(leaves))[:, None]
    return Geography(
        leaf_codes,
        leaf_parents,
        np.maximum(population, 1.0),
        lat,
        lon,
        seed_index,
        cumulative.ravel(),
    )


def distances_km(lat: FloatArray, lon: FloatArray) -> FloatArray:
    """Great-circle distances between all pairs (haversine formula)."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))  # type: ignore[no-any-return]


def movement_kernel(
    population: FloatArray, lat: FloatArray, lon: FloatArray, parents: list[str]
) -> FloatArray:
    """Row-stochastic matrix: P(infectee lives in j | infector lives in i)."""
    size = population.size
    if size == 1:
        return np.ones((1, 1))
    parent_ids = np.unique(np.array(parents), return_inverse=True)[1]
    same_city = parent_ids[:, None] == parent_ids[None, :]
    gravity = population[None, :] / (1.0 + (distances_km(lat, lon) / DISTANCE_SCALE_KM) ** 2)
    gravity = gravity * np.where(same_city, SAME_CITY_PULL, 1.0)
    np.fill_diagonal(gravity, 0.0)
    gravity *= (1.0 - STAY_HOME) / gravity.sum(axis=1, keepdims=True)
    np.fill_diagonal(gravity, STAY_HOME)
    return gravity
