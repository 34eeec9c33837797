"""JSON routes: tokens, the current user, users, the audit log."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse

from fireline.auth import audit, tokens
from fireline.auth.deps import ApiActor, client_address
from fireline.auth.models import User
from fireline.auth.schemas import (
    AuditEventRead,
    TokenInfo,
    TokenRead,
    TokenRequest,
    UserCreate,
    UserRead,
)
from fireline.auth.scope import Actor
from fireline.auth.service import (
    LogInCheck,
    check_log_in,
    create_user,
    find_users,
    issue_token,
    record_log_in,
)
from fireline.bounds import Id
from fireline.db.deps import DbSession, ReadSession, Session
from fireline.errors import Problem, problem_response
from fireline.listing import ApiListQuery, ListQuery
from fireline.pagination import Page, make_page

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


def checked_token_request(body: TokenRequest, request: Request, reading: ReadSession) -> LogInCheck:
    """The password checked before ``create_token``'s write session queues for SQLite's
    write lock (``db.deps.write_gate``): the hash takes long on purpose."""
    try:
        return check_log_in(
            reading,
            body.username,
            body.password,
            address=client_address(request),
            now=request.app.state.clock.now(),
        )
    finally:
        reading.close()


@router.post(
    "/auth/token",
    response_model=TokenRead,
    responses={401: {"description": "Wrong credentials"}, 429: {"description": "Throttled"}},
)
def create_token(
    checked: Annotated[LogInCheck, Depends(checked_token_request)],
    request: Request,
    session: DbSession,
) -> TokenRead | JSONResponse:
    """Exchange a username and password for a bearer token (failures are throttled)."""
    try:
        user = record_log_in(session, checked)
    except Problem as refused:
        # Returned, not raised, so the transaction commits the counted failure.
        return problem_response(refused, request)
    hours = request.app.state.settings.token_hours
    issued = issue_token(session, user, kind="api", lifetime=timedelta(hours=hours))
    return TokenRead(access_token=issued.token, expires_at=issued.expires_at)


def _tokens_page(session: Session, actor: Actor, user_id: int, query: ListQuery) -> Page[TokenInfo]:
    found, total = tokens.find_tokens(session, actor, user_id, query)
    return make_page([TokenInfo.model_validate(t) for t in found], total, query)


@router.get("/auth/tokens", response_model=Page[TokenInfo])
def read_my_tokens(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    kind: Literal["session", "api"] | None = None,
) -> Page[TokenInfo]:
    """Your page sessions and API tokens, newest first (sort: ``created``, ``expires``);
    their values are never stored or shown."""
    assert actor.user_id is not None
    return _tokens_page(session, actor, actor.user_id, query)


@router.get("/users/{user_id:int}/tokens", response_model=Page[TokenInfo])
def read_user_tokens(
    user_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    kind: Literal["session", "api"] | None = None,
) -> Page[TokenInfo]:
    """A user's sessions and tokens (administrators, for users in their subtree)."""
    return _tokens_page(session, actor, user_id, query)


@router.delete("/auth/tokens/{token_id:int}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(token_id: Id, actor: ApiActor, session: DbSession) -> None:
    """Revoke a session or token: your own, or, as an administrator, one in your subtree."""
    tokens.revoke(session, actor, token_id)


@router.get("/users/me", response_model=UserRead)
def read_me(actor: ApiActor, session: DbSession) -> UserRead:
    user = session.get_one(User, actor.user_id)
    return user_read(user)


@router.get("/users", response_model=Page[UserRead])
def read_users(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    role: str | None = None,
    active: bool | None = None,
) -> Page[UserRead]:
    """Users whose home jurisdiction is in your subtree (administrators only), newest
    first (sort: ``created``, ``username``, ``role``; ``q``: user or full name)."""
    found, total = find_users(session, actor, query)
    return make_page([user_read(u) for u in found], total, query)


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def add_user(body: UserCreate, actor: ApiActor, session: DbSession) -> UserRead:
    user = create_user(session, actor, **body.model_dump())
    return user_read(user)


@router.get("/audit", response_model=Page[AuditEventRead])
def read_audit(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    action: str | None = None,
    entity: str | None = None,
) -> Page[AuditEventRead]:
    """The audit events in your subtree (administrators only), newest first (sort: ``id``,
    ``at``; filters ``action`` and ``entity``)."""
    events, total = audit.recent(session, actor, query)
    return make_page([AuditEventRead.model_validate(e) for e in events], total, query)
