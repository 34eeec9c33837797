"""Pagination shared by every list endpoint: the page envelope and a count that stays
fast on any table (exact up to :data:`COUNT_CAP`, estimated beyond it)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from fireline.bounds import Count

T = TypeVar("T")

MAX_LIMIT = 500
# Counting every matching row costs as much as reading them: 600,000 cases or 10 M
# contacts take seconds, which a list of 50 rows must not wait for (issue #17: every
# page's p95 under 300 ms). Up to this many the count is exact (a short index scan);
# beyond it PostgreSQL's planner estimates and SQLite says only "more than".
COUNT_CAP = 10_000


class Total(int):
    """A list's total as a number, and what the list learned beside it: whether the
    number is exact, else whether it is the planner's estimate ("about") or only a floor
    ("more than"); whether a row follows the page, and the cursor that starts the next.

    An ``int`` so that every service that hands ``(rows, total)`` on keeps working and
    arithmetic on it stays plain."""

    exact: bool
    estimated: bool
    more: bool | None
    next_cursor: str | None

    def __new__(
        cls,
        value: int,
        *,
        exact: bool = True,
        estimated: bool = False,
        more: bool | None = None,
        next_cursor: str | None = None,
    ) -> Total:
        total = super().__new__(cls, value)
        total.exact, total.estimated = exact, estimated and not exact
        total.more, total.next_cursor = more, next_cursor
        return total

    def beside(self, *, more: bool, next_cursor: str | None) -> Total:
        """This total with the page's facts: whether more rows follow, the next cursor."""
        return Total(
            int(self),
            exact=self.exact,
            estimated=self.estimated,
            more=more,
            next_cursor=next_cursor,
        )


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
    """One page of a list, with the total and where the next page starts."""

    items: list[T]
    total: int = Field(
        description="How many items match: exact when total_exact, else (beyond "
        f"{COUNT_CAP:,} matches) the database's estimate, or {COUNT_CAP:,} meaning "
        "more than that where the database gives no estimate"
    )
    total_exact: bool = Field(
        default=True, description="Whether total is counted exactly (false: estimated)"
    )
    limit: int
    offset: int
    next_offset: int | None
    next_cursor: str | None = Field(
        default=None,
        description="Pass as ?after= for the next page (faster than offset on deep pages); "
        "null on the last page",
    )


def count(
    session: Session, statement: Select[Any], cap: int | None = None, *, estimate: bool = True
) -> Total:
    """How many rows a SELECT returns: counted by the database up to ``cap`` (by default
    :data:`COUNT_CAP`); beyond, PostgreSQL's planner estimate (EXPLAIN) or, elsewhere or
    without ``estimate``, ``cap`` as a floor."""
    cap = COUNT_CAP if cap is None else cap
    unordered = statement.order_by(None)
    counted = select(func.count()).select_from(unordered.limit(cap + 1).subquery())
    total = int(session.scalar(counted) or 0)
    if total <= cap:
        return Total(total)
    if not estimate:
        return Total(cap, exact=False)
    planned = _planned_rows(session, unordered)
    if planned is not None and planned > cap:
        return Total(planned, exact=False, estimated=True)
    return Total(cap, exact=False)


def _planned_rows(session: Session, statement: Select[Any]) -> int | None:
    """The planner's row estimate for ``statement`` on PostgreSQL, else None."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    compiled = statement.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    connection = session.connection()
    found = connection.exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params
    ).scalar()
    plan = json.loads(found) if isinstance(found, str) else found
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else None


def fetch_page(
    session: Session, statement: Select[Any], params: PageParams
) -> tuple[list[Any], int]:
    """The first-column objects of one page and the total count."""
    rows = list(session.scalars(statement.limit(params.limit).offset(params.offset)))
    return rows, count(session, statement)


def make_page(items: list[T], total: int, params: Window) -> Page[T]:
    """The envelope; a :class:`Total` from the list machinery says itself whether more
    rows follow and where (a plain count is taken as exact)."""
    end = params.offset + len(items)
    more = total.more if isinstance(total, Total) and total.more is not None else end < total
    return Page[T](
        items=items,
        total=total,
        total_exact=total.exact if isinstance(total, Total) else True,
        limit=params.limit,
        offset=params.offset,
        next_offset=end if more else None,
        next_cursor=total.next_cursor if isinstance(total, Total) else None,
    )
