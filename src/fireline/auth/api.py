"""JSON routes: tokens, the current user, users, the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from fireline.auth import audit
from fireline.auth.deps import ApiActor
from fireline.auth.models import User
from fireline.auth.passwords import hashing_slot
from fireline.auth.schemas import AuditEventRead, TokenRead, TokenRequest, UserCreate, UserRead
from fireline.auth.service import authenticate, create_user, issue_token, list_users
from fireline.db.deps import DbSession, ReadSession
from fireline.pagination import Page, PageParams, make_page, page_params

router = APIRouter(tags=["auth"])


def user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        jurisdiction_code=user.jurisdiction.code,
        language=user.language,
        is_active=user.is_active,
    )


@router.post("/auth/token", response_model=TokenRead)
def create_token(
    body: TokenRequest, request: Request, session: DbSession, reading: ReadSession
) -> TokenRead:
    """Exchange a username and password for a bearer token."""
    # The password hash takes long on purpose: checked outside the write transaction,
    # and the reading session gives its connection back before the write waits.
    with hashing_slot():
        user = authenticate(reading, body.username, body.password)
    reading.close()
    hours = request.app.state.settings.token_hours
    issued = issue_token(session, user, kind="api", lifetime=timedelta(hours=hours))
    return TokenRead(access_token=issued.token, expires_at=issued.expires_at)


@router.get("/users/me", response_model=UserRead)
def read_me(actor: ApiActor, session: DbSession) -> UserRead:
    user = session.get_one(User, actor.user_id)
    return user_read(user)


@router.get("/users", response_model=list[UserRead])
def read_users(actor: ApiActor, session: DbSession) -> list[UserRead]:
    """Users whose home jurisdiction is in your subtree (administrators only)."""
    return [user_read(u) for u in list_users(session, actor)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def add_user(body: UserCreate, actor: ApiActor, session: DbSession) -> UserRead:
    user = create_user(session, actor, **body.model_dump())
    return user_read(user)


@router.get("/audit", response_model=Page[AuditEventRead])
def read_audit(
    actor: ApiActor, session: DbSession, params: Annotated[PageParams, Depends(page_params)]
) -> Page[AuditEventRead]:
    """The newest audit events in your subtree (administrators only)."""
    events = audit.recent(session, actor, limit=params.limit + 1, offset=params.offset)
    items = [AuditEventRead.model_validate(e) for e in events[: params.limit]]
    total = params.offset + len(events)
    return make_page(items, total, params)
