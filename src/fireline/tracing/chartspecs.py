"""Vega-Lite specs of the chain pages: the offspring distribution and the cluster timeline.

The offspring chart draws the observed cases per number of secondary cases as bars and
the fitted negative binomial (mean R, dispersion k; Lloyd-Smith et al. 2005,
doi:10.1038/nature04153) as points, so a reader sees what k describes. The timeline
draws each case at its onset date (a temporal axis), stacked by onset day, coloured by
classification with a legend, and every infector → infectee link as a line; its data
(the cluster's graph) is fetched by tracing.js from the graph API route and handed to
the chart as the named datasets ``cases`` and ``links``.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from scipy import stats

from fireline.tracing.schemas import ChainStats

SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v5.json"
FONT: Final = "system-ui, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
# The chain graph's fills (tracing.js), so a classification has one colour on both views.
CLASS_COLOURS: Final = (
    ("confirmed", "#c0392b"),
    ("probable", "#e67e22"),
    ("suspected", "#f1c40f"),
    ("discarded", "#95a5a6"),
)
OBSERVED, FITTED = "#1570ef", "#d92d20"


def fitted_counts(figures: ChainStats) -> list[float]:
    """Expected cases per offspring count under the fitted negative binomial (scipy's
    ``nbinom`` with n = k, p = k / (k + R)), or Poisson(R) when k is infinite."""
    top = max((b.offspring for b in figures.distribution), default=0)
    x = np.arange(top + 1)
    if figures.k is None:
        pmf = stats.poisson.pmf(x, figures.r)
    else:
        pmf = stats.nbinom.pmf(x, figures.k, figures.k / (figures.k + figures.r))
    return [round(float(v) * figures.cases, 3) for v in pmf]


def offspring_spec(figures: ChainStats, text: dict[str, str]) -> dict[str, Any]:
    """Bars of observed cases per offspring count, points of the fitted distribution."""
    observed = {b.offspring: b.cases for b in figures.distribution}
    rows = []
    for count, expected in enumerate(fitted_counts(figures)):
        seen = observed.get(count, 0)
        rows.append({"offspring": count, "series": text["observed"], "cases": seen})
        rows.append({"offspring": count, "series": text["fitted"], "cases": expected})
    colour = {
        "field": "series",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [text["observed"], text["fitted"]], "range": [OBSERVED, FITTED]},
        "legend": {"orient": "top"},
    }
    x = {
        "field": "offspring",
        "type": "ordinal",
        "title": text["x"],
        "axis": {"labelAngle": 0, "labelOverlap": "greedy"},
    }
    # A square-root axis: most cases infect no one, and on a linear axis the tail that k
    # is about (the few cases with many secondary cases) is too flat to see.
    y = {"field": "cases", "type": "quantitative", "title": text["y"], "scale": {"type": "sqrt"}}
    marks = (
        (text["observed"], {"type": "bar", "tooltip": True}),
        (text["fitted"], {"type": "point", "filled": True, "size": 50, "tooltip": True}),
    )
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 200,
        "data": {"values": rows},
        "layer": [
            {
                "transform": [{"filter": {"field": "series", "equal": series}}],
                "mark": mark,
                "encoding": {"x": x, "y": y, "color": colour},
            }
            for series, mark in marks
        ],
        "config": {"font": FONT, "view": {"stroke": None}},
    }


def timeline_spec(text: dict[str, str], classes: dict[str, str], cases: int) -> dict[str, Any]:
    """Cases by onset date (rows stacked within a day) and the links between them.

    ``classes`` names each classification in the page language; tracing.js supplies the
    datasets: ``cases`` (id, onset, row, classification, generation, url) and ``links``
    (from_onset, to_onset, from_row, to_row), cases without an onset left out. Dots
    shrink as the cluster grows, so a day's column of 80 cases stays readable."""
    x = {
        "field": "onset",
        "type": "temporal",
        "title": text["x"],
        "axis": {"format": "%m-%d", "labelAngle": 0, "grid": True},
    }
    y = {"field": "row", "type": "quantitative", "title": text["y"], "axis": {"tickMinStep": 1}}
    links = {
        "data": {"name": "links"},
        "mark": {"type": "rule", "color": "#98a2b3", "strokeWidth": 1, "opacity": 0.5},
        "encoding": {
            "x": {**x, "field": "from_onset"},
            "x2": {"field": "to_onset"},
            "y": {**y, "field": "from_row"},
            "y2": {"field": "to_row"},
        },
    }
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 360,
        "layer": [links, _case_dots(x, y, text, classes, cases)],
        "config": {"font": FONT, "view": {"stroke": None}},
    }


def _case_dots(
    x: dict[str, Any], y: dict[str, Any], text: dict[str, str], classes: dict[str, str], n: int
) -> dict[str, Any]:
    """The timeline's cases: one dot each, coloured by classification, a click opening it."""
    names = [{"code": c, "name": classes[c]} for c, _ in CLASS_COLOURS]
    colour = {
        "field": "name",
        "type": "nominal",
        "title": text["legend"],
        "scale": {
            "domain": [classes[c] for c, _ in CLASS_COLOURS],
            "range": [colour for _, colour in CLASS_COLOURS],
        },
        "legend": {"orient": "top"},
    }
    size = min(70.0, max(8.0, 30_000.0 / max(n, 1)))
    return {
        "data": {"name": "cases"},
        "transform": [
            {
                "lookup": "classification",
                "from": {"data": {"values": names}, "key": "code", "fields": ["name"]},
            }
        ],
        "mark": {"type": "point", "filled": True, "size": size, "opacity": 1, "cursor": "pointer"},
        "encoding": {
            "x": x,
            "y": y,
            "color": colour,
            "href": {"field": "url"},
            "tooltip": [
                {"field": "id", "type": "nominal", "title": text["case"]},
                {"field": "onset", "type": "temporal", "title": text["x"]},
                {"field": "generation", "type": "quantitative", "title": text["gen"]},
            ],
        },
    }
