"""Every child jurisdiction side by side (the county matrix): one row per child of a
jurisdiction, one grouped query (or one shared function) per figure, never one per child.

The figures that other pages show come from the functions those pages use:
confirmed cases and incidence from the overview (:func:`reports.service.child_counts`),
new cases from the dashboard's :func:`trends.service.cases_by_child`, people under
quarantine from the overview's rule, overdue tasks from the league table, open alerts
as the alert list filters them, Rt from :func:`trends.headline.headline_rt_by_child`
(the headline Rt's one definition) and growth from :func:`trends.service.growth_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

import numpy as np
from pydantic import BaseModel
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from fireline.auth.scope import Actor
from fireline.bounds import Int64
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.jurisdictions.service import counts_by_child
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.reports.service import child_counts, quarantine_by_child
from fireline.response.league import overdue_by_child
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.trends.headline import (
    HeadlineRt,
    daily_counts_by_child,
    headline_rt_by_child,
)
from fireline.surveillance.trends.service import cases_by_child, growth_of

SPARK_DAYS: Final = 28
GROWTH_WINDOW: Final = 14  # the dashboard's
POSITIVITY_DAYS: Final = 7
# Sortable columns, in the order shown; "name" sorts by the code's tree order.
COLUMNS: Final = (
    "name",
    "population",
    "confirmed",
    "incidence",
    "new_yesterday",
    "last_7_days",
    "change_7_days",
    "rt",
    "growth_rate",
    "open_alerts",
    "overdue_tasks",
    "under_quarantine",
    "positivity",
)


class MatrixRow(BaseModel):
    """One child jurisdiction's figures for one disease (see docs/surveillance-pages.md)."""

    code: str
    name_en: str
    name_zh: str
    population: Int64 | None
    confirmed: Int64  # cumulative confirmed, as on the overview
    incidence: float | None  # cumulative confirmed per 100,000, as on the overview
    new_yesterday: Int64  # confirmed, reported yesterday
    last_7_days: Int64  # confirmed, reported in the 7 days to yesterday
    previous_7_days: Int64  # the 7 days before those
    change_7_days: float | None  # relative change (0.25 = +25%); None when before is 0
    rt: HeadlineRt | None  # None: no case by onset in the last 8 weeks
    growth_rate: float | None  # per day, confirmed and probable by report, 14 days
    open_alerts: Int64
    overdue_tasks: Int64
    under_quarantine: Int64
    tests: Int64  # positive and negative results in the last 7 days
    positivity: float | None  # positive share of those
    spark: list[Int64]  # confirmed and probable per report day, last 28 days


class Matrix(BaseModel):
    jurisdiction_code: str
    disease: str
    today: date
    sort: str
    descending: bool
    rows: list[MatrixRow]


def _children_paths(parent_id: int) -> Any:
    child, under = aliased(Jurisdiction), aliased(Jurisdiction)
    return (
        select(under.id.label("place_id"), child.id.label("child_id"))
        .join(under, (under.path >= child.path) & (under.path < child.path + "~"))
        .where(child.parent_id == parent_id)
        .subquery()
    )


def positivity_by_child(
    session: Session, parent_id: int, disease: str, since: datetime
) -> dict[int, tuple[int, int]]:
    """(positive, positive + negative) results since ``since`` per child, one query;
    inconclusive results are left out of the share, as WHO's test positivity does."""
    places = _children_paths(parent_id)
    statement = (
        select(
            places.c.child_id,
            func.sum(case((LabResult.outcome == "positive", 1), else_=0)),
            func.count(),
        )
        .select_from(LabResult)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(places, places.c.place_id == Sample.jurisdiction_id)
        .where(Sample.disease == disease, LabResult.resulted_at >= since)
        .where(LabResult.outcome.in_(("positive", "negative")))
        .group_by(places.c.child_id)
    )
    return {int(c): (int(p or 0), int(n)) for c, p, n in session.execute(statement)}


def _counts(here: Actor, session: Session, disease: str, first: date, last: date) -> dict[int, int]:
    found = cases_by_child(session, here, ("confirmed",), disease=disease, reported=(first, last))
    return {j.id: n for j, n in found}


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before else None


def matrix_rows(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    today: date,
    now: datetime,
    profiles: Mapping[str, DiseaseProfile],
) -> list[MatrixRow]:
    """The matrix of the children of ``code`` (in the actor's scope, else 404), by code."""
    if disease not in profiles:
        raise NotFound(f"disease profile {disease}")
    place = actor.jurisdiction(session, code)
    here = actor.within(place)
    yesterday = today - timedelta(days=1)
    new = _counts(here, session, disease, yesterday, yesterday)
    week = _counts(here, session, disease, today - timedelta(days=7), yesterday)
    before = _counts(here, session, disease, today - timedelta(days=14), today - timedelta(8))
    rts = headline_rt_by_child(session, here, disease, today, profiles)
    first = today - timedelta(days=SPARK_DAYS - 1)
    daily = daily_counts_by_child(session, here, disease, first, today, by_onset=False)
    alerts = counts_by_child(
        session, here, place.id, Alert, Alert.status == "open", Alert.disease == disease
    )
    open_alerts = {j.id: n for j, n in alerts}
    overdue = overdue_by_child(session, place, now)
    quarantine = quarantine_by_child(session, actor, code)
    since = now - timedelta(days=POSITIVITY_DAYS)
    tested = positivity_by_child(session, place.id, disease, since)
    ids = {j.code: j.id for j, _ in alerts}
    rows = []
    for c in child_counts(session, actor, code, disease=disease):
        i = ids[c.code]
        local, imported = daily.get(i, (np.zeros(SPARK_DAYS), np.zeros(SPARK_DAYS)))
        series = local + imported
        growth = growth_of(series[-GROWTH_WINDOW:], disease, today, GROWTH_WINDOW)
        positive, results = tested.get(i, (0, 0))
        rows.append(
            MatrixRow(
                code=c.code,
                name_en=c.name_en,
                name_zh=c.name_zh,
                population=c.population,
                confirmed=c.confirmed,
                incidence=c.incidence_per_100k,
                new_yesterday=new.get(i, 0),
                last_7_days=week.get(i, 0),
                previous_7_days=before.get(i, 0),
                change_7_days=_change(week.get(i, 0), before.get(i, 0)),
                rt=rts.get(i),
                growth_rate=growth.growth_rate,
                open_alerts=open_alerts.get(i, 0),
                overdue_tasks=overdue.get(i, 0),
                under_quarantine=quarantine.get(i, 0),
                tests=results,
                positivity=positive / results if results else None,
                spark=[int(n) for n in series],
            )
        )
    return rows


def _key(row: MatrixRow, column: str) -> Any:
    if column == "name":
        return row.code
    if column == "rt":
        return row.rt.mean if row.rt is not None else None
    value: Any = getattr(row, column)
    return value


def sort_rows(rows: list[MatrixRow], column: str, descending: bool) -> list[MatrixRow]:
    """Rows sorted on ``column``; rows without a value (a suppressed Rt, no tests) come
    last either way, so that "no figure" is never ranked as the best or the worst."""
    column = column if column in COLUMNS else "name"
    known = [r for r in rows if _key(r, column) is not None]
    unknown = [r for r in rows if _key(r, column) is None]
    known.sort(key=lambda r: (_key(r, column), r.code), reverse=descending)
    return known + sorted(unknown, key=lambda r: r.code)


def matrix(
    session: Session,
    actor: Actor,
    code: str,
    disease: str,
    today: date,
    now: datetime,
    profiles: Mapping[str, DiseaseProfile],
    *,
    sort: str = "name",
    descending: bool = False,
) -> Matrix:
    """The matrix of ``code``'s children, sorted (unknown ``sort``: by name)."""
    rows = matrix_rows(session, actor, code, disease, today, now, profiles)
    sort = sort if sort in COLUMNS else "name"
    return Matrix(
        jurisdiction_code=code,
        disease=disease,
        today=today,
        sort=sort,
        descending=descending,
        rows=sort_rows(rows, sort, descending),
    )
