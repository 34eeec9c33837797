"""Vega-Lite specifications for the surveillance dashboard, with their data inline.

The data travel inside the spec: the page is computed once per request, so the
charts need no further round trip and show exactly the figures of the tables.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from fireline.web.charts import CONFIG, SCHEMA

# Fixed order and colours, so a classification keeps its colour when others are absent.
EPICURVE_CLASSES: Final = (
    ("confirmed", "#b42318"),
    ("probable", "#7a5af8"),
    ("suspected", "#f79009"),
)


def _day_axis(start: date, end: date, title: str) -> dict[str, Any]:
    return {
        "field": "date",
        "type": "temporal",
        "title": title,
        "scale": {"domain": [start.isoformat(), (end + timedelta(days=1)).isoformat()]},
        "axis": {"format": "%m-%d", "labelAngle": 0, "tickCount": 8, "grid": False},
    }


def epicurve(
    rows: list[dict[str, Any]], labels: dict[str, str], start: date, end: date, text: dict[str, str]
) -> dict[str, Any]:
    """Stacked daily bars by classification; ``rows`` are {date, classification, cases}."""
    values = [{**r, "label": labels.get(r["classification"], r["classification"])} for r in rows]
    shown = [c for c, _ in EPICURVE_CLASSES]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 230,
        "data": {"values": values},
        "transform": [{"filter": {"field": "classification", "oneOf": shown}}],
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {**_day_axis(start, end, text["x"]), "timeUnit": "yearmonthdate"},
            "y": {
                "field": "cases",
                "type": "quantitative",
                "aggregate": "sum",
                "title": text["y"],
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [labels.get(c, c) for c in shown],
                    "range": [colour for _, colour in EPICURVE_CLASSES],
                },
                "legend": {"orient": "top"},
            },
            "order": {"field": "classification"},
        },
        "config": CONFIG,
    }


def rt_chart(
    windows: list[dict[str, Any]],
    start: date,
    end: date,
    incomplete_from: date | None,
    text: dict[str, str],
) -> dict[str, Any]:
    """Rt's mean as a line over its credible-interval ribbon, a rule at 1, and the
    recent days (incomplete by onset) shaded.

    The y axis stops at 4 (or below): the first windows of a wave, built on a handful
    of cases, have huge intervals that would flatten everything that matters near 1.
    """
    x = _day_axis(start, end, text["x"])
    top = max(2.0, min(4.0, max((w["upper"] for w in windows), default=2.0)))
    y = {
        "field": "lower",
        "type": "quantitative",
        "title": "Rt",
        "scale": {"domain": [0, round(top, 1)], "clamp": True},
    }
    layers: list[dict[str, Any]] = []
    if incomplete_from is not None:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "from": incomplete_from.isoformat(),
                            "to": (end + timedelta(days=1)).isoformat(),
                            "note": text["incomplete"],
                        }
                    ]
                },
                "mark": {"type": "rect", "color": "#98a2b3", "opacity": 0.18, "tooltip": True},
                "encoding": {
                    "x": {"field": "from", "type": "temporal"},
                    "x2": {"field": "to"},
                    "tooltip": {"field": "note"},
                },
            }
        )
    layers += [
        {
            "mark": {"type": "area", "color": "#1d5fa8", "opacity": 0.22, "clip": True},
            "encoding": {"x": x, "y": y, "y2": {"field": "upper"}},
        },
        {
            "mark": {
                "type": "line",
                "color": "#0f2f4f",
                "strokeWidth": 2,
                "clip": True,
                "point": {"size": 14, "filled": True},
                "tooltip": True,
            },
            "encoding": {
                "x": x,
                "y": {"field": "mean", "type": "quantitative"},
                "tooltip": [
                    {"field": "date", "type": "temporal", "title": text["x"], "format": "%Y-%m-%d"},
                    {
                        "field": "mean",
                        "type": "quantitative",
                        "title": text["mean"],
                        "format": ".2f",
                    },
                    {"field": "lower", "type": "quantitative", "title": "2.5%", "format": ".2f"},
                    {"field": "upper", "type": "quantitative", "title": "97.5%", "format": ".2f"},
                ],
            },
        },
        {
            "data": {"values": [{"one": 1}]},
            "mark": {"type": "rule", "color": "#b42318", "strokeDash": [5, 4]},
            "encoding": {"y": {"field": "one", "type": "quantitative"}},
        },
    ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 230,
        "data": {"values": windows},
        "layer": layers,
        "config": CONFIG,
    }


def incidence_map(children: list[dict[str, Any]], text: dict[str, str]) -> dict[str, Any] | None:
    """Circles at the children's seats sized by cases and coloured by incidence per
    100,000, over their shaded areas where a geometry is known; a click drills down.

    No tile server is reachable from a health department's network, so the map is
    drawn from the jurisdictions' own coordinates and outlines.
    """
    placed = [c for c in children if c["lat"] is not None and c["lon"] is not None]
    if len(placed) < 2:
        return None  # one point gives the projection nothing to fit
    colour = {
        "field": "incidence",
        "type": "quantitative",
        "title": text["incidence"],
        "scale": {"scheme": "orangered", "zero": True},
    }
    tooltip = [
        {"field": "name", "title": text["name"]},
        {"field": "cases", "title": text["cases"]},
        {"field": "incidence", "title": text["incidence"], "format": ".2f"},
    ]
    layers: list[dict[str, Any]] = []
    shapes = [_feature(c) for c in children if c.get("geometry")]
    if shapes:
        layers.append(
            {
                "data": {"values": shapes, "format": {"type": "json"}},
                "mark": {
                    "type": "geoshape",
                    "stroke": "#ffffff",
                    "strokeWidth": 0.8,
                    "cursor": "pointer",
                    "opacity": 0.55,
                },
                "encoding": {
                    "color": {**colour, "field": "properties.incidence"},
                    "href": {"field": "properties.href"},
                },
            }
        )
    layers += [
        {
            "mark": {
                "type": "circle",
                "stroke": "#1b2430",
                "strokeWidth": 0.6,
                "opacity": 0.9,
                "cursor": "pointer",
                "tooltip": True,
            },
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "size": {
                    "field": "cases",
                    "type": "quantitative",
                    "title": text["cases"],
                    "scale": {"range": [40, 1400], "zero": True},
                },
                "color": colour,
                "href": {"field": "href"},
                "tooltip": tooltip,
            },
        },
        {
            "mark": {"type": "text", "dy": -12, "fontSize": 10, "color": "#344054"},
            "encoding": {
                "longitude": {"field": "lon", "type": "quantitative"},
                "latitude": {"field": "lat", "type": "quantitative"},
                "text": {"field": "name"},
            },
        },
    ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 320,
        "projection": {"type": "mercator"},
        "data": {"values": placed},
        "layer": layers,
        "config": {**CONFIG, "legend": {"orient": "bottom", "direction": "horizontal"}},
    }


def _feature(child: dict[str, Any]) -> dict[str, Any]:
    geometry = child["geometry"]
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry", {})
    properties = {k: child[k] for k in ("name", "cases", "incidence", "href")}
    return {"type": "Feature", "geometry": geometry, "properties": properties}
