"""Search, filter, sort and paginate: the one list machinery every list serves through,
page and API alike (after Dispatch's ``search_filter_sort_paginate``).

A service describes its list once, as a :class:`ListSpec` over a scoped statement; the
page and the API route hand it a :class:`ListQuery` parsed from the request, and get
back one page and the total (or, for an export, every row, streamed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import Depends, Query, Request
from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import Session

from fireline.pagination import MAX_LIMIT, count

# A filter turns the user's text into a condition, or None when the text means nothing
# for it (an unknown code, a malformed date): unknown values fall back to "no filter".
Filter = Callable[[str], ColumnElement[bool] | None]
Search = Callable[[str], Sequence[ColumnElement[bool]]]
T = TypeVar("T")
EXPORT_CHUNK: Final = 1000
MAX_TEXT: Final = 100


@dataclass(frozen=True)
class ListQuery:
    """What the user asked a list for."""

    filters: Mapping[str, str] = field(default_factory=dict)
    q: str = ""
    sort: str = ""
    descending: bool = True
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", max(1, min(self.limit, MAX_LIMIT)))
        object.__setattr__(self, "offset", max(0, self.offset))

    def value(self, name: str) -> str:
        return (self.filters.get(name) or "").strip()[:MAX_TEXT]

    def with_page(self, number: int) -> ListQuery:
        """The same query at page ``number`` (1-based) of ``limit`` rows."""
        return replace(self, offset=(max(1, number) - 1) * self.limit)


@dataclass(frozen=True)
class ListSpec:
    """How one list answers a :class:`ListQuery`."""

    sorts: Mapping[str, Sequence[Any]]  # a sort key -> the columns it orders by
    default_sort: str
    filters: Mapping[str, Filter] = field(default_factory=dict)
    search: Search | None = None

    def sort_key(self, query: ListQuery) -> str:
        return query.sort if query.sort in self.sorts else self.default_sort

    def narrowed(self, statement: Select[Any], query: ListQuery) -> Select[Any]:
        """``statement`` with the query's filters and search applied, unordered."""
        for name, condition_for in self.filters.items():
            text = query.value(name)
            condition = condition_for(text) if text else None
            if condition is not None:
                statement = statement.where(condition)
        text = query.q.strip()[:MAX_TEXT]
        if text and self.search is not None:
            statement = statement.where(or_(*self.search(text)))
        return statement

    def ordered(self, statement: Select[Any], query: ListQuery) -> Select[Any]:
        columns = self.sorts[self.sort_key(query)]
        return statement.order_by(*(c.desc() if query.descending else c.asc() for c in columns))

    def apply(self, statement: Select[Any], query: ListQuery) -> Select[Any]:
        return self.ordered(self.narrowed(statement, query), query)


def search_filter_sort_paginate(
    session: Session,
    statement: Select[Any],
    spec: ListSpec,
    query: ListQuery,
    *,
    scalars: bool = True,
) -> tuple[list[Any], int]:
    """One page of the rows (the first column's objects with ``scalars``, else tuples)
    and the total matching, counted by the database."""
    found = spec.apply(statement, query)
    paged = found.limit(query.limit).offset(query.offset)
    rows = list(session.scalars(paged)) if scalars else [r._tuple() for r in session.execute(paged)]
    return rows, count(session, found)


def every_row(
    session: Session, statement: Select[Any], spec: ListSpec, query: ListQuery
) -> Iterator[tuple[Any, ...]]:
    """Every matching row in order, fetched in chunks, for an export of any size."""
    found = spec.apply(statement, query).execution_options(yield_per=EXPORT_CHUNK)
    for row in session.execute(found):
        yield row._tuple()


def page_of_items(
    items: Sequence[T],
    query: ListQuery,
    sorts: Mapping[str, Callable[[T], Any]],
    default_sort: str,
    text_of: Callable[[T], str] | None = None,
) -> tuple[list[T], int]:
    """The same search, sort and page over a small list held in memory (a catalogue of
    profiles, a jurisdiction's children): one page and the total matching."""
    needle = query.q.strip()[:MAX_TEXT].casefold()
    found = [i for i in items if not needle or (text_of and needle in text_of(i).casefold())]
    key = sorts[query.sort if query.sort in sorts else default_sort]
    found.sort(key=key, reverse=query.descending)
    return found[query.offset : query.offset + query.limit], len(found)


def api_list_query(
    request: Request,
    q: Annotated[str, Query(max_length=100, description="Search text")] = "",
    sort: Annotated[str, Query(max_length=40, description="Sort key")] = "",
    order: Annotated[Literal["asc", "desc"], Query(description="Sort order")] = "desc",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = 50,
    offset: Annotated[int, Query(ge=0, le=2**63 - 1, description="Items to skip")] = 0,
) -> ListQuery:
    """An API list's search, sort and page; its filters are the route's other query
    parameters, which the route declares so that the API description shows them."""
    reserved = {"q", "sort", "order", "limit", "offset"}
    filters = {k: v for k, v in request.query_params.items() if k not in reserved}
    return ListQuery(
        filters=filters, q=q, sort=sort, descending=order == "desc", limit=limit, offset=offset
    )


ApiListQuery = Annotated[ListQuery, Depends(api_list_query)]
