"""Escalations go out as JSON to a webhook (a tiny local server here), with no personal data."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from fireline.db.engine import session_factory, transaction
from fireline.diseases import load_profiles
from fireline.response.jobs import deliver
from fireline.response.models import ResponseNotification
from fireline.response.notify import send_webhooks
from fireline.response.service import sweep
from tests.conftest import BACKENDS
from tests.db.factories import killed_at, own_engine
from tests.people.factories import make_person
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings


class Recorder(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []
    keys: ClassVar[list[str | None]] = []
    status: ClassVar[int] = 200

    def do_POST(self) -> None:
        length = int(self.headers["content-length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        type(self).keys.append(self.headers.get("Idempotency-Key"))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"received": [], "keys": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def _escalated(session: Session) -> None:
    tree = small_tree(session)
    person = make_person(session, tree["C1A"], "Wang Secret")
    add_case(session, tree["C1A"], person=person)
    profiles = load_profiles()
    sweep(session, T0, profiles=profiles, settings=settings())
    sweep(session, T0 + timedelta(hours=3), profiles=profiles, settings=settings())


def test_each_escalation_is_posted_once(
    session: Session, webhook: tuple[str, type[Recorder]]
) -> None:
    url, handler = webhook
    _escalated(session)
    config = settings(webhook_url=url)
    now = T0 + timedelta(hours=3)
    with httpx.Client(timeout=5) as client:
        assert send_webhooks(session, now, config, client) == 2
        assert send_webhooks(session, now, config, client) == 0
    assert len(handler.received) == 2
    message = handler.received[0]
    assert message["event"] == "task_escalated" and message["board"] == "C1"
    assert message["task_type"] in {"isolate_case", "notify_authority"}
    assert "Wang" not in json.dumps(message) and "Secret" not in json.dumps(message)
    assert all(n.webhook_at is not None for n in session.scalars(select(ResponseNotification)))


def test_a_failing_webhook_is_retried_later(
    session: Session, webhook: tuple[str, type[Recorder]]
) -> None:
    url, handler = webhook
    handler.status = 500
    _escalated(session)
    config, now = settings(webhook_url=url), T0 + timedelta(hours=3)
    with httpx.Client(timeout=5) as client:
        assert send_webhooks(session, now, config, client) == 0
        handler.status = 200
        assert send_webhooks(session, now, config, client) == 2


def test_no_webhook_configured_sends_nothing(session: Session) -> None:
    _escalated(session)
    with httpx.Client() as client:
        assert send_webhooks(session, T0, settings(), client) == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_delivery_killed_before_its_commit_resends_under_the_same_key(
    backend: str, tmp_path: Path, webhook: tuple[str, type[Recorder]]
) -> None:
    url, handler = webhook
    config, now = settings(webhook_url=url), T0 + timedelta(hours=3)
    with own_engine(backend, tmp_path) as engine:
        sessions = session_factory(engine)
        with transaction(sessions) as session:
            _escalated(session)
        with killed_at(engine, r"UPDATE response_notifications"), pytest.raises(DBAPIError):
            deliver(sessions, now, config)
        deliver(sessions, now, config)
        deliver(sessions, now, config)
        with sessions() as session:
            notes = session.scalars(select(ResponseNotification)).all()
            assert len(notes) == 2 and all(n.webhook_at is not None for n in notes)
    assert len(handler.received) == 4  # sent, killed before the commit, sent again
    assert set(handler.keys) == {f"fireline-notification-{n.id}" for n in notes}
    assert {m["notification_id"] for m in handler.received} == {n.id for n in notes}
