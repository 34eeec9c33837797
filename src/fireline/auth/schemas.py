"""API shapes for log-in, users and the audit log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from fireline.bounds import Id, Int64


class TokenRequest(BaseModel):
    username: str
    password: str


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=1, max_length=1024)
    role: str
    jurisdiction_code: str
    full_name: str = ""
    language: str = Field(default="en", pattern="^(en|zh)$")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    username: str
    full_name: str
    role: str
    jurisdiction_code: str
    language: str
    is_active: bool


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: Id
    at: datetime
    user_id: Id | None
    action: str
    entity: str
    entity_ids: list[Int64]
    jurisdiction_id: Id | None
    detail: dict[str, object]


class TokenInfo(BaseModel):
    """A session or API token as its holder and administrators see it: never its value."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    user_id: int
    created_at: datetime
    expires_at: datetime
