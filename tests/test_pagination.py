"""Offset pagination: the query parameters, the count, one page and its envelope."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.bounds import INT64_MAX
from fireline.pagination import (
    MAX_LIMIT,
    PageParams,
    Total,
    count,
    fetch_page,
    make_page,
    page_params,
)
from fireline.places.models import Jurisdiction
from tests.places.factories import small_tree


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()

    @app.get("/items")
    def items(params: Annotated[PageParams, Depends(page_params)]) -> dict[str, int]:
        return {"limit": params.limit, "offset": params.offset}

    return TestClient(app)


def test_defaults_and_the_edges_of_the_parameters(client: TestClient) -> None:
    assert client.get("/items").json() == {"limit": 50, "offset": 0}
    edges = client.get("/items", params={"limit": MAX_LIMIT, "offset": INT64_MAX})
    assert edges.json() == {"limit": 500, "offset": INT64_MAX}
    assert client.get("/items", params={"limit": 1}).json()["limit"] == 1


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 0},
        {"limit": MAX_LIMIT + 1},
        {"offset": -1},
        {"offset": INT64_MAX + 1},
        {"limit": "ten"},
        {"offset": "1.5"},
    ],
)
def test_parameters_out_of_range_are_refused(client: TestClient, query: dict[str, Any]) -> None:
    assert client.get("/items", params=query).status_code == 422


def codes(session: Session) -> Any:
    return select(Jurisdiction.code).order_by(Jurisdiction.code)


def test_count_ignores_the_order_and_keeps_the_filter(session: Session) -> None:
    small_tree(session)
    assert count(session, codes(session)) == 7
    counties = codes(session).where(Jurisdiction.level == "county")
    assert count(session, counties) == 4
    assert count(session, counties.where(Jurisdiction.code == "none")) == 0


def test_fetch_page_gives_the_slice_and_the_total(session: Session) -> None:
    small_tree(session)
    rows, total = fetch_page(session, codes(session), PageParams(limit=3, offset=2))
    # C1, C1A | C1B, C2, C2A | C2B, P
    assert rows == ["C1B", "C2", "C2A"] and total == 7
    rows, total = fetch_page(session, codes(session), PageParams(limit=3, offset=6))
    assert rows == ["P"] and total == 7
    rows, total = fetch_page(session, codes(session), PageParams(limit=3, offset=70))
    assert rows == [] and total == 7


@pytest.mark.parametrize(
    ("items", "total", "offset", "next_offset"),
    [
        (["a", "b"], 7, 0, 2),
        (["a", "b"], 4, 2, None),  # ends exactly at the total
        (["a"], 7, 6, None),
        ([], 7, 70, None),  # beyond the end
        ([], 0, 0, None),
    ],
)
def test_the_envelope_says_where_the_next_page_starts(
    items: list[str], total: int, offset: int, next_offset: int | None
) -> None:
    page = make_page(items, total, PageParams(limit=2, offset=offset))
    assert page.model_dump() == {
        "items": items,
        "total": total,
        "limit": 2,
        "offset": offset,
        "next_offset": next_offset,
        "total_exact": True,
        "next_cursor": None,
    }


def test_a_count_beyond_the_cap_is_not_exact(session: Session) -> None:
    small_tree(session)
    exact = count(session, codes(session), cap=7)
    assert (exact, exact.exact) == (7, True)
    beyond = count(session, codes(session), cap=3)
    assert not beyond.exact and beyond >= 3
    if session.get_bind().dialect.name == "postgresql":
        # The planner's estimate when it says more than the cap, else the cap as a floor.
        assert beyond.estimated == (beyond > 3)
    else:
        assert (beyond, beyond.estimated) == (3, False)


def test_the_envelope_says_an_estimate_and_the_cursor() -> None:
    total = Total(12_345, exact=False, estimated=True).beside(more=True, next_cursor="abc")
    page = make_page(["a", "b"], total, PageParams(limit=2, offset=0))
    assert (page.total, page.total_exact, page.next_cursor, page.next_offset) == (
        12_345,
        False,
        "abc",
        2,
    )
    last = make_page(["a"], Total(7).beside(more=False, next_cursor=None), PageParams(limit=2))
    assert (last.total_exact, last.next_offset, last.next_cursor) == (True, None, None)
