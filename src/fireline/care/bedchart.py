"""Vega-Lite spec of one bed forecast: median line, 50% and 90% bands, and capacity as a
rule. The axis follows the demand; capacity is drawn only when it fits on that axis
(within twice the upper 90% bound), so a handful of beds is never flattened against a
capacity of thousands; the page states the capacity in words either way."""

from __future__ import annotations

from typing import Any

from fireline.care.bedoutlook import WardForecast

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
BAND90, BAND50, MEDIAN, CAPACITY = "#b2ddff", "#53b1fd", "#1570ef", "#d92d20"
ROOM = 2.0  # capacity is drawn when at most this many times the highest upper bound


def capacity_drawn(forecast: WardForecast) -> bool:
    top = max((d.upper90 for d in forecast.days), default=0.0)
    return 0 < forecast.capacity <= ROOM * max(top, 1.0)


def bed_chart(forecast: WardForecast, text: dict[str, str]) -> dict[str, Any]:
    """The chart of one bed group; ``text`` holds the translated axis and legend labels."""
    labels = [text["band90"], text["band50"], text["median"]]
    colours = [BAND90, BAND50, MEDIAN]
    if capacity_drawn(forecast):
        labels.append(text["capacity"])
        colours.append(CAPACITY)
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": labels, "range": colours},
        "legend": {"orient": "top", "symbolType": "square"},
    }
    x = {
        "field": "date",
        "type": "temporal",
        "title": text["x"],
        "axis": {"format": "%m-%d", "labelAngle": 0, "tickCount": 7, "grid": False},
    }
    y = {"type": "quantitative", "title": text["y"], "scale": {"zero": True, "nice": True}}
    rows = []
    for d in forecast.days:
        day = d.day.isoformat()
        rows.append({"date": day, "series": text["band90"], "lo": d.lower90, "hi": d.upper90})
        rows.append({"date": day, "series": text["band50"], "lo": d.lower50, "hi": d.upper50})
        rows.append({"date": day, "series": text["median"], "lo": d.median, "hi": d.median})

    def only(label: str) -> dict[str, str]:
        return {"filter": f"datum.series == '{label}'"}

    layers: list[dict[str, Any]] = [
        {
            "transform": [only(text[name])],  # the 90% band first, the 50% band over it
            "mark": {"type": "area", "tooltip": True},
            "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"}, "color": colour},
        }
        for name in ("band90", "band50")
    ]
    layers += [
        {
            "transform": [only(text["median"])],
            "mark": {"type": "line", "point": True, "tooltip": True},
            "encoding": {"x": x, "y": {**y, "field": "lo"}, "color": colour},
        },
    ]
    if capacity_drawn(forecast):
        layers.append(
            {
                "data": {"values": [{"beds": forecast.capacity, "series": text["capacity"]}]},
                "mark": {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2},
                "encoding": {"y": {**y, "field": "beds"}, "color": colour},
            }
        )
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 200,
        "data": {"values": rows},
        "layer": layers,
    }
