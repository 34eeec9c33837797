"""The sample list (page and API alike) and the turnaround figures: scope, days in the
jurisdiction's time zone, the envelope, the audit."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor
from fireline.errors import Forbidden
from fireline.listing import ListQuery
from fireline.testing.samples import list_samples
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.testing.factories import add_result, context_of


def _as(role: str, place: Any) -> Actor:
    return Actor(None, role, role, place.id, place.path)


@pytest.fixture
def tree(session: Session) -> dict[str, Any]:
    """Samples at T0 (08:00 UTC, 16:00 in Shanghai) + 1, 17 and 20 hours in C1A (the last
    two are the next day there), one in C2A."""
    tree = small_tree(session)
    add_result(session, tree["C1A"], "A-1", hours=1, site="S1")
    add_result(session, tree["C1A"], "A-2", hours=17, site="S2")
    add_result(session, tree["C1A"], "A-3", hours=20, site="S1")
    add_result(session, tree["C2A"], "X-1", hours=2, site="S1")
    return tree


def _barcodes(session: Session, actor: Actor, **filters: str) -> list[str]:
    rows, _ = list_samples(session, context_of(actor), ListQuery(filters=filters))
    return [sample.barcode for sample, _ in rows]


def test_a_county_lists_its_samples_by_site_and_local_day(session: Session, tree: Any) -> None:
    lab = _as("lab", tree["C1A"])
    assert _barcodes(session, lab) == ["A-3", "A-2", "A-1"]
    assert _barcodes(session, lab, site="S1") == ["A-3", "A-1"]
    assert _barcodes(session, lab, since="2026-01-03") == ["A-3", "A-2"]  # Shanghai days
    assert _barcodes(session, lab, until="2026-01-02") == ["A-1"]
    assert _barcodes(session, lab, since="not a day") == ["A-3", "A-2", "A-1"]
    assert _barcodes(session, _as("lab", tree["P"]).within(tree["C2"])) == ["X-1"]


def test_samples_name_persons_so_a_viewer_may_not_list_them_and_reads_are_audited(
    session: Session, tree: Any
) -> None:
    with pytest.raises(Forbidden):
        list_samples(session, context_of(_as("viewer", tree["C1A"])), ListQuery())
    rows, total = list_samples(session, context_of(_as("lab", tree["C1A"])), ListQuery(limit=2))
    assert total == 3 and len(rows) == 2
    event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None and event.entity == "sample"
    persons = event.detail["persons"]
    assert isinstance(persons, list) and sorted(persons) == sorted(p.id for _, p in rows)


def test_the_api_lists_samples_and_turnaround_in_the_envelope(
    session: Session, client: TestClient, tree: Any
) -> None:
    make_user(session, "lab", "lab", "C1A")
    headers = bearer(client, "lab")
    page = client.get("/api/v1/samples?site=S1&sort=barcode&order=asc", headers=headers).json()
    assert [s["barcode"] for s in page["items"]] == ["A-1", "A-3"] and page["total"] == 2
    assert page["next_offset"] is None
    turnaround = client.get("/api/v1/lab-results/turnaround?limit=1", headers=headers).json()
    assert turnaround["total"] == 2 and turnaround["next_offset"] == 1  # sites S1 and S2
    assert (turnaround["items"][0]["site"], turnaround["items"][0]["results"]) == ("S1", 2)
    assert client.get("/api/v1/samples?jurisdiction=C2A", headers=headers).status_code == 404
