"""Failed log-ins are throttled per account and per address, in the database, and audited
in the account's jurisdiction (NIST SP 800-63B §5.2.2, OWASP Authentication Cheat Sheet)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import throttle
from fireline.auth.models import AuditEvent, LoginThrottle
from fireline.clock import FrozenClock
from tests.auth.factories import PASSWORD, bearer, make_user
from tests.places.factories import by_code, small_tree

TOKEN = "/api/v1/auth/token"


def _try(client: TestClient, username: str, password: str) -> int:
    response = client.post(TOKEN, json={"username": username, "password": password})
    # Starlette's TestClient subclasses httpx2's client, absent here: mypy reads it as Any.
    status: int = response.status_code
    return status


def _frozen(client: TestClient) -> FrozenClock:
    clock = FrozenClock(datetime.now(UTC))
    client.app.state.clock = clock  # type: ignore[attr-defined]
    return clock


def test_the_lock_grows_with_each_failure_and_is_capped() -> None:
    rule = throttle.ACCOUNT
    assert throttle.lock_for(rule, rule.free - 1) is None
    assert throttle.lock_for(rule, rule.free) == timedelta(seconds=30)
    assert throttle.lock_for(rule, rule.free + 1) == timedelta(seconds=60)
    assert throttle.lock_for(rule, rule.free + 100) == timedelta(minutes=15)


def test_fifty_wrong_passwords_then_the_right_one_is_refused(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    clock = _frozen(client)
    codes = [_try(client, "ann", f"wrong-guess-{n}") for n in range(50)]
    assert codes[:5] == [401] * 5 and set(codes[5:]) == {429}
    right = client.post(TOKEN, json={"username": "ann", "password": PASSWORD})
    assert right.status_code == 429
    assert right.headers["content-type"] == "application/problem+json"
    assert 0 < int(right.headers["retry-after"]) <= 30
    # Attempts while locked do not lengthen the lock, so the user is not locked out for good.
    clock.advance(timedelta(seconds=31))
    assert _try(client, "ann", PASSWORD) == 200


def test_a_right_password_ends_the_run_of_failures(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    _frozen(client)
    for _ in range(throttle.ACCOUNT.free - 1):
        assert _try(client, "ann", "wrong-guess-again") == 401
    assert _try(client, "ann", PASSWORD) == 200
    assert _try(client, "ann", "wrong-guess-again") == 401  # counting starts anew


def test_an_unknown_account_is_locked_like_a_real_one(session: Session, client: TestClient) -> None:
    """Otherwise the lock would tell which user names exist."""
    small_tree(session)
    _frozen(client)
    codes = [_try(client, "nobody", "wrong-guess-again") for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_one_address_guessing_many_accounts_is_locked(session: Session, client: TestClient) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    _frozen(client)
    for n in range(throttle.ADDRESS.free):
        assert _try(client, f"user{n}", "wrong-guess-again") == 401
    assert _try(client, "ann", PASSWORD) == 429


def test_the_table_holds_no_user_name_or_address(session: Session, client: TestClient) -> None:
    small_tree(session)
    _try(client, "ann", "wrong-guess-again")
    keys = session.scalars(select(LoginThrottle.key)).all()
    assert sorted(k.split(":")[0] for k in keys) == ["account", "address"]
    assert not any("ann" in k or "testclient" in k for k in keys)


def test_failed_log_in_is_audited_in_the_accounts_jurisdiction(
    session: Session, client: TestClient
) -> None:
    small_tree(session)
    ann = make_user(session, "ann", "investigator", "C1A")
    make_user(session, "county-admin", "admin", "C1A")
    make_user(session, "other-admin", "admin", "C2A")
    assert _try(client, "ann", "wrong-guess-again") == 401
    row = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()
    assert row.jurisdiction_id == by_code(session, "C1A").id
    assert row.entity_ids == [ann.id] and row.user_id is None
    assert row.detail == {"actor": "anonymous", "reason": "password"}

    def failed_logins(admin: str) -> list[dict[str, object]]:
        page = client.get("/api/v1/audit?limit=100", headers=bearer(client, admin)).json()
        return [e for e in page["items"] if e["action"] == "login_failed"]

    assert [e["entity_ids"] for e in failed_logins("county-admin")] == [[ann.id]]
    assert failed_logins("other-admin") == []


def test_an_unknown_name_is_audited_without_the_name(session: Session, client: TestClient) -> None:
    small_tree(session)
    _try(client, "my-secret-password", "wrong-guess-again")
    row = session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).one()
    assert row.jurisdiction_id is None and row.entity_ids == []
    assert "my-secret-password" not in str(row.detail)
