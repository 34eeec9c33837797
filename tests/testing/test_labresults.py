"""The lab result list (page and API alike), one result with its revisions: scope, filters,
sort, the envelope, what a viewer may not see, and the audit of every read."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor
from fireline.errors import NotFound
from fireline.listing import ListQuery
from fireline.testing.labresults import list_results, result_file
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.testing.factories import add_result, context_of


def _as(role: str, place: Any) -> Actor:
    return Actor(None, role, role, place.id, place.path)


@pytest.fixture
def tree(session: Session) -> dict[str, Any]:
    """Three results in C1A (two positive), one in C1B, one in C2A."""
    tree = small_tree(session)
    add_result(session, tree["C1A"], "A-1", "positive", hours=1, ct=30.0)
    add_result(session, tree["C1A"], "A-2", "negative", hours=2)
    add_result(session, tree["C1A"], "A-3", "positive", hours=3, test_type="antigen", ct=20.0)
    add_result(session, tree["C1B"], "B-1", "positive", hours=4)
    add_result(session, tree["C2A"], "X-1", "positive", hours=5)
    return tree


def _barcodes(session: Session, actor: Actor, **asked: Any) -> tuple[list[str], int]:
    rows, total = list_results(session, context_of(actor), ListQuery(**asked))
    return [row.sample.barcode for row in rows], total


def test_a_county_sees_its_own_results_newest_first(session: Session, tree: Any) -> None:
    assert _barcodes(session, _as("lab", tree["C1A"])) == (["A-3", "A-2", "A-1"], 3)
    assert _barcodes(session, _as("lab", tree["C1"])) == (["B-1", "A-3", "A-2", "A-1"], 4)
    narrowed = _as("lab", tree["C1"]).within(tree["C1B"])
    assert _barcodes(session, narrowed) == (["B-1"], 1)


def test_filters_sort_and_pages(session: Session, tree: Any) -> None:
    lab = _as("lab", tree["C1A"])
    assert _barcodes(session, lab, filters={"outcome": "positive"}) == (["A-3", "A-1"], 2)
    assert _barcodes(session, lab, filters={"test": "antigen"}) == (["A-3"], 1)
    assert _barcodes(session, lab, filters={"outcome": "nonsense"})[1] == 3  # no filter
    assert _barcodes(session, lab, sort="ct", descending=False)[0] == ["A-3", "A-1", "A-2"]
    second = ListQuery(limit=2).with_page(2)
    rows, total = list_results(session, context_of(lab), second)
    assert [r.sample.barcode for r in rows] == ["A-1"] and total == 3


def test_a_viewer_sees_results_but_no_person_and_cannot_look_a_barcode_up(
    session: Session, tree: Any
) -> None:
    viewer = _as("viewer", tree["C1A"])
    rows, total = list_results(session, context_of(viewer), ListQuery(filters={"barcode": "A-1"}))
    assert total == 3 and all(row.person is None for row in rows)
    assert _barcodes(session, viewer, q="A-2")[1] == 3
    lab = _as("lab", tree["C1A"])
    assert _barcodes(session, lab, filters={"barcode": "A-1"}) == (["A-1"], 1)
    assert _barcodes(session, lab, q="A-")[1] == 3


def test_every_list_read_is_audited_with_the_persons_named(session: Session, tree: Any) -> None:
    rows, _ = list_results(session, context_of(_as("lab", tree["C1A"])), ListQuery())
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and (event.action, event.entity) == ("read", "lab_result")
    assert sorted(event.entity_ids) == sorted(r.result.id for r in rows)
    persons = event.detail["persons"]
    assert isinstance(persons, list)
    assert sorted(persons) == sorted(r.person.id for r in rows if r.person)


def test_one_result_is_read_in_scope_only(session: Session, tree: Any) -> None:
    theirs = add_result(session, tree["C2A"], "X-2")
    mine = add_result(session, tree["C1A"], "A-9")
    found = result_file(session, _as("lab", tree["C1"]), mine.id)
    assert found.sample.barcode == "A-9" and found.place.code == "C1A"
    assert found.history == [found.result]
    with pytest.raises(NotFound):
        result_file(session, _as("lab", tree["C1"]), theirs.id)


def test_the_api_lists_results_in_the_envelope(
    session: Session, client: TestClient, tree: Any
) -> None:
    make_user(session, "lab", "lab", "C1")
    headers = bearer(client, "lab")
    page = client.get("/api/v1/lab-results?limit=2&outcome=positive", headers=headers).json()
    assert (page["total"], page["limit"], page["offset"], page["next_offset"]) == (3, 2, 0, 2)
    assert len(page["items"]) == 2
    narrowed = client.get("/api/v1/lab-results?jurisdiction=C1B", headers=headers).json()
    assert narrowed["total"] == 1
    assert client.get("/api/v1/lab-results?jurisdiction=C2A", headers=headers).status_code == 404
    assert client.get("/api/v1/lab-results?test=nonsense", headers=headers).status_code == 422
