"""Users and logged-in API headers for tests."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.scope import system_actor
from fireline.auth.service import create_user

PASSWORD = "correct-horse-battery"


def make_user(session: Session, username: str, role: str, jurisdiction_code: str) -> User:
    user = create_user(
        session,
        system_actor(),
        username=username,
        password=PASSWORD,
        role=role,
        jurisdiction_code=jurisdiction_code,
    )
    session.commit()
    return user


def bearer(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
