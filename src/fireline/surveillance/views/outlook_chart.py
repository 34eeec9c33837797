"""Vega-Lite spec of the dashboard's onset chart: reported cases, the nowcast with its
95% interval for the last days, and the 14-day forecast with 50% and 90% bands."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fireline.surveillance.trends.outlook import Outlook
from fireline.web.charts import CONFIG, SCHEMA

REPORTED, NOWCAST, FORECAST = "#475467", "#f79009", "#1570ef"


def _x(title: str) -> dict[str, Any]:
    return {
        "field": "date",
        "type": "temporal",
        "title": title,
        "timeUnit": "yearmonthdate",
        "axis": {"format": "%m-%d", "labelAngle": 0, "tickCount": 8, "grid": False},
    }


def _rows(outlook: Outlook) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "date": d.day.isoformat(),
            "reported": d.reported,
            "nowcast": d.nowcast,
            "lower": d.lower,
            "upper": d.upper,
        }
        for d in outlook.days
    ]
    rows += [
        {
            "date": f.day.isoformat(),
            "median": f.median,
            "lower50": f.lower50,
            "upper50": f.upper50,
            "lower90": f.lower90,
            "upper90": f.upper90,
        }
        for f in outlook.forecast
    ]
    return rows


def outlook_chart(outlook: Outlook, text: dict[str, str]) -> dict[str, Any]:
    """Bars by onset (reported), nowcast bars with error rules, forecast bands and median."""
    x = _x(text["x"])
    y = {"type": "quantitative", "title": text["y"]}
    legend = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [text["reported"], text["nowcast"], text["forecast"]],
            "range": [REPORTED, NOWCAST, FORECAST],
        },
        "legend": {"orient": "top"},
    }
    has_nowcast = {"filter": "datum.nowcast != null"}
    has_forecast = {"filter": "datum.median != null"}
    layers: list[dict[str, Any]] = [
        {
            "transform": [has_nowcast, {"calculate": f"'{text['nowcast']}'", "as": "series"}],
            "mark": {"type": "bar", "opacity": 0.45, "tooltip": True},
            "encoding": {"x": x, "y": {**y, "field": "nowcast"}, "color": legend},
        },
        {
            "transform": [
                {"filter": "datum.reported != null"},
                {"calculate": f"'{text['reported']}'", "as": "series"},
            ],
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {"x": x, "y": {**y, "field": "reported"}, "color": legend},
        },
        {
            "transform": [has_nowcast],
            "mark": {"type": "rule", "color": NOWCAST, "strokeWidth": 1.5},
            "encoding": {"x": x, "y": {**y, "field": "lower"}, "y2": {"field": "upper"}},
        },
        {
            "transform": [has_forecast],
            "mark": {"type": "area", "color": FORECAST, "opacity": 0.15},
            "encoding": {"x": x, "y": {**y, "field": "lower90"}, "y2": {"field": "upper90"}},
        },
        {
            "transform": [has_forecast],
            "mark": {"type": "area", "color": FORECAST, "opacity": 0.3},
            "encoding": {"x": x, "y": {**y, "field": "lower50"}, "y2": {"field": "upper50"}},
        },
        {
            "transform": [has_forecast, {"calculate": f"'{text['forecast']}'", "as": "series"}],
            "mark": {"type": "line", "tooltip": True},
            "encoding": {"x": x, "y": {**y, "field": "median"}, "color": legend},
        },
    ]
    if outlook.days:
        today = outlook.days[-1].day + timedelta(days=1)
        layers.append(
            {
                "data": {"values": [{"date": today.isoformat()}]},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#98a2b3"},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            }
        )
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 230,
        "data": {"values": _rows(outlook)},
        "layer": layers,
        "config": CONFIG,
    }
