"""Zone outlines: GeoJSON (RFC 7946) Polygon/MultiPolygon checks in plain Python.

No GIS library: the three routines a zone needs are short and textbook.

* Ring area and orientation by the shoelace formula (Gauss's area formula; e.g.
  O'Rourke, *Computational Geometry in C*, 2nd ed., 1998, section 1.3): twice the
  signed area is ``sum(x_i * y_(i+1) - x_(i+1) * y_i)``, positive counter-clockwise.
* Point in polygon by ray casting, the even-odd rule of W. R. Franklin's PNPOLY
  (https://wrfranklin.org/Research/Short_Notes/pnpoly.html).
* Winding: RFC 7946 section 3.1.6 stores exterior rings counter-clockwise and holes
  clockwise; d3-geo (which draws Vega-Lite's geoshape) reads spherical polygons the
  other way round, so the map gets a clockwise copy (``for_d3``).

Coordinates are treated as planar longitude/latitude: zones are a few streets wide.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from fireline.errors import Problem

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # exterior first, then holes
KM_PER_DEGREE = 111.32  # one degree of latitude (and of longitude at the equator)


class GeometryError(Problem):
    """A zone outline that cannot be stored: 422 with what is wrong."""

    def __init__(self, detail: str) -> None:
        super().__init__(422, detail, title="Invalid zone outline")


def signed_area2(ring: Ring) -> float:
    """Twice the signed area of a closed ring (shoelace); > 0 counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def in_ring(x: float, y: float, ring: Ring) -> bool:
    """Even-odd ray casting (PNPOLY) over a closed ring."""
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            inside = not inside
    return inside


def in_polygon(x: float, y: float, polygon: Polygon) -> bool:
    """Inside the exterior ring and in none of its holes."""
    return in_ring(x, y, polygon[0]) and not any(in_ring(x, y, h) for h in polygon[1:])


def _position(value: Any, where: str) -> tuple[float, float]:
    ok = isinstance(value, list | tuple) and len(value) >= 2
    if ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value[:2]):
        lon, lat = float(value[0]), float(value[1])
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            return lon, lat
    raise GeometryError(f"{where}: a position must be [longitude, latitude] in degrees")


def _ring(value: Any, where: str) -> Ring:
    if not isinstance(value, list) or len(value) < 4:
        raise GeometryError(f"{where} needs at least 4 positions, the last repeating the first")
    ring = [_position(p, f"{where}, point {n}") for n, p in enumerate(value, 1)]
    if ring[0] != ring[-1]:
        raise GeometryError(
            f"{where} does not close: it starts at {list(ring[0])} and ends at "
            f"{list(ring[-1])}; repeat the first point at the end"
        )
    if signed_area2(ring) == 0:
        raise GeometryError(f"{where} encloses no area")
    return ring


def _polygon(value: Any, where: str) -> Polygon:
    if not isinstance(value, list) or not value:
        raise GeometryError(f"{where} has no rings")
    return [_ring(r, f"{where}, ring {n}") for n, r in enumerate(value, 1)]


def parse(geometry: Any) -> list[Polygon]:
    """The polygons of a Polygon, MultiPolygon or a Feature holding one; else 422."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        return [_polygon(coordinates, "the polygon")]
    if kind == "MultiPolygon" and isinstance(coordinates, list) and coordinates:
        return [_polygon(p, f"polygon {n}") for n, p in enumerate(coordinates, 1)]
    raise GeometryError("the outline must be a GeoJSON Polygon or MultiPolygon")


def _wound(ring: Ring, counter_clockwise: bool) -> list[list[float]]:
    keep = (signed_area2(ring) > 0) == counter_clockwise
    return [[x, y] for x, y in (ring if keep else ring[::-1])]


def to_geojson(polygons: list[Polygon], *, d3: bool = False) -> dict[str, Any]:
    """A MultiPolygon wound as RFC 7946 says, or the other way round for d3-geo."""
    coordinates = [
        [_wound(ring, (n == 0) != d3) for n, ring in enumerate(polygon)] for polygon in polygons
    ]
    return {"type": "MultiPolygon", "coordinates": coordinates}


def for_d3(geometry: dict[str, Any]) -> dict[str, Any]:
    return to_geojson(parse(geometry), d3=True)


def vertices(polygons: list[Polygon]) -> list[tuple[float, float]]:
    return [point for polygon in polygons for ring in polygon for point in ring]


def seat_box(lat: float, lon: float, half_km: float) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a square ``half_km`` either side of the seat."""
    dlat = half_km / KM_PER_DEGREE
    dlon = half_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def touches(
    polygons: list[Polygon],
    outline: Any,
    seat: tuple[float, float] | None,
    half_km: float,
) -> bool | None:
    """Whether a vertex of the zone lies in the jurisdiction: in its outline when it has
    one, else in the box around its seat; None when it has neither (nothing to check)."""
    points = vertices(polygons)
    if outline:
        try:
            areas = parse(outline)
        except GeometryError:
            areas = []
        if areas:
            return any(in_polygon(x, y, area) for x, y in points for area in areas)
    if seat is None:
        return None
    west, south, east, north = seat_box(seat[0], seat[1], half_km)
    return any(west <= x <= east and south <= y <= north for x, y in points)
