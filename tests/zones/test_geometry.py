"""Outline checks: closing rings, winding, point in polygon, the seat box."""

from __future__ import annotations

import pytest

from fireline.zones import geometry
from tests.zones.factories import square


def test_shoelace_area_and_orientation() -> None:
    ring = square(size=2)["coordinates"][0]
    ring = [(x - 120, y - 30) for x, y in ring]
    assert geometry.signed_area2(ring) == pytest.approx(8.0)  # 2 x 4, counter-clockwise
    assert geometry.signed_area2(ring[::-1]) == pytest.approx(-8.0)


def test_point_in_polygon_respects_holes() -> None:
    outer = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    hole = [(1.0, 1.0), (1.0, 3.0), (3.0, 3.0), (3.0, 1.0), (1.0, 1.0)]
    assert geometry.in_polygon(0.5, 0.5, [outer, hole])
    assert not geometry.in_polygon(2.0, 2.0, [outer, hole])
    assert not geometry.in_polygon(5.0, 2.0, [outer])


def test_an_open_ring_is_refused_with_its_ends() -> None:
    ring = [*square()["coordinates"][0][:-1], [120.005, 30.0]]
    with pytest.raises(geometry.GeometryError) as caught:
        geometry.parse({"type": "Polygon", "coordinates": [ring]})
    assert "does not close" in caught.value.detail and "120.005" in caught.value.detail


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Point", "coordinates": [120, 30]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [120, 30]]]},
        {"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [122, 30], [120, 30]]]},
        {"type": "Polygon", "coordinates": [[[120, 30], [500, 30], [121, 31], [120, 30]]]},
        {"type": "MultiPolygon", "coordinates": "x"},
    ],
)
def test_broken_outlines_are_refused(bad: object) -> None:
    with pytest.raises(geometry.GeometryError):
        geometry.parse(bad)


def test_winding_follows_rfc_7946_and_d3_gets_the_reverse() -> None:
    clockwise = square()["coordinates"][0][::-1]
    stored = geometry.to_geojson(geometry.parse({"type": "Polygon", "coordinates": [clockwise]}))
    assert geometry.signed_area2([tuple(p) for p in stored["coordinates"][0][0]]) > 0
    drawn = geometry.for_d3(stored)
    assert geometry.signed_area2([tuple(p) for p in drawn["coordinates"][0][0]]) < 0


def test_touches_the_outline_or_else_the_seat_box() -> None:
    zone = geometry.parse(square(120.0, 30.0))
    county = square(119.9, 29.9, 0.5)
    assert geometry.touches(zone, county, None, 50) is True
    assert geometry.touches(geometry.parse(square(125.0, 35.0)), county, None, 50) is False
    assert geometry.touches(zone, None, (30.2, 120.2), 50) is True  # about 25 km away
    assert geometry.touches(zone, None, (31.0, 121.0), 50) is False  # about 140 km away
    assert geometry.touches(zone, None, None, 50) is None
