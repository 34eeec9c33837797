"""The transfers page: an order handed from county C1A to C2A is listed as transferred out
in C1A (without the person, who is no longer C1A's) and as transferred in at C2A (with
the person and a link); a province user picks the side with the jurisdiction switcher."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import system_actor
from fireline.quarantine import outcomes
from tests.auth.factories import make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, quarantine
from tests.web.pages import log_in

DAY = T0.date()


@pytest.fixture
def moved(session: Session, app_factory: Any) -> Iterator[tuple[TestClient, int]]:
    """Ann's order moved from C1A to C2A; a user in each county and one at the province."""
    tree = small_tree(session)
    order = quarantine(session, tree["C1A"], last=DAY, today=DAY, name="Ann Contact")
    outcomes.transfer(
        session,
        system_actor(),
        order.id,
        version=order.version,
        to_code="C2A",
        reason="lives in C2A",
        now=T0,
    )
    session.commit()
    for name, code in (("c1a", "C1A"), ("c2a", "C2A"), ("prov", "P")):
        make_user(session, name, "investigator", code)
    with TestClient(app_factory()) as client:
        yield client, order.id


def table(html: str, direction: str) -> str:
    return html.split(f'id="table-{direction}"', 1)[1].split("</table>", 1)[0]


def test_the_source_county_lists_it_out_without_the_person(
    moved: tuple[TestClient, int],
) -> None:
    client, order_id = moved
    log_in(client, "c1a")
    page = client.get("/quarantine/transfers").text
    out = table(page, "out")
    assert f'data-order="{order_id}"' in out
    assert "Place C1A" in out and "Place C2A" in out and "lives in C2A" in out
    assert "Ann Contact" not in page and f"/quarantine/orders/{order_id}" not in page
    assert "Handed over" in out and "No transfers." in table(page, "in")
    assert '<a href="/quarantine/transfers" aria-current="page">' in page


def test_the_destination_county_lists_it_in_with_the_person_and_the_read_is_audited(
    session: Session, moved: tuple[TestClient, int]
) -> None:
    client, order_id = moved
    log_in(client, "c2a")
    page = client.get("/quarantine/transfers").text
    got = table(page, "in")
    assert "Ann Contact" in got and f'href="/quarantine/orders/{order_id}"' in got
    assert "Active" in got and "No transfers." in table(page, "out")
    reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert any(e.detail.get("list") == "transfers_in" and e.entity_ids == [order_id] for e in reads)
    zh = client.get("/quarantine/transfers?lang=zh").text
    assert "转入" in zh and "转出" in zh and "Ann Contact" in zh


def test_the_province_sees_each_side_in_the_chosen_county(moved: tuple[TestClient, int]) -> None:
    client, order_id = moved
    log_in(client, "prov")
    source = client.get("/quarantine/transfers?j=C1A").text
    assert f'data-order="{order_id}"' in table(source, "out")
    assert "No transfers." in table(source, "in")
    target = client.get("/quarantine/transfers?j=C2A").text
    assert "Ann Contact" in table(target, "in") and "No transfers." in table(target, "out")
