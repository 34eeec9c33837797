"""The self-report link's rate limit is keyed on the link: people sharing one address
(a quarantine hotel's Wi-Fi) do not lock each other out; guessing links still is slowed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.clock import FrozenClock
from fireline.quarantine import orders
from fireline.quarantine.settings import QuarantineSettings
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine

DAY = T0.date()
LIMIT = QuarantineSettings().report_limit


def _client(app_factory: Any, at: datetime = T0) -> TestClient:
    app = app_factory()
    app.state.clock = FrozenClock(at)
    return TestClient(app)


def _links(session: Session, count: int) -> list[str]:
    tree = small_tree(session)
    links = []
    for n in range(count):
        order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name=f"Guest {n}")
        _, token = orders.issue_token(session, system_actor(), order.id, version=order.version)
        links.append(token)
    session.commit()
    return links


def test_guests_sharing_one_address_are_not_locked_out(session: Session, app_factory: Any) -> None:
    links = _links(session, 3)
    with _client(app_factory) as client:
        for token in links:  # together well over the limit, from one address
            codes = {client.get(f"/r/{token}").status_code for _ in range(LIMIT)}
            assert codes == {200}


def test_one_link_is_limited(session: Session, app_factory: Any) -> None:
    (token,) = _links(session, 1)
    with _client(app_factory) as client:
        assert {client.get(f"/r/{token}").status_code for _ in range(LIMIT)} == {200}
        busy = client.get(f"/r/{token}")
    assert busy.status_code == 429 and "Too many attempts" in busy.text


def test_an_address_guessing_links_is_limited_for_every_link(
    session: Session, app_factory: Any
) -> None:
    (token,) = _links(session, 1)
    with _client(app_factory) as client:
        codes = [client.get(f"/r/{'g' * 42}{n % 10}").status_code for n in range(LIMIT)]
        assert set(codes) == {404}
        assert client.get(f"/r/{'h' * 43}").status_code == 429
        # The same answer for a real link: the limit says nothing about which links exist.
        assert client.get(f"/r/{token}").status_code == 429
