"""Search, filter, sort and paginate: the one list machinery every list serves through,
page and API alike (after Dispatch's ``search_filter_sort_paginate``).

A service describes its list once, as a :class:`ListSpec` over a scoped statement; the
page and the API route hand it a :class:`ListQuery` parsed from the request, and get
back one page and the total (or, for an export, every row, streamed).

Pages are keyset pages when the query carries a cursor (``after``: the sort values and
id of the previous page's last row, fireline.keyset), so that page 500 of a million rows
costs what page 1 does; the offset still serves a jump to a page number. The total is
counted up to a cap and estimated beyond it (fireline.pagination.count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any, Final, Literal, TypeVar

from fastapi import Depends, HTTPException, Query, Request
from sqlalchemy import ColumnElement, Select, or_
from sqlalchemy.orm import Session

from fireline.keyset import BadCursor, Cursor, Key, after, grouped, keys_of
from fireline.keyset import NullsLast as NullsLast  # services name their sorts here
from fireline.pagination import MAX_LIMIT, Total, count

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
    # Where the page starts when it follows another (its offset is the cursor's).
    after: Cursor | None = None
    # A page's query: a cursor that does not fit the list means the offset's page, where
    # the API answers 400 (a page never shows an error for a stale link).
    lenient: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", max(1, min(self.limit, MAX_LIMIT)))
        if self.after is not None:
            object.__setattr__(self, "offset", self.after.offset)
        object.__setattr__(self, "offset", max(0, self.offset))

    def value(self, name: str) -> str:
        return (self.filters.get(name) or "").strip()[:MAX_TEXT]

    def with_page(self, number: int) -> ListQuery:
        """The same query at page ``number`` (1-based) of ``limit`` rows."""
        return replace(self, offset=(max(1, number) - 1) * self.limit, after=None)

    def following(self, token: str) -> ListQuery:
        """The same query after the cursor ``token`` (a page's ``next_cursor``)."""
        return replace(self, after=Cursor.decode(token))


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

    def keys(self, statement: Select[Any], query: ListQuery) -> list[Key]:
        """The sort's columns, ending with a unique one (the row's id if none is)."""
        return keys_of(self.sorts[self.sort_key(query)], statement)

    def ordered(self, statement: Select[Any], query: ListQuery) -> Select[Any]:
        keys = self.keys(statement, query)
        return statement.order_by(*(k.order(query.descending) for k in keys))

    def apply(self, statement: Select[Any], query: ListQuery) -> Select[Any]:
        return self.ordered(self.narrowed(statement, query), query)

    def resume(self, statement: Select[Any], query: ListQuery) -> Select[Any] | None:
        """``statement`` (narrowed) limited to the rows after the query's cursor, or
        None when the page is found by its offset (no cursor, a stale one on a page, or
        a grouped list, whose sort values are aggregates)."""
        cursor = query.after
        if cursor is None or grouped(statement):
            return None
        fits = cursor.sort == self.sort_key(query) and cursor.descending == query.descending
        keys = self.keys(statement, query)
        if fits and cursor.fits(keys):
            return statement.where(after(keys, cursor.values, query.descending))
        if query.lenient:
            return None
        raise HTTPException(400, "the cursor (after) does not belong to this list and order")


SEARCH_COUNT_CAP = 500


def search_filter_sort_paginate(
    session: Session,
    statement: Select[Any],
    spec: ListSpec,
    query: ListQuery,
    *,
    scalars: bool = True,
) -> tuple[list[Any], Total]:
    """One page of the rows (the first column's objects with ``scalars``, else tuples)
    and the total matching (a :class:`~fireline.pagination.Total`: counted by the
    database up to a cap, estimated beyond; with the cursor of the next page)."""
    narrowed = spec.narrowed(statement, query)
    keys = spec.keys(narrowed, query)
    resumed = spec.resume(narrowed, query)
    # The sort values ride along as extra columns, for the next page's cursor.
    shown = (narrowed if resumed is None else resumed).add_columns(*(k.expression for k in keys))
    paged = spec.ordered(shown, query).limit(query.limit + 1)
    if resumed is None:
        paged = paged.offset(query.offset)
    fetched = [r._tuple() for r in session.execute(paged)]
    more = len(fetched) > query.limit
    page = fetched[: query.limit]
    width = len(page[0]) - len(keys) if page else 0
    rows = [r[0] if scalars else r[:width] for r in page]
    cursor = None
    if more and not grouped(narrowed):
        values = page[-1][width:]
        cursor = Cursor(spec.sort_key(query), query.descending, values, query.offset + len(page))
    # A last page found by its offset tells the total itself: no count to run.
    ends = resumed is None and not more and (page or not query.offset)
    total = Total(query.offset + len(page)) if ends else _count(session, narrowed, spec, query)
    return rows, total.beside(more=more, next_cursor=cursor.encode() if cursor else None)


def _count(session: Session, narrowed: Select[Any], spec: ListSpec, query: ListQuery) -> Total:
    """The list's total. A search is counted to SEARCH_COUNT_CAP only, and beyond it said
    to be "more than", never estimated: a name's matches are found by reading the rows,
    so counting 10,000 of a common family name in a wave county read 250,000 cases
    (issue #17), and the planner's guess for ``LIKE '%王%'`` was 119 where 5,688 matched."""
    if query.q.strip() and spec.search is not None:
        return count(session, narrowed, SEARCH_COUNT_CAP, estimate=False)
    return count(session, narrowed)


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
    after: Annotated[
        str,
        Query(
            max_length=2000,
            description="A page's next_cursor: the page after it (its offset is ignored)",
        ),
    ] = "",
) -> ListQuery:
    """An API list's search, sort and page; its filters are the route's other query
    parameters, which the route declares so that the API description shows them."""
    reserved = {"q", "sort", "order", "limit", "offset", "after"}
    filters = {k: v for k, v in request.query_params.items() if k not in reserved}
    query = ListQuery(
        filters=filters, q=q, sort=sort, descending=order == "desc", limit=limit, offset=offset
    )
    token = after
    try:
        return query.following(token) if token else query
    except BadCursor as bad:
        raise HTTPException(400, f"the cursor (after) is not valid: {bad}") from None


ApiListQuery = Annotated[ListQuery, Depends(api_list_query)]
