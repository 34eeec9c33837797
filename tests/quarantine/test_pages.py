"""The quarantine pages and the self-report link, through the app."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.quarantine import orders
from fireline.quarantine.models import FollowUp, QuarantineOrder
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, propose, quarantine
from tests.web.pages import csrf_from, log_in

DAY = T0.date()


def _app(app_factory: Any, at: datetime = T0) -> Any:
    app = app_factory()
    app.state.clock = FrozenClock(at)
    return app


def test_self_report_flags_the_contact_and_a_forged_link_reveals_nothing(
    session: Session,
    app_factory: Any,
) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
    _, token = orders.issue_token(session, system_actor(), order.id, version=order.version)
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    with TestClient(_app(app_factory)) as client:
        page = client.get(f"/r/{token}?lang=zh")
        assert page.status_code == 200 and "发热" in page.text and "Ann" not in page.text
        sent = client.post(f"/r/{token}", data={"temperature": "38.4", "symptoms": ["cough"]})
        assert sent.status_code == 200 and 'id="report-sent"' in sent.text
        forged = client.get("/r/" + "x" * 43)
        assert forged.status_code == 404 and 'id="report-invalid"' in forged.text
        log_in(client, "tracer")
        due = client.get("/quarantine?list=flagged&j=C1A").text
        assert "Ann Contact" in due and "flag-symptomatic" in due
    entry = session.scalars(select(FollowUp).where(FollowUp.order_id == order.id)).one()
    assert entry.channel == "self" and entry.symptomatic


def test_an_expired_link_answers_exactly_like_a_forged_one(
    session: Session,
    app_factory: Any,
) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    _, token = orders.issue_token(session, system_actor(), order.id, version=order.version)
    session.commit()
    late = T0 + timedelta(days=30)
    with TestClient(_app(app_factory, late)) as client:
        expired = client.get(f"/r/{token}")
        forged = client.get("/r/" + "y" * len(token))
    assert expired.status_code == forged.status_code == 404
    link = re.compile(r"/r/[\w-]+")
    assert link.sub("", expired.text) == link.sub("", forged.text)


def test_pages_render_in_both_languages(session: Session, app_factory: Any) -> None:
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY)
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    with TestClient(_app(app_factory)) as client:
        log_in(client, "tracer")
        for lang in ("en", "zh"):
            for path in (
                "/quarantine",
                f"/quarantine/orders/{order.id}",
                "/quarantine/facilities",
                "/quarantine/proposals",
                "/quarantine/transfers",
            ):
                response = client.get(f"{path}?lang={lang}")
                assert response.status_code == 200, (path, response.text[:500])


def _statuses(session: Session, *orders: QuarantineOrder) -> list[str]:
    session.expire_all()
    return [session.get_one(QuarantineOrder, o.id).status for o in orders]


def test_the_queue_confirms_the_selected_orders_and_says_how_many(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    ann = propose(session, tree["C1A"], last=DAY, today=DAY, name="Ann Proposed")
    bob = propose(session, tree["C1A"], last=DAY, today=DAY, name="Bob Proposed")
    propose(session, tree["C2A"], last=DAY, today=DAY, name="Zed Elsewhere")
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    with TestClient(_app(app_factory)) as client:
        log_in(client, "tracer")
        queue = client.get("/quarantine/proposals?j=C1A&lang=zh")
        assert "待确认的隔离令" in queue.text and 'id="proposals-waiting"' in queue.text
        assert "Ann Proposed" in queue.text and "Zed Elsewhere" not in queue.text
        form = {
            "csrf_token": csrf_from(queue.text),
            "decision": "confirm",
            "pick": [f"{ann.id}:{ann.version}"],
        }
        sent = client.post("/quarantine/proposals/decisions", data=form, follow_redirects=False)
        assert sent.status_code == 303
        after = client.get(sent.headers["location"] + "&lang=en").text
        assert "Confirmed: 1." in after and "Ann Proposed" not in after
        assert 'id="proposals-waiting"' in after and "Bob Proposed" in after
        due = client.get("/quarantine?j=C1A").text
        assert "Ann Proposed" in due and "Bob Proposed" not in due
    assert _statuses(session, ann, bob) == ["active", "proposed"]


def test_a_stale_or_reasonless_decision_changes_nothing_and_says_why(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    ann = propose(session, tree["C1A"], last=DAY, today=DAY, name="Ann Proposed")
    bob = propose(session, tree["C1A"], last=DAY, today=DAY, name="Bob Proposed")
    session.commit()
    make_user(session, "tracer", "investigator", "C1A")
    picks = [f"{ann.id}:{ann.version}", f"{bob.id}:{bob.version + 1}"]
    with TestClient(_app(app_factory)) as client:
        csrf = log_in(client, "tracer")
        url = "/quarantine/proposals/decisions?lang=en"
        stale = client.post(url, data={"csrf_token": csrf, "decision": "confirm", "pick": picks})
        assert stale.status_code == 409 and "Nothing was changed" in stale.text
        assert "Bob Proposed" in stale.text  # the queue again, current
        bare = client.post(url, data={"csrf_token": csrf, "decision": "cancel", "pick": picks[:1]})
        assert bare.status_code == 422 and "Give a reason" in bare.text
        none = client.post(url, data={"csrf_token": csrf, "decision": "confirm"})
        assert none.status_code == 422 and "Select at least one" in none.text
    assert _statuses(session, ann, bob) == ["proposed", "proposed"]
