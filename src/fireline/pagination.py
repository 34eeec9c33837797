"""Offset pagination shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fireline.bounds import Count

T = TypeVar("T")

MAX_LIMIT = 500


class Window(Protocol):
    """Anything that says which rows a page holds (PageParams, listing.ListQuery)."""

    @property
    def limit(self) -> int: ...

    @property
    def offset(self) -> int: ...


class PageParams(BaseModel):
    limit: int = 50
    offset: Count = 0


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    offset: Annotated[Count, Query(ge=0, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total and the offset of the next page."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def count(session: Session, statement: Select[Any]) -> int:
    """How many rows a SELECT returns, counted by the database."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return int(total or 0)


def fetch_page(
    session: Session, statement: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    """The first-column objects of one page and the total count."""
    rows = list(session.scalars(statement.limit(params.limit).offset(params.offset)))
    return rows, count(session, statement)


def make_page(items: list[T], total: int, params: Window) -> Page[T]:
    end = params.offset + len(items)
    return Page[T](
        items=items,
        total=total,
        limit=params.limit,
        offset=params.offset,
        next_offset=end if end < total else None,
    )
