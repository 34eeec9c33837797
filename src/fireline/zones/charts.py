"""The zone map: a Vega-Lite spec with its data inline.

Zone outlines are ``geoshape`` marks coloured by level (the deployment's colours);
the jurisdiction seats are points with their names. No tile server is reachable from
a health department's network, so the map is drawn from Fireline's own data only.
Outlines are rewound for d3-geo (see geometry.py).
"""

from __future__ import annotations

from typing import Any

from fireline.places.models import Jurisdiction
from fireline.web.charts import FONT, SCHEMA
from fireline.zones.geometry import GeometryError, for_d3
from fireline.zones.levels import Levels
from fireline.zones.models import Zone


def _features(zones: list[Zone], levels: Levels, language: str) -> list[dict[str, Any]]:
    features = []
    known = levels.codes
    # Lowest level first, so that a sealed compound is drawn over its precaution area.
    ranked = sorted(zones, key=lambda z: -known.index(z.level) if z.level in known else 1)
    for zone in ranked:
        if not zone.geometry or zone.status != "active":
            continue
        try:
            shape = for_d3(zone.geometry)
        except GeometryError:
            continue  # stored outlines were checked; an old bad row is left off the map
        level = levels.get(zone.level).name(language) if zone.level in levels.codes else zone.level
        features.append(
            {
                "type": "Feature",
                "geometry": shape,
                "properties": {"name": zone.name, "level": level, "href": f"/zones/{zone.id}"},
            }
        )
    return features


def zone_map(
    zones: list[Zone],
    seats: list[Jurisdiction],
    levels: Levels,
    language: str,
    title: str,
    zone_title: str,
) -> dict[str, Any] | None:
    """Outlines coloured by level over the seats; None when there is nothing to place.
    ``title`` names the level and ``zone_title`` the zone, in the page's language."""
    features = _features(zones, levels, language)
    points = [
        {"name": s.name(language), "lat": s.lat, "lon": s.lon}
        for s in seats
        if s.lat is not None and s.lon is not None
    ]
    if not features and len(points) < 2:
        return None
    colour = {
        "field": "properties.level",
        "type": "nominal",
        "title": title,
        "scale": {
            "domain": [lv.name(language) for lv in levels.levels],
            "range": [lv.colour for lv in levels.levels],
        },
    }
    layers: list[dict[str, Any]] = []
    if features:
        layers.append(
            {
                "data": {"values": features, "format": {"type": "json"}},
                "mark": {
                    "type": "geoshape",
                    "stroke": "#1b2430",
                    "strokeWidth": 0.8,
                    "opacity": 0.75,
                    "cursor": "pointer",
                    "tooltip": True,
                },
                "encoding": {
                    "color": colour,
                    "href": {"field": "properties.href"},
                    "tooltip": [
                        {"field": "properties.name", "title": zone_title},
                        {"field": "properties.level", "title": title},
                    ],
                },
            }
        )
    if points:
        where = {
            "longitude": {"field": "lon", "type": "quantitative"},
            "latitude": {"field": "lat", "type": "quantitative"},
        }
        layers += [
            {
                "data": {"values": points},
                "mark": {"type": "circle", "color": "#1d5fa8", "size": 40, "tooltip": True},
                "encoding": {**where, "tooltip": {"field": "name"}},
            },
            {
                "data": {"values": points},
                "mark": {"type": "text", "dy": -10, "fontSize": 10, "color": "#344054"},
                "encoding": {**where, "text": {"field": "name"}},
            },
        ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 360,
        "projection": {"type": "mercator"},
        "layer": layers,
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "legend": {"orient": "bottom", "direction": "horizontal"},
        },
    }
