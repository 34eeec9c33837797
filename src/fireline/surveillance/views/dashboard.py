"""The surveillance dashboard of the chosen jurisdiction: epicurve, Rt, growth, incidence
by child jurisdiction (table and map), and the open alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.surveillance.trends import service as trends
from fireline.surveillance.trends.headline import HeadlineRt, headline_rt
from fireline.surveillance.trends.outlook import Outlook, outlook, unreported
from fireline.surveillance.trends.schemas import GrowthRead, RtRead
from fireline.surveillance.views import alerts, charts
from fireline.surveillance.views.common import (
    COUNTED,
    PERIODS,
    actor_of,
    chosen_period,
    classification_names,
    disease_options,
    period_bounds,
    session_of,
)
from fireline.surveillance.views.outlook_chart import outlook_chart
from fireline.web.deps import Page, PageContext

router = APIRouter()
GROWTH_WINDOW = 14


@dataclass(frozen=True)
class Selection:
    """The disease and period the dashboard shows, and how to link to another place."""

    disease: str
    days: int
    start: date
    end: date
    rt_nowcast: bool = False  # Rt on nowcast-corrected counts (query ``rt=nowcast``)

    def href(self, code: str) -> str:
        asked = {"j": code, "disease": self.disease, "days": self.days}
        return "/surveillance?" + urlencode(asked | ({"rt": "nowcast"} if self.rt_nowcast else {}))


@dataclass(frozen=True)
class ChildRow:
    place: Jurisdiction
    cases: int
    incidence: float | None
    href: str


def _selection(page: Page, request: Request, diseases: list[tuple[str, str]]) -> Selection:
    asked = request.query_params.get("disease")
    codes = [code for code, _ in diseases]
    disease = asked if asked in codes else codes[0]
    days = chosen_period(request)
    start, end = period_bounds(page, days)
    # Anything but "nowcast" is the default (reported counts), never an error.
    return Selection(disease, days, start, end, request.query_params.get("rt") == "nowcast")


def child_rows(page: Page, chosen: Selection) -> list[ChildRow]:
    """Counted cases reported in the period and their incidence, per child jurisdiction."""
    counts = trends.cases_by_child(
        session_of(page),
        page.context.actor,
        COUNTED,
        disease=chosen.disease,
        reported=(chosen.start, chosen.end),
    )
    return [
        ChildRow(
            place,
            n,
            n * 100_000 / place.population if place.population else None,
            chosen.href(place.code),
        )
        for place, n in counts
    ]


def _rt(page: Page, chosen: Selection, ahead: Outlook | None) -> RtRead | None:
    try:
        return trends.rt(
            session_of(page),
            actor_of(page),
            page.here.code,
            chosen.disease,
            chosen.start,
            chosen.end,
            page.context.profiles,
            unreported(ahead) if chosen.rt_nowcast else None,
        )
    except Problem:  # no profile for the disease, or too short a period
        return None


def _headline(page: Page, chosen: Selection, ahead: Outlook | None) -> HeadlineRt | None:
    """The headline Rt (the one definition, trends.headline): the last complete window,
    or the nowcast-corrected last window when the page shows Rt on the nowcast."""
    try:
        return headline_rt(
            session_of(page),
            actor_of(page),
            page.here.code,
            chosen.disease,
            chosen.end,
            page.context.profiles,
            nowcast=ahead if chosen.rt_nowcast else None,
        )
    except Problem:  # no profile for the disease
        return None


def _rt_links(chosen: Selection, code: str) -> dict[str, str]:
    """The Rt panel's toggle: the same page with Rt on reported or nowcast counts."""
    base = {"j": code, "disease": chosen.disease, "days": chosen.days}
    return {
        "reported": "/surveillance?" + urlencode(base),
        "nowcast": "/surveillance?" + urlencode(base | {"rt": "nowcast"}),
    }


def _chart_text(page: Page) -> dict[str, str]:
    g = page.gettext
    return {
        "x": g("Date of report"),
        "y": g("Cases"),
        "mean": g("Mean"),
        "incomplete": g("Incomplete: onsets of these days are still being reported"),
        "incidence": g("Incidence per 100,000"),
        "cases": g("Cases"),
        "name": g("Jurisdiction"),
    }


def _outlook_text(page: Page) -> dict[str, str]:
    g = page.gettext
    return {
        "x": g("Date of onset"),
        "y": g("Cases"),
        "reported": g("Reported by today"),
        "nowcast": g("Nowcast"),
        "forecast": g("Forecast"),
    }


def _specs(
    page: Page,
    chosen: Selection,
    rows: list[dict[str, Any]],
    rt: RtRead | None,
    children: list[ChildRow],
    headline: HeadlineRt | None,
) -> dict[str, Any]:
    text = _chart_text(page)
    labels = classification_names(page, chosen.disease)
    specs: dict[str, Any] = {
        "epicurve": charts.epicurve(rows, labels, chosen.start, chosen.end, text),
        "rt": None,
        "map": None,
    }
    if rt is not None and rt.windows:
        windows = [
            {"date": w.date_end.isoformat(), "mean": w.mean, "lower": w.lower, "upper": w.upper}
            for w in rt.windows
        ]
        onset_text = {**text, "x": page.gettext("Date of onset (end of 7-day window)")}
        # The days the headline leaves out as incomplete (one rule for both).
        shade_from = headline.incomplete_from if headline else None
        if rt.nowcast_days:  # the shaded days are now the nowcast-corrected ones
            shade_from = chosen.end - timedelta(days=rt.nowcast_days - 1)
            onset_text["incomplete"] = page.gettext(
                "Nowcast: counts of these onset days include cases not yet reported"
            )
        specs["rt"] = charts.rt_chart(windows, chosen.start, chosen.end, shade_from, onset_text)
    specs["map"] = charts.incidence_map(
        [
            {
                "name": c.place.name(page.language),
                "lat": c.place.lat,
                "lon": c.place.lon,
                "geometry": c.place.geometry,
                "cases": c.cases,
                "incidence": round(c.incidence, 2) if c.incidence is not None else 0,
                "href": c.href,
            }
            for c in children
        ],
        text,
    )
    return specs


@router.get("/surveillance")
def dashboard(page: PageContext, request: Request) -> Response:
    session, actor = session_of(page), actor_of(page)
    diseases = disease_options(page)
    chosen = _selection(page, request, diseases)
    epi = trends.epicurve(session, actor, page.here.code, chosen.disease, chosen.start, chosen.end)
    rows = [
        {"date": r.date.isoformat(), "classification": r.classification, "cases": r.cases}
        for r in epi
    ]
    totals: dict[str, int] = {}
    for r in epi:
        totals[r.classification] = totals.get(r.classification, 0) + r.cases
    ahead = outlook(
        session, actor, page.here.code, chosen.disease, chosen.end, page.context.profiles
    )
    rt = _rt(page, chosen, ahead)
    headline = _headline(page, chosen, ahead)
    growth: GrowthRead = trends.growth(
        session, actor, page.here.code, chosen.disease, chosen.end, GROWTH_WINDOW
    )
    children = child_rows(page, chosen)
    return page.render(
        "surveillance/dashboard.html",
        nav="surveillance",
        subnav="dashboard",
        today=page.today(),
        diseases=diseases,
        chosen=chosen,
        periods=PERIODS,
        totals=totals,
        headline=headline,
        rt=rt,
        growth=growth,
        children=children,
        trail=page.breadcrumb(),
        specs=_specs(page, chosen, rows, rt, children, headline),
        rt_links=_rt_links(chosen, page.here.code),
        outlook=ahead,
        outlook_spec=outlook_chart(ahead, _outlook_text(page)) if ahead else None,
        alerts=alerts.open_alerts(page),
        can_decide=actor.can("cases:write"),
    )
