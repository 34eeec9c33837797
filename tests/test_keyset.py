"""Keyset pages: walking a list page by page with the cursor gives every row once, in
the list's order, under every sort, with ties and empty values, on SQLite and PostgreSQL;
a token that is not a cursor is refused."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.keyset import BadCursor, Cursor, NullsLast, keys_of
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from tests.places.factories import add_jurisdiction

# Ties (few values) and empty values in every nullable column; "code" is unique.
SPEC = ListSpec(
    sorts={
        "population": (Jurisdiction.population,),
        "population_last": (NullsLast(Jurisdiction.population),),
        "depth_lat": (Jurisdiction.depth, Jurisdiction.lat),
        "level": (Jurisdiction.level, Jurisdiction.code),
        "listed": (Jurisdiction.lat.is_not(None), Jurisdiction.id),
        "created": (Jurisdiction.created_at, Jurisdiction.id),
    },
    default_sort="population",
)
ROWS = st.lists(
    st.tuples(
        st.sampled_from([None, 1, 2, 3]),
        st.sampled_from([None, 1.5, 2.5]),
        st.integers(0, 2),
    ),
    max_size=14,
)


def _expected(found: list[Jurisdiction], sort: str, descending: bool) -> list[int]:
    """The list's order computed here, as keyset.py documents it: a plain nullable
    column's empty values the largest; a NullsLast column's last either way."""

    def key(j: Jurisdiction) -> tuple[Any, ...]:
        if sort in ("population", "population_last"):
            return ((j.population is None, j.population or 0), j.id)
        if sort == "depth_lat":
            return (j.depth, (j.lat is None, j.lat or 0.0), j.id)
        if sort == "listed":
            return (j.lat is not None, j.id)
        if sort == "created":
            return (j.created_at, j.id)
        return (j.level, j.code)

    ordered = sorted(found, key=key, reverse=descending)
    if sort == "population_last":
        # Empty values after the others whichever way.
        ordered = [j for j in ordered if j.population is not None] + [
            j for j in ordered if j.population is None
        ]
    return [j.id for j in ordered]


def _walk(session: Session, query: ListQuery) -> tuple[list[int], list[int]]:
    """Every page, each found by the previous page's cursor; and the pages' offsets."""
    seen: list[int] = []
    offsets: list[int] = []
    while True:
        rows, total = search_filter_sort_paginate(session, select(Jurisdiction), SPEC, query)
        # A following page is found by its cursor, not its offset.
        assert query.after is None or SPEC.resume(select(Jurisdiction), query) is not None
        offsets.append(query.offset)
        seen += [j.id for j in rows]
        assert total.more == (total.next_cursor is not None)
        if total.next_cursor is None:
            return seen, offsets
        query = query.following(total.next_cursor)


@pytest.mark.parametrize("sort", sorted(SPEC.sorts))
@pytest.mark.parametrize("descending", [True, False])
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, limit=st.integers(1, 4))
def test_cursor_pages_walk_the_whole_list_once_in_order(
    session: Session, sort: str, descending: bool, rows: list[Any], limit: int
) -> None:
    nested = session.begin_nested()
    try:
        found = []
        for n, (population, lat, level) in enumerate(rows):
            place = add_jurisdiction(
                session, f"K{n}", level=("a", "o'%b\\", "c")[level], population=population
            )
            place.lat, place.depth = lat, level
            found.append(place)
        session.flush()
        query = ListQuery(sort=sort, descending=descending, limit=limit)
        seen, offsets = _walk(session, query)
        assert seen == _expected(found, sort, descending)
        assert offsets == list(range(0, max(1, len(found)), limit))[: len(offsets)]
    finally:
        nested.rollback()


def test_every_order_ends_with_a_unique_column() -> None:
    statement = select(Jurisdiction)
    assert [k.expression for k in keys_of((Jurisdiction.level,), statement)][-1] is not None
    ends = keys_of((Jurisdiction.level,), statement)[-1].expression
    assert ends.name == "id"
    assert len(keys_of((Jurisdiction.level, Jurisdiction.code), statement)) == 2


def test_a_cursor_round_trips_its_values() -> None:
    values = (date(2026, 5, 1), datetime(2026, 5, 1, 8, 30, tzinfo=UTC), Decimal("1.5"), None)
    cursor = Cursor("reported", True, (*values, "名字", 7, 2.5, True), 150)
    token = cursor.encode()
    assert token.replace("-", "").replace("_", "").isalnum()
    assert Cursor.decode(token) == cursor


def _token(values: str) -> str:
    return base64.urlsafe_b64encode(f'["a",1,{values},0]'.encode()).decode()


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "!!!",
        "bm90IGpzb24",
        Cursor("a", True, (), -1).encode(),
        "W10",
        "a" * 3000,
        _token('[{"n":"abc"}]'),
        _token('[{"n":"NaN"}]'),
        _token("[NaN]"),
        _token('[{"t":"0001-01-01T00:00:00+05:00"}]'),
        _token('[{"d":"2026-02-30"}]'),
        _token("[[1]]"),
        _token('[{"x":"1"}]'),
    ],
)
def test_a_token_that_is_not_a_cursor_is_refused(token: str) -> None:
    with pytest.raises(BadCursor):
        Cursor.decode(token)


def test_a_cursor_of_another_kind_or_sort_is_refused_by_the_api_and_ignored_by_pages(
    session: Session,
) -> None:
    for n in range(3):
        add_jurisdiction(session, f"Z{n}", population=n)
    wrong = Cursor("population", True, ("three",), 1)  # a text where a number sorts
    with pytest.raises(Exception, match="cursor"):
        search_filter_sort_paginate(
            session, select(Jurisdiction), SPEC, ListQuery(after=wrong, sort="population")
        )
    lenient = ListQuery(after=wrong, sort="population", lenient=True)
    rows, _ = search_filter_sort_paginate(session, select(Jurisdiction), SPEC, lenient)
    assert [j.population for j in rows] == [1, 0]  # the offset's page: after one row
