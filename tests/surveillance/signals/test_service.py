from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.analytics import earsc
from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.auth.service import actor_for
from fireline.errors import Conflict, NotFound, Problem
from fireline.listing import ListQuery
from fireline.surveillance.signals.models import Alert
from fireline.surveillance.signals.service import (
    MAX_SCORE,
    SignalOptions,
    decide,
    ears_score,
    list_alerts,
    run_signals,
)
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.surveillance.signals.factories import add_daily_cases, make_alert

END = date(2026, 3, 31)
DECIDED = datetime(2026, 3, 31, 9, 0, tzinfo=UTC)
QUIET_THEN_SPIKE = [2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 30]


def test_spike_raises_alerts_up_the_tree_matching_earsc(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, QUIET_THEN_SPIKE)
    summary = run_signals(session, system_actor(), END)
    alerts = session.scalars(select(Alert).order_by(Alert.jurisdiction_id, Alert.method)).all()
    places = {(a.jurisdiction_id, a.method) for a in alerts}
    for code in ("P", "C1", "C1A"):
        assert (tree[code].id, "ears-c2") in places
    assert not {tree["C2"].id, tree["C1B"].id} & {a.jurisdiction_id for a in alerts}
    reference = earsc([float(n) for n in QUIET_THEN_SPIKE], method="C2", t=[12], min_sigma=1.0)
    c2 = next(a for a in alerts if a.jurisdiction_id == tree["C1A"].id and a.method == "ears-c2")
    assert c2.threshold == pytest.approx(float(reference.threshold[0]))
    assert c2.observed == 30 and c2.score > 1
    assert summary.alerts == len(alerts)


def test_rerun_is_idempotent_and_keeps_decisions(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, QUIET_THEN_SPIKE)
    run_signals(session, system_actor(), END)
    first = session.scalars(select(Alert)).all()
    make_user(session, "epi", "epidemiologist", "C1A")
    epi = actor_for(session.scalars(select(User).where(User.username == "epi")).one())
    target = next(a for a in first if a.jurisdiction_id == tree["C1A"].id)
    decide(
        session,
        epi,
        target.id,
        action="dismiss",
        reason="known outbreak",
        version=target.version,
        now=DECIDED,
    )
    run_signals(session, system_actor(), END)
    again = session.scalars(select(Alert)).all()
    assert len(again) == len(first)
    assert session.get(Alert, target.id).status == "dismissed"  # type: ignore[union-attr]


def test_below_min_count_no_alert(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [0] * 11 + [2])
    assert run_signals(session, system_actor(), END, SignalOptions(min_count=3)).alerts == 0
    lenient = SignalOptions(min_count=1, min_sigma=0.0)
    assert run_signals(session, system_actor(), END, lenient).alerts > 0


def test_min_sigma_keeps_a_quiet_county_from_alarming_on_one_case(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, [0] * 11 + [3])
    assert run_signals(session, system_actor(), END, SignalOptions(min_sigma=1.0)).alerts == 0
    assert run_signals(session, system_actor(), END, SignalOptions(min_sigma=0.0)).alerts > 0


def test_decisions_need_reason_and_current_version(session: Session) -> None:
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, QUIET_THEN_SPIKE)
    run_signals(session, system_actor(), END)
    alert = session.scalars(select(Alert)).first()
    assert alert is not None
    with pytest.raises(Problem, match="needs a reason"):
        decide(
            session,
            system_actor(),
            alert.id,
            action="dismiss",
            reason=" ",
            version=alert.version,
            now=DECIDED,
        )
    with pytest.raises(Conflict):
        decide(
            session,
            system_actor(),
            alert.id,
            action="acknowledge",
            reason=None,
            version=99,
            now=DECIDED,
        )
    done = decide(
        session,
        system_actor(),
        alert.id,
        action="acknowledge",
        reason=None,
        version=alert.version,
        now=DECIDED,
    )
    assert done.status == "acknowledged" and done.version == 2 and done.decided_at == DECIDED


def test_score_is_statistic_over_h_and_capped() -> None:
    assert ears_score(4.0, 2.0) == 2.0
    assert ears_score(float("inf"), 2.0) == MAX_SCORE
    assert ears_score(1e6, 2.0) == MAX_SCORE


def test_the_alert_list_is_scoped_filtered_and_newest_first(session: Session) -> None:
    tree = small_tree(session)
    old = make_alert(session, tree["C1A"], END - timedelta(days=2))
    new = make_alert(session, tree["C1B"], END)
    theirs = make_alert(session, tree["C2A"], END)
    old.status = "dismissed"
    session.flush()
    city = system_actor().within(tree["C1"])
    rows, total = list_alerts(session, city, ListQuery())
    assert [a.id for a, _ in rows] == [new.id, old.id] and total == 2
    assert [place.code for _, place in rows] == ["C1B", "C1A"]
    assert [a.id for a, _ in list_alerts(session, city, ListQuery({"status": "open"}))[0]] == [
        new.id
    ]
    everyone, _ = list_alerts(session, system_actor(), ListQuery({"jurisdiction": "C2"}))
    assert [a.id for a, _ in everyone] == [theirs.id]
    with pytest.raises(NotFound):
        list_alerts(session, city, ListQuery({"jurisdiction": "C2"}))
