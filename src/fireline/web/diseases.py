"""The disease-profile pages: ``/diseases`` lists the profiles in force and
``/diseases/{code}`` shows one as a reader needs it: incubation and serial interval
(with their curves), case definitions with their criteria, contacts, release rules,
the playbook's tasks and deadlines, codes, and the source of every value.

Profiles are data the deployment loads (docs/architecture.md, "Disease profiles"), the
same for every user: no personal data, nothing to scope or audit.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.diseases.reading import Curve, delay_curves
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.web.charts import CONFIG, SCHEMA
from fireline.web.deps import Page, PageContext

router = APIRouter()

COLOURS: Final = {"incubation": "#1f6feb", "serial_interval": "#b42318"}


def _profiles(page: Page) -> dict[str, DiseaseProfile]:
    return dict(sorted(page.context.profiles.items()))


@router.get("/diseases")
def diseases_page(page: PageContext) -> Response:
    return page.render(
        "web/diseases.html",
        nav="surveillance",
        today=page.today(),
        profiles=list(_profiles(page).values()),
    )


@router.get("/diseases/{code}")
def disease_page(code: str, page: PageContext) -> Response:
    profile = _profiles(page).get(code)
    if profile is None:
        raise NotFound(f"disease profile {code}")
    return page.render(
        "web/disease.html",
        nav="surveillance",
        today=page.today(),
        profile=profile,
        numbers={key: n for n, key in enumerate(profile.sources, 1)},
        spec=delay_chart(delay_curves(profile), _chart_text(page)),
        tasks=profile.playbook.ordered(),
    )


def _chart_text(page: Page) -> dict[str, str]:
    return {
        "x": page.gettext("Days"),
        "y": page.gettext("Density"),
        "incubation": page.gettext("Incubation period"),
        "serial_interval": page.gettext("Serial interval"),
    }


def delay_chart(curves: list[Curve], text: dict[str, str]) -> dict[str, Any]:
    """The delays' densities as lines over days, one colour each, the legend on top."""
    values = [
        {"day": day, "density": density, "what": text[curve.what]}
        for curve in curves
        for day, density in zip(curve.days, curve.density, strict=True)
    ]
    return {
        "$schema": SCHEMA,
        "width": "container",
        "height": 180,
        "data": {"values": values},
        "mark": {"type": "line", "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "day",
                "type": "quantitative",
                "title": text["x"],
                "axis": {"tickMinStep": 1, "format": "d", "grid": False},
            },
            "y": {
                "field": "density",
                "type": "quantitative",
                "title": text["y"],
                "axis": {"labels": False, "ticks": False, "grid": False},
            },
            "color": {
                "field": "what",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [text[c.what] for c in curves],
                    "range": [COLOURS[c.what] for c in curves],
                },
                "legend": {"orient": "top"},
            },
        },
        "config": CONFIG,
    }
