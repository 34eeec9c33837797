"""The case list service: scope, filters, search, sort, paging, one audit per read, the
export of every row; and GET /api/v1/cases, which answers through it with the envelope."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent, User
from fireline.auth.service import actor_for
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.errors import Forbidden, NotFound
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.settings import Settings
from fireline.surveillance import caselist
from tests.auth.factories import bearer
from tests.surveillance.views.factories import world


@pytest.fixture
def data(session: Session) -> dict[str, Any]:
    return world(session)


def context(session: Session, username: str, place: Jurisdiction | None = None) -> Context:
    """The user's context, narrowed to ``place`` when given."""
    user = session.scalars(select(User).where(User.username == username)).one()
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    built = Context.build(actor_for(user), Settings(), clock)
    return built.within(place) if place is not None else built


def ids(rows: list[caselist.CaseRow]) -> list[int]:
    return [r.case.id for r in rows]


def reads(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "read")))


def test_a_county_sees_its_own_cases_only(session: Session, data: dict[str, Any]) -> None:
    cases = data["cases"]
    mine, total = caselist.list_cases(session, context(session, "ann"), ListQuery())
    assert set(ids(mine)) == {cases["ann1"].id, cases["ann2"].id} and total == 2
    theirs, _ = caselist.list_cases(session, context(session, "bob"), ListQuery())
    assert ids(theirs) == [cases["bob1"].id]
    assert {r.name for r in mine} == {"张三", "李四"}


def test_filters_search_and_the_area_below(session: Session, data: dict[str, Any]) -> None:
    tree, cases = data["tree"], data["cases"]
    province = context(session, "prov")

    def listed(q: str = "", **filters: str) -> list[int]:
        return ids(caselist.list_cases(session, province, ListQuery(filters, q=q))[0])

    assert listed(classification="suspected") == [cases["ann2"].id]
    assert listed(imported="yes") == [cases["ann2"].id]
    assert listed(area="C2") == [cases["bob1"].id]
    assert listed("EXT-", area="C1A") == [cases["ann1"].id, cases["ann2"].id]
    assert listed("王五") == [cases["bob1"].id]
    assert listed(f"#{cases['ann1'].id}") == [cases["ann1"].id]
    # Nonsense means "no filter", never an error; a place outside the scope is a 404.
    nonsense = ListQuery({"classification": "cured", "reported_from": "soon", "batch": "9" * 30})
    assert caselist.list_cases(session, province, nonsense)[1] == 133
    with pytest.raises(NotFound):
        city = context(session, "prov", tree["C1"])
        caselist.list_cases(session, city, ListQuery({"area": "C2A"}))


def test_a_viewer_neither_sees_nor_searches_names(session: Session, data: dict[str, Any]) -> None:
    viewer = context(session, "viewer")
    rows, total = caselist.list_cases(session, viewer, ListQuery())
    assert total == 2 and {r.name for r in rows} == {None}
    assert caselist.list_cases(session, viewer, ListQuery(q="张三")) == ([], 0)
    assert reads(session) == []  # no names shown: nothing personal was read
    with pytest.raises(Forbidden):
        nobody = replace(viewer, actor=replace(viewer.actor, role="nobody"))
        caselist.list_cases(session, nobody, ListQuery())


def test_sorts_and_pages(session: Session, data: dict[str, Any]) -> None:
    cases = data["cases"]
    county = context(session, "ann")
    for descending in (True, False):  # the case without an onset goes last both ways
        query = ListQuery(sort="onset", descending=descending)
        assert ids(caselist.list_cases(session, county, query)[0]) == [
            cases["ann1"].id,
            cases["ann2"].id,
        ]
    by_report = ListQuery(sort="reported", descending=False)
    assert ids(caselist.list_cases(session, county, by_report)[0]) == [
        cases["ann2"].id,
        cases["ann1"].id,
    ]
    province = context(session, "prov")
    second, total = caselist.list_cases(session, province, ListQuery(limit=50, offset=50))
    assert len(second) == 50 and total == 133


def test_one_audit_event_per_page_that_shows_names(session: Session, data: dict[str, Any]) -> None:
    rows, _ = caselist.list_cases(session, context(session, "ann"), ListQuery(q="张"))
    [event] = reads(session)
    assert event.entity_ids == ids(rows) and event.detail["persons"] == [
        r.case.person_id for r in rows
    ]
    assert event.detail["filters"] == {"searched": "yes"}  # never the text: it may be a name


def test_the_export_holds_every_row_whatever_the_page(
    session: Session, data: dict[str, Any]
) -> None:
    province = context(session, "prov")
    text = caselist.export_csv(session, province, ListQuery(limit=1), names=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 133 and "name" in rows[0]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert len(event.entity_ids) == 133 and event.detail["names"] is True


def test_the_api_answers_with_the_envelope_through_the_same_list(
    client: TestClient, data: dict[str, Any], session: Session
) -> None:
    cases = data["cases"]
    headers = bearer(client, "prov")
    first = client.get("/api/v1/cases?limit=2&sort=onset&order=asc&area=C1A", headers=headers)
    body = first.json()
    assert set(body) == {
        "items",
        "total",
        "total_exact",
        "limit",
        "offset",
        "next_offset",
        "next_cursor",
    }
    assert (body["total"], body["limit"], body["offset"], body["next_offset"]) == (2, 2, 0, None)
    assert [c["id"] for c in body["items"]] == [cases["ann1"].id, cases["ann2"].id]
    paged = client.get("/api/v1/cases?limit=50&offset=50", headers=headers).json()
    assert (len(paged["items"]), paged["next_offset"]) == (50, 100)
    imported = client.get("/api/v1/cases?imported=yes&q=EXT", headers=headers).json()
    assert [c["id"] for c in imported["items"]] == [cases["ann2"].id]
    assert client.get("/api/v1/cases?imported=maybe", headers=headers).status_code == 422
    viewer = client.get("/api/v1/cases", headers=bearer(client, "viewer")).json()
    assert viewer["total"] == 2 and {c["person_name"] for c in viewer["items"]} == {None}
    outside = client.get("/api/v1/cases?area=C2A", headers=bearer(client, "ann"))
    assert outside.status_code == 404
