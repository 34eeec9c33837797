"""The one list machinery: filters, search, sort, pages and the streamed export."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline import listing
from fireline.listing import ListQuery, ListSpec, every_row, search_filter_sort_paginate
from fireline.pagination import make_page
from fireline.places.models import Jurisdiction
from tests.places.factories import small_tree

SPEC = ListSpec(
    sorts={"code": (Jurisdiction.code,), "depth": (Jurisdiction.depth, Jurisdiction.code)},
    default_sort="code",
    filters={"level": lambda v: Jurisdiction.level == v if v in ("city", "county") else None},
    search=lambda text: [Jurisdiction.code.startswith(text, autoescape=True)],
)


def _codes(session: Session, query: ListQuery) -> tuple[list[str], int]:
    rows, total = search_filter_sort_paginate(session, select(Jurisdiction), SPEC, query)
    return [j.code for j in rows], total


def test_filter_search_sort_and_page(session: Session) -> None:
    small_tree(session)
    assert _codes(session, ListQuery(filters={"level": "county"}, descending=False)) == (
        ["C1A", "C1B", "C2A", "C2B"],
        4,
    )
    assert _codes(session, ListQuery(q="C2", descending=True)) == (["C2B", "C2A", "C2"], 3)
    second = ListQuery(filters={"level": "county"}, descending=False, limit=3).with_page(2)
    assert _codes(session, second) == (["C2B"], 4)


def test_unknown_values_mean_no_filter_and_the_default_sort(session: Session) -> None:
    small_tree(session)
    codes, total = _codes(
        session, ListQuery(filters={"level": "planet"}, sort="nonsense", descending=False)
    )
    assert total == 7 and codes[0] == "C1"
    assert _codes(session, ListQuery(q="100%_", descending=False)) == ([], 0)


def test_limits_are_clamped_and_the_envelope_says_where_next(session: Session) -> None:
    small_tree(session)
    query = ListQuery(limit=10_000, offset=-5, descending=False)
    assert (query.limit, query.offset) == (500, 0)
    narrow = ListQuery(limit=2, descending=False)
    items, total = _codes(session, narrow)
    page: Any = make_page(items, total, narrow)
    assert page.next_offset == 2 and page.total == 7


def test_the_export_streams_every_matching_row_in_order(session: Session) -> None:
    small_tree(session)
    rows = list(
        every_row(
            session,
            select(Jurisdiction.code),
            SPEC,
            ListQuery(filters={"level": "county"}, descending=True),
        )
    )
    assert rows == [("C2B",), ("C2A",), ("C1B",), ("C1A",)]


def test_a_search_is_counted_to_its_own_cap_and_never_estimated(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    small_tree(session)
    monkeypatch.setattr(listing, "SEARCH_COUNT_CAP", 2)
    _rows, total = search_filter_sort_paginate(
        session, select(Jurisdiction), SPEC, ListQuery(q="C", limit=1)
    )
    assert (total, total.exact, total.estimated) == (2, False, False)  # 6 match: "more than 2"
    _rows, unsearched = search_filter_sort_paginate(
        session, select(Jurisdiction), SPEC, ListQuery(limit=1)
    )
    assert (unsearched, unsearched.exact) == (7, True)  # the list's own cap is 10,000
