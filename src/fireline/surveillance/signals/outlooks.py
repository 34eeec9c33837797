"""Nowcast and forecast of every jurisdiction, for the daily signal run.

One grouped query counts counted cases by (jurisdiction, onset, report) over the last
``HISTORY`` days; the reporting triangles are summed up the tree as the signal series
are (series.py), then every jurisdiction is nowcast and forecast in one vectorised
call each (the methods and constants of surveillance/trends/outlook.py: the stored
nowcast is the dashboard's to the case; the forecast's random draws differ, as one
series and all series at once draw different streams).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from fireline.analytics.forecast import forecast_cases
from fireline.analytics.nowcast import nowcast_lawless
from fireline.diseases.schemas import DiseaseProfile
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case
from fireline.surveillance.signals.models import OutlookDay
from fireline.surveillance.signals.series import SIGNAL_CLASSIFICATIONS, _roll_up
from fireline.surveillance.trends.outlook import (
    BANDS,
    HISTORY,
    HORIZON,
    MAX_DELAY,
    MIN_RECENT_CASES,
)


def _triangles(session: Session, disease: str, end: date) -> tuple[list[int], np.ndarray]:
    """Reporting triangles (jurisdiction, onset day, delay) of every subtree."""
    start = end - timedelta(days=HISTORY - 1)
    tree = session.execute(
        select(Jurisdiction.id, Jurisdiction.parent_id, Jurisdiction.depth).order_by(
            Jurisdiction.path
        )
    ).all()
    position = {jid: i for i, (jid, _, _) in enumerate(tree)}
    rows = session.execute(
        select(Case.jurisdiction_id, Case.date_onset, Case.date_reporting, func.count())
        .where(Case.disease == disease, Case.classification.in_(SIGNAL_CLASSIFICATIONS))
        .where(Case.date_onset.between(start, end), Case.date_reporting <= end)
        .group_by(Case.jurisdiction_id, Case.date_onset, Case.date_reporting)
    ).all()
    width = MAX_DELAY + 1
    cells = np.zeros(len(tree) * HISTORY * width, dtype=np.int64)
    if rows:
        place = np.array([position[j] for j, _, _, _ in rows], dtype=np.int64)
        onset = np.array([(o - start).days for _, o, _, _ in rows], dtype=np.int64)
        # A report before onset is a data-entry error: count it as reported on onset.
        delay = np.clip([(r - o).days for _, o, r, _ in rows], 0, MAX_DELAY)
        flat = (place * HISTORY + onset) * width + delay
        np.add.at(cells, flat, np.array([n for _, _, _, n in rows], dtype=np.int64))
    own = cells.reshape(len(tree), HISTORY * width)
    parent = [position.get(pid, -1) if pid is not None else -1 for _, pid, _ in tree]
    total = _roll_up(own, parent, [depth for _, _, depth in tree])
    return [jid for jid, _, _ in tree], total.reshape(len(tree), HISTORY, width)


def _nowcast_rows(ids: list[int], nc: Any, seen: np.ndarray, end: date) -> list[dict[str, Any]]:
    rows = []
    for i in np.flatnonzero(seen):
        for t in range(HISTORY - MAX_DELAY, HISTORY):
            est = nc.estimate[i, t]
            known = bool(np.isfinite(est))
            rows.append(
                {
                    "jurisdiction_id": ids[i],
                    "day": end - timedelta(days=HISTORY - 1 - t),
                    "reported": int(nc.reported[i, t]),
                    "median": float(est) if known else None,
                    "lower": float(nc.lower[i, t]) if known else None,
                    "upper": float(nc.upper[i, t]) if known else None,
                }
            )
    return rows


def compute_outlooks(
    session: Session, disease: str, end: date, profile: DiseaseProfile | None
) -> list[dict[str, Any]]:
    """Rows of ``outlook_days`` for every jurisdiction with cases by onset in the period."""
    ids, tri = _triangles(session, disease, end)
    seen = tri.sum(axis=(1, 2)) > 0
    if not seen.any():
        return []
    nc = nowcast_lawless(tri)
    rows = _nowcast_rows(ids, nc, seen, end)
    completed = np.where(np.isfinite(nc.estimate), nc.estimate, nc.reported)
    enough = completed[:, -HORIZON:].sum(axis=1) >= MIN_RECENT_CASES
    si = profile.serial_interval if profile is not None else None
    if si is None or si.mean_days <= 1 or not enough.any():
        return rows
    picked = np.flatnonzero(enough)
    bands = forecast_cases(
        completed[picked], si_mean=si.mean_days, si_sd=si.sd_days, horizon=HORIZON
    ).bands()
    for k, i in enumerate(picked):
        for h in range(HORIZON):
            values = {name: float(bands[name][k, h]) for name in BANDS}
            rows.append(
                {
                    "jurisdiction_id": ids[i],
                    "day": end + timedelta(days=h + 1),
                    "reported": None,
                    "median": values["median"],
                    "lower": values["lower90"],
                    "upper": values["upper90"],
                    "lower50": values["lower50"],
                    "upper50": values["upper50"],
                }
            )
    return rows


def store_outlooks(session: Session, disease: str, end: date, rows: list[dict[str, Any]]) -> int:
    """Replace the run's rows for ``disease`` and ``end`` (a re-run gives the same rows)."""
    session.execute(
        delete(OutlookDay).where(OutlookDay.disease == disease, OutlookDay.run_date == end)
    )
    if rows:
        full = [
            {"lower50": None, "upper50": None, **r, "disease": disease, "run_date": end}
            for r in rows
        ]
        session.execute(insert(OutlookDay), full)
    return len(rows)


def run_outlooks(
    session: Session, diseases: list[str], end: date, profiles: Mapping[str, DiseaseProfile]
) -> dict[str, list[dict[str, Any]]]:
    """The rows of every disease (computed; stored by :func:`store_outlooks`)."""
    return {d: compute_outlooks(session, d, end, profiles.get(d)) for d in diseases}
