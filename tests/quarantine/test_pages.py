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
from fireline.quarantine.models import FollowUp
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine
from tests.web.pages import log_in

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
                "/quarantine/transfers",
            ):
                response = client.get(f"{path}?lang={lang}")
                assert response.status_code == 200, (path, response.text[:500])
