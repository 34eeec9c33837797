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


RAMP = [1, 0, 1, 1, 0, 1, 1, 0, 1, 2, 4, 7, 11, 15, 20, 24, 30, 35]


def test_every_alert_has_a_real_threshold_or_says_why_not(session: Session) -> None:
    """A rising outbreak, as in the demo: C3 keeps signalling once the days before carry
    it past its level; those alerts store no threshold (any count signals), never 0."""
    tree = small_tree(session)
    add_daily_cases(session, tree["C1A"], END, RAMP)
    for back in range(7, -1, -1):
        run_signals(session, system_actor(), END - timedelta(days=back))
    alerts = session.scalars(select(Alert)).all()
    carried = [a for a in alerts if a.threshold is None]
    assert carried and all(
        a.method == "ears-c3" and a.threshold_note == "any-count" for a in carried
    )
    bounded = [a for a in alerts if a.threshold is not None]
    assert bounded and all(a.threshold_note is None for a in bounded)
    # A stored bound is one the count crossed, and the baseline had cases: never 0.
    assert all(0 < a.threshold < a.observed for a in bounded)  # type: ignore[operator]


def test_the_alert_list_filters_by_status_method_and_dates_and_sorts(session: Session) -> None:
    tree = small_tree(session)
    open_c3 = make_alert(session, tree["C1A"], END)
    open_c3.method, open_c3.score = "ears-c3", 3.0
    weekly = make_alert(session, tree["C1B"], END - timedelta(days=2))
    weekly.method, weekly.observed = "farrington", 40
    decided = make_alert(session, tree["C2A"], END - timedelta(days=5))
    decided.status = "acknowledged"
    session.flush()
    actor = system_actor()

    def ids(**filters: str) -> list[int]:
        sort = filters.pop("sort", "")
        return [a.id for a, _ in list_alerts(session, actor, ListQuery(filters, sort=sort))[0]]

    assert ids(status="closed") == [decided.id]
    assert ids(status="all") == ids() == [open_c3.id, weekly.id, decided.id]
    assert ids(status="open", method="farrington") == [weekly.id]
    assert ids(signal_from=str(END - timedelta(days=3)), signal_to=str(END)) == [
        open_c3.id,
        weekly.id,
    ]
    assert ids(signal_from="not a date") == ids()  # a malformed date filters nothing
    assert ids(sort="observed")[0] == weekly.id
    assert ids(sort="place") == [decided.id, weekly.id, open_c3.id]
    page, total = list_alerts(session, actor, ListQuery(limit=2).with_page(2))
    assert total == 3 and [a.id for a, _ in page] == [decided.id]
    found, _ = list_alerts(session, actor, ListQuery(q=f"#{weekly.id}"))
    assert [a.id for a, _ in found] == [weekly.id]
