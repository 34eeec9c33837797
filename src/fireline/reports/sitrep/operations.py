"""The report's operational figures, each from the service its page uses: alerts
(surveillance.signals), 7-1-7 and overdue tasks (the league table,
:func:`fireline.response.league.response_indicators`), follow-up (the quarantine due list's
:func:`fireline.quarantine.duelist.summary`), screening rounds
(:func:`fireline.testing.pooling.rounds.progress`), zones and their next step
(:func:`fireline.zones.status.status`) and beds (:func:`fireline.care.bedoutlook.bed_outlook`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.care.bedoutlook import WardForecast, bed_outlook
from fireline.care.occupancy import census
from fireline.context import Context
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.quarantine import duelist
from fireline.quarantine.settings import QuarantineSettings
from fireline.reports.sitrep.schemas import (
    AlertFigures,
    BedFigure,
    CountyResponse,
    FollowUp,
    Place,
    ScreeningFigure,
    ZoneFigure,
)
from fireline.response.league import response_indicators
from fireline.surveillance.signals.models import Alert
from fireline.testing.pooling.lists import list_campaigns
from fireline.testing.pooling.rounds import progress
from fireline.zones.levels import load_levels
from fireline.zones.service import list_zones
from fireline.zones.status import status

RESPONSE_DAYS = 7  # the league table's default period: the week to the report date
MAX_CAMPAIGNS = 50


@dataclass(frozen=True)
class WardChart:
    forecast: WardForecast


@dataclass(frozen=True)
class Operations:
    figures: dict[str, Any]
    wards: list[WardChart]


def _place(j: Jurisdiction) -> Place:
    return Place(code=j.code, name_en=j.name_en, name_zh=j.name_zh, level=j.level)


def _local_day(place: Jurisdiction, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(place.timezone)
    start = datetime.combine(day, time(), zone).astimezone(UTC)
    return start, start + timedelta(days=1)


def alerts(session: Session, context: Context, place: Jurisdiction, day: date) -> AlertFigures:
    """Alerts raised for ``day`` (their signal date) and alerts decided during it."""
    actor = context.actor
    opened = select(func.count()).select_from(Alert).where(Alert.signal_date == day)
    start, end = _local_day(place, day)
    closed = (
        select(func.count())
        .select_from(Alert)
        .where(Alert.decided_at >= start, Alert.decided_at < end)
    )
    return AlertFigures(
        opened=int(session.scalar(actor.restrict(opened, Alert)) or 0),
        closed=int(session.scalar(actor.restrict(closed, Alert)) or 0),
    )


def responses(
    session: Session, context: Context, place: Jurisdiction, day: date
) -> tuple[date, list[CountyResponse], int]:
    """Each county's 7-1-7 shares and overdue tasks, as the league table counts them
    (:func:`fireline.response.league.response_indicators`); a county with nothing to
    count is left out of the list and counted instead."""
    start = day - timedelta(days=RESPONSE_DAYS - 1)
    counties, counts = response_indicators(
        session, place, start, day, context.now(), level="county"
    )
    rows, quiet = [], 0
    for county in counties:
        cell = {key: counts[key].get(county.id, (0, 0)) for key in counts}
        figure = CountyResponse(
            place=_place(county),
            detect_met=cell["detect_7d"][0],
            detect_total=cell["detect_7d"][1],
            notify_met=cell["notify_1d"][0],
            notify_total=cell["notify_1d"][1],
            respond_met=cell["respond_7d"][0],
            respond_total=cell["respond_7d"][1],
            overdue_tasks=cell["overdue_tasks"][0],
        )
        busy = figure.detect_total + figure.notify_total + figure.respond_total
        if busy or figure.overdue_tasks:
            rows.append(figure)
        else:
            quiet += 1
    return start, rows, quiet


def follow_up(session: Session, context: Context, place: Jurisdiction, day: date) -> FollowUp:
    hours = QuarantineSettings().non_reporting_hours
    found = duelist.summary(session, context.actor, place, duelist.flags(day, context.now(), hours))
    return FollowUp(
        under_follow_up=found.active,
        not_contacted=found.to_contact,
        non_reporting=found.non_reporting,
        symptomatic=found.symptomatic,
        test_due=found.test_due,
    )


def screening(session: Session, context: Context, day: date) -> list[ScreeningFigure]:
    """Active campaigns started by ``day`` and their current round's progress."""
    query = ListQuery(filters={"status": "active"}, limit=MAX_CAMPAIGNS)
    found, _ = list_campaigns(session, context, query)
    out = []
    for campaign, where in found:
        if campaign.starts_on > day:
            continue
        now = progress(session, campaign)
        out.append(
            ScreeningFigure(
                campaign_id=campaign.id,
                name=campaign.name,
                place=_place(where),
                round_no=now.round_no,
                pools=now.pools,
                resulted_pools=now.resulted_pools,
                sampled=now.sampled,
                retests_open=now.retests_open,
            )
        )
    return out


def zones(session: Session, context: Context, place: Jurisdiction, day: date) -> list[ZoneFigure]:
    """Active zones with the first day of their next step, and zones lifted on ``day``."""
    levels = load_levels()
    out = []
    for zone in list_zones(session, context.actor, place):
        if zone.status != "active" and zone.lifted_on != day:
            continue
        computed = status(session, zone, levels, day)
        out.append(
            ZoneFigure(
                zone_id=zone.id,
                name=zone.name,
                level=zone.level,
                status=zone.status,
                next_level=computed.next_level if computed else None,
                earliest_step=computed.earliest if computed else None,
                lifted_on=zone.lifted_on,
            )
        )
    return out


def _at(forecast: WardForecast, day: date, field: str) -> float | None:
    found = next((d for d in forecast.days if d.day == day), None)
    return round(float(getattr(found, field)), 1) if found is not None else None


def beds(
    session: Session, context: Context, place: Jurisdiction, day: date, disease: str
) -> tuple[list[BedFigure], list[WardChart]]:
    """Beds occupied and capacity per bed group, with the care page's 14-day forecast
    where it exists (the median at 7 and 14 days, the upper 90% bound at 14)."""
    ahead = bed_outlook(session, context.actor, place, disease, day, context.profiles)
    if ahead is not None:
        figures = [
            BedFigure(
                kind=w.ward.kind,
                occupied=w.open_now,
                capacity=w.capacity,
                median_day_7=_at(w, day + timedelta(days=7), "median"),
                median_day_14=_at(w, day + timedelta(days=14), "median"),
                upper90_day_14=_at(w, day + timedelta(days=14), "upper90"),
                runs_out=w.runs_out,
            )
            for w in ahead.wards
        ]
        return figures, [WardChart(w) for w in ahead.wards]
    # No forecast (no profile shares, too few cases): the care page's census, by bed type.
    found = census(session, context.actor.within(place))
    figures = [
        BedFigure(
            kind=b.bed_type,
            occupied=b.occupied,
            capacity=b.beds,
            median_day_7=None,
            median_day_14=None,
            upper90_day_14=None,
            runs_out=None,
        )
        for b in found.by_type
    ]
    return figures, []


def gather(
    session: Session, context: Context, place: Jurisdiction, day: date, disease: str
) -> Operations:
    since, counties, quiet = responses(session, context, place, day)
    bed_figures, charts = beds(session, context, place, day, disease)
    figures = {
        "alerts": alerts(session, context, place, day),
        "responses_from": since,
        "responses": counties,
        "counties_without_responses": quiet,
        "follow_up": follow_up(session, context, place, day),
        "screening": screening(session, context, day),
        "zones": zones(session, context, place, day),
        "beds": bed_figures,
    }
    return Operations(figures, charts)
