"""Revoking sessions and API tokens: by the holder, by an administrator in scope, and by
no one else; logging out of the pages leaves API tokens alone unless asked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import tokens
from fireline.auth.models import AuditEvent, AuthToken, User
from fireline.auth.service import actor_for, issue_token
from fireline.errors import NotFound
from fireline.listing import ListQuery
from tests.auth.factories import bearer, make_user
from tests.places.factories import by_code, small_tree
from tests.web.pages import csrf_from, log_in


@pytest.fixture
def people(session: Session) -> None:
    small_tree(session)
    make_user(session, "ann", "investigator", "C1A")
    make_user(session, "county-admin", "admin", "C1A")
    make_user(session, "other-admin", "admin", "C2A")


def _ids(
    client: TestClient, headers: dict[str, str], path: str = "/api/v1/auth/tokens"
) -> list[int]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return [t["id"] for t in response.json()["items"]]


def test_the_holder_lists_and_revokes_a_token(client: TestClient, people: None) -> None:
    first, second = bearer(client, "ann"), bearer(client, "ann")
    listed = client.get("/api/v1/auth/tokens", headers=first).json()["items"]
    assert [t["kind"] for t in listed] == ["api", "api"]
    assert not any("token" in key and key != "id" for t in listed for key in t)
    oldest = min(t["id"] for t in listed)
    assert client.delete(f"/api/v1/auth/tokens/{oldest}", headers=second).status_code == 204
    assert client.get("/api/v1/users/me", headers=first).status_code == 401
    assert client.get("/api/v1/users/me", headers=second).status_code == 200


def test_an_admin_in_scope_revokes_a_users_token(
    session: Session, client: TestClient, people: None
) -> None:
    ann = bearer(client, "ann")
    admin = bearer(client, "county-admin")
    ann_id = client.get("/api/v1/users/me", headers=ann).json()["id"]
    (token_id,) = _ids(client, admin, f"/api/v1/users/{ann_id}/tokens")
    assert client.delete(f"/api/v1/auth/tokens/{token_id}", headers=admin).status_code == 204
    assert client.get("/api/v1/users/me", headers=ann).status_code == 401
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "revoke")).one()
    assert event.jurisdiction_id == by_code(session, "C1A").id
    assert event.detail["user"] == ann_id and event.detail["actor"] == "county-admin"


def test_an_admin_of_another_county_can_neither_see_nor_revoke(
    client: TestClient, people: None
) -> None:
    ann = bearer(client, "ann")
    other = bearer(client, "other-admin")
    ann_id = client.get("/api/v1/users/me", headers=ann).json()["id"]
    (token_id,) = _ids(client, ann)
    assert client.get(f"/api/v1/users/{ann_id}/tokens", headers=other).status_code == 404
    refused = client.delete(f"/api/v1/auth/tokens/{token_id}", headers=other)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/users/me", headers=ann).status_code == 200


def test_a_user_cannot_revoke_a_colleagues_token(client: TestClient, people: None) -> None:
    admin = bearer(client, "county-admin")
    (admin_token,) = _ids(client, admin)
    ann = bearer(client, "ann")
    assert client.delete(f"/api/v1/auth/tokens/{admin_token}", headers=ann).status_code == 404
    assert client.get("/api/v1/users/me", headers=admin).status_code == 200


def test_logging_out_of_the_pages_keeps_api_tokens(client: TestClient, people: None) -> None:
    api = bearer(client, "ann")
    csrf = log_in(client, "ann")
    client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert client.get("/", follow_redirects=False).status_code in (302, 303, 307)
    assert client.get("/api/v1/users/me", headers=api).status_code == 200


def test_logging_out_with_revoke_ends_api_tokens_too(
    session: Session, client: TestClient, people: None
) -> None:
    api = bearer(client, "ann")
    csrf = log_in(client, "ann")
    client.post("/logout", data={"csrf_token": csrf, "revoke_api": "1"}, follow_redirects=False)
    assert client.get("/api/v1/users/me", headers=api).status_code == 401
    assert session.scalars(select(AuthToken)).all() == []


def test_the_account_page_lists_and_revokes_tokens(client: TestClient, people: None) -> None:
    api = bearer(client, "ann")
    log_in(client, "ann")
    page = client.get("/account")
    assert page.status_code == 200
    assert "API token" in page.text and "Page session" in page.text
    api_id = min(_ids(client, api))
    revoked = client.post(
        f"/account/tokens/{api_id}/revoke", data={"csrf_token": csrf_from(page.text)}
    )
    assert revoked.status_code == 200 and "Revoked" in revoked.text
    assert client.get("/api/v1/users/me", headers=api).status_code == 401


def test_the_account_page_refuses_a_revoke_without_csrf(client: TestClient, people: None) -> None:
    api = bearer(client, "ann")
    log_in(client, "ann")
    api_id = min(_ids(client, api))
    refused = client.post(f"/account/tokens/{api_id}/revoke", data={})
    assert refused.status_code == 403
    assert client.get("/api/v1/users/me", headers=api).status_code == 200


def test_the_account_page_speaks_chinese(client: TestClient, people: None) -> None:
    log_in(client, "ann")
    page = client.get("/account?lang=zh")
    assert "会话与 API 令牌" in page.text and "网页会话" in page.text


def test_the_token_list_pages_filters_and_sorts(
    session: Session, client: TestClient, people: None
) -> None:
    first = bearer(client, "ann")
    for _ in range(2):
        bearer(client, "ann")
    log_in(client, "ann")
    page = client.get("/api/v1/auth/tokens?limit=2", headers=first).json()
    assert set(page) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert (page["total"], len(page["items"]), page["next_offset"]) == (4, 2, 2)
    newest = _ids(client, first)
    assert newest == sorted(newest, reverse=True)
    assert _ids(client, first, "/api/v1/auth/tokens?order=asc") == newest[::-1]
    kinds = client.get("/api/v1/auth/tokens?kind=session", headers=first).json()["items"]
    assert [t["kind"] for t in kinds] == ["session"]
    refused = client.get("/api/v1/auth/tokens?kind=nonsense", headers=first)
    assert refused.status_code == 422


def test_find_tokens_keeps_to_the_holder_and_the_scope(session: Session, people: None) -> None:
    ann = session.scalars(select(User).where(User.username == "ann")).one()
    issue_token(session, ann, kind="api", lifetime=timedelta(hours=1))
    found, total = tokens.find_tokens(session, actor_for(ann), ann.id, ListQuery())
    assert total == 1 and found[0].user_id == ann.id
    other = session.scalars(select(User).where(User.username == "other-admin")).one()
    with pytest.raises(NotFound):
        tokens.find_tokens(session, actor_for(other), ann.id, ListQuery())
