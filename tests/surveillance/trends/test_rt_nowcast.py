"""Rt on nowcast-corrected counts: the dashboard's option for the last D days."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy.orm import Session

from fireline.analytics.rt import estimate_rt
from fireline.auth.scope import system_actor
from fireline.diseases.loader import load_profiles
from fireline.surveillance.trends.outlook import MAX_DELAY, outlook, unreported
from fireline.surveillance.trends.service import rt
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases

END = date(2026, 3, 31)
START = END - timedelta(days=59)
ACTOR = system_actor()


def test_rt_on_the_nowcast_is_epiestim_on_the_completed_counts(session: Session) -> None:
    tree = small_tree(session)
    # Growing incidence by onset, each onset day reported at delays 0-4 (a fifth each),
    # nothing reported after END: the last four onset days are incomplete, so raw Rt
    # falls at the end.
    growing = [int(4 * 1.03**i) for i in range(90)]
    for lag in range(5):
        add_daily_cases(session, tree["C1A"], END, growing[: 90 - lag], onset_lag=lag)
    profiles = load_profiles()
    ahead = outlook(session, ACTOR, "C1", "covid19", END, profiles)
    extra = unreported(ahead)
    assert len(extra) == MAX_DELAY and sum(extra.values()) > 0
    raw = rt(session, ACTOR, "C1", "covid19", START, END, profiles)
    corrected = rt(session, ACTOR, "C1", "covid19", START, END, profiles, extra)
    assert raw.nowcast_days == 0 and corrected.nowcast_days == MAX_DELAY
    assert corrected.windows[-1].mean > raw.windows[-1].mean * 1.2
    # The same numbers by hand: the nowcast's estimate where it has one, else reported.
    assert ahead is not None
    counts = np.array(
        [d.nowcast if d.nowcast is not None else d.reported for d in ahead.days if d.day >= START]
    )
    si = profiles["covid19"].serial_interval
    expected = estimate_rt(counts, si_mean=si.mean_days, si_sd=si.sd_days)
    assert corrected.windows[-1].mean == pytest.approx(float(expected.mean[-1]), rel=1e-12)
    assert corrected.windows[-1].upper == pytest.approx(float(expected.quantiles[6][-1]), rel=1e-12)
    # Older windows, whose days are all complete, are untouched.
    assert corrected.windows[0].mean == pytest.approx(raw.windows[0].mean, rel=1e-12)
