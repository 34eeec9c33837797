"""Converting an order: to isolation after a positive result (the case used, never a
second one, linked to its infector), to a suspected case (refused for a person who is a
case already), dismissing a proposal; each with a reason, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import system_actor
from fireline.auth.service import actor_for
from fireline.clock import FrozenClock
from fireline.errors import Problem
from fireline.quarantine import outcomes
from fireline.quarantine.models import QuarantineOrder
from fireline.quarantine.positives import service
from fireline.quarantine.positives.models import ConversionProposal
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact, TransmissionLink
from tests.auth.factories import bearer, make_user
from tests.places.factories import small_tree
from tests.quarantine.factories import T0, add_case
from tests.quarantine.positive_factories import (
    DAY,
    contact_order,
    context_of,
    lab_actor,
    positive_for,
)
from tests.web.pages import csrf_from, log_in


def _cases_of(session: Session, person_id: int) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.person_id == person_id)))


def test_make_a_suspected_case_refuses_a_person_who_is_a_case_and_keeps_the_quarantine(
    session: Session,
) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    case = add_case(session, tree["C1A"])
    case.person_id = order.person_id
    session.flush()
    with pytest.raises(Problem) as refused:
        outcomes.convert(
            session,
            context_of(system_actor()),
            order.id,
            version=order.version,
            onset=None,
            today=DAY,
        )
    assert refused.value.status == 409 and refused.value.extensions["case_id"] == case.id
    session.refresh(order)
    assert order.status == "active" and len(_cases_of(session, order.person_id)) == 1


def test_conversion_uses_the_lab_case_isolates_it_and_links_the_infector(
    session: Session,
) -> None:
    tree = small_tree(session)
    tracer = make_user(session, "tracer", "investigator", "C1A")
    order = contact_order(session, tree["C1A"], owner_id=tracer.id)
    positive_for(session, lab_actor(session), order)
    (lab_case,) = _cases_of(session, order.person_id)
    index = session.get_one(Contact, order.contact_id).case_id
    done = outcomes.convert_to_isolation(
        session,
        context_of(actor_for(tracer)),
        order.id,
        version=order.version,
        reason="PCR positive, Ct 22.5",
        kind="facility",
        today=DAY,
    )
    assert done.case.id == lab_case.id and done.case.classification == "confirmed"
    assert (done.order.status, done.order.converted_case_id) == ("converted", lab_case.id)
    assert done.order.close_reason == "PCR positive, Ct 22.5"
    assert (done.isolation.purpose, done.isolation.status) == ("isolation", "active")
    assert done.isolation.case_id == lab_case.id and done.infector_case_id == index
    link = session.scalars(select(TransmissionLink)).one()
    assert (link.infector_case_id, link.infectee_case_id) == (index, lab_case.id)
    assert len(_cases_of(session, order.person_id)) == 1
    proposal = session.scalars(select(ConversionProposal)).one()
    assert (proposal.status, proposal.decided_by) == ("converted", tracer.id)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "convert")).one()
    assert event.entity_ids == [order.id] and event.detail["isolation"] == done.isolation.id
    assert service.positives_count(session, context_of(actor_for(tracer))) == 0


def test_conversion_without_a_case_makes_one_confirmed_case(session: Session) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    positive_for(session, lab_actor(session), order)
    # the lab's case was discarded since (a wrong sample): the conversion makes a new one
    for case in _cases_of(session, order.person_id):
        case.classification = "discarded"
    session.flush()
    done = outcomes.convert_to_isolation(
        session,
        context_of(system_actor()),
        order.id,
        version=order.version,
        reason="retested positive",
        kind="home",
        today=DAY,
    )
    live = [c for c in _cases_of(session, order.person_id) if c.classification != "discarded"]
    assert [c.id for c in live] == [done.case.id] and done.case.classification == "confirmed"
    assert done.isolation.kind == "home"


def test_conversion_and_release_need_a_reason_and_nothing_to_convert_on_is_refused(
    session: Session,
) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    context = context_of(system_actor())
    for blank in ("", "   "):
        with pytest.raises(Problem) as refused:
            outcomes.convert_to_isolation(
                session,
                context,
                order.id,
                version=order.version,
                reason=blank,
                kind="facility",
                today=DAY,
            )
        assert refused.value.status == 422
        with pytest.raises(Problem):
            outcomes.release(
                session,
                system_actor(),
                order.id,
                version=order.version,
                reason=blank,
                now=T0,
                today=DAY,
            )
    with pytest.raises(Problem, match="no positive result or case"):
        outcomes.convert_to_isolation(
            session,
            context,
            order.id,
            version=order.version,
            reason="x",
            kind="home",
            today=DAY,
        )
    session.refresh(order)
    assert order.status == "active"


def test_dismissing_keeps_the_quarantine_and_needs_a_reason(session: Session) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    positive_for(session, lab_actor(session), order)
    context = context_of(system_actor())
    with pytest.raises(Problem):
        service.dismiss(session, context, order.id, reason=" ")
    service.dismiss(session, context, order.id, reason="sample of another person")
    proposal = session.scalars(select(ConversionProposal)).one()
    assert (proposal.status, proposal.reason) == ("dismissed", "sample of another person")
    session.refresh(order)
    assert order.status == "active"
    with pytest.raises(Problem) as again:
        service.dismiss(session, context, order.id, reason="twice")
    assert again.value.status == 409


def _app(app_factory: Any) -> Any:
    app = app_factory()
    app.state.clock = FrozenClock(T0)
    return app


def test_the_order_page_proposes_and_converts_with_confirmation_and_reason(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    tracer = make_user(session, "tracer", "investigator", "C1A")
    order = contact_order(session, tree["C1A"], owner_id=tracer.id, name="Ann Contact")
    positive_for(session, lab_actor(session), order)
    session.commit()
    url = f"/quarantine/orders/{order.id}"
    with TestClient(_app(app_factory)) as client:
        log_in(client, "tracer")
        page = client.get(url)
        assert page.status_code == 200 and f'hx-get="{url}/conversion"' in page.text
        assert 'id="action-convert"' not in page.text  # no one-click conversion any more
        assert "Test due" not in page.text.split('id="flags"')[1].split("</p>")[0]
        panel = client.get(f"{url}/conversion")
        assert "Positive result — conversion proposed" in panel.text
        assert 'id="open-case"' in panel.text and 'id="infector"' in panel.text
        zh = client.get(f"{url}/conversion?lang=zh")
        assert "阳性" in zh.text and "Positive result" not in zh.text
        csrf = csrf_from(panel.text)
        form = {"csrf_token": csrf, "version": str(order.version), "action": "isolate"}
        refused = client.post(f"{url}/convert", data=form | {"reason": "  "})
        assert refused.status_code == 422
        assert 'id="convert-reason-error"' in refused.text
        assert 'id="convert-confirm-error"' in refused.text
        kept = client.post(f"{url}/convert", data=form | {"reason": "PCR positive"})
        assert kept.status_code == 422 and "PCR positive</textarea>" in kept.text
        session.expire_all()
        assert session.get_one(QuarantineOrder, order.id).status == "active"
        done = client.post(
            f"{url}/convert",
            data=form | {"reason": "PCR positive", "confirm": "yes", "kind": "facility"},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
    session.expire_all()
    converted = session.get_one(QuarantineOrder, order.id)
    assert converted.status == "converted" and converted.close_reason == "PCR positive"
    isolation = session.scalars(
        select(QuarantineOrder).where(QuarantineOrder.purpose == "isolation")
    ).one()
    assert done.headers["location"].startswith(f"/quarantine/orders/{isolation.id}")


def test_the_page_refuses_a_second_case_and_offers_the_existing_one(
    session: Session, app_factory: Any
) -> None:
    tree = small_tree(session)
    make_user(session, "tracer", "investigator", "C1A")
    order = contact_order(session, tree["C1A"])
    case = add_case(session, tree["C1A"])
    case.person_id = order.person_id
    session.commit()
    url = f"/quarantine/orders/{order.id}"
    with TestClient(_app(app_factory)) as client:
        log_in(client, "tracer")
        panel = client.get(f"{url}/conversion").text
        assert f'href="/surveillance/cases/{case.id}" id="open-case"' in panel
        assert 'value="suspect"' not in panel and "Convert to isolation" in panel
        form = {
            "csrf_token": csrf_from(panel),
            "version": str(order.version),
            "action": "suspect",
            "reason": "fever",
            "confirm": "yes",
        }
        refused = client.post(f"{url}/convert?lang=zh", data=form)
        assert refused.status_code == 409 and f"#{case.id}" in refused.text
        assert "已是" in refused.text
    session.expire_all()
    assert session.get_one(QuarantineOrder, order.id).status == "active"
    assert session.scalar(select(func.count()).select_from(Case)) == 2  # index + existing


def test_api_lists_my_positives_and_converts_with_a_reason(
    session: Session, client: TestClient
) -> None:
    tree = small_tree(session)
    tracer = make_user(session, "tracer", "investigator", "C1A")
    order = contact_order(session, tree["C1A"], owner_id=tracer.id)
    positive_for(session, lab_actor(session), order)
    session.commit()
    headers = bearer(client, "tracer")
    listed = client.get("/api/v1/quarantine/positives", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["order_id"] == order.id
    url = f"/api/v1/quarantine/orders/{order.id}/convert-to-isolation"
    no_reason = client.post(url, json={"version": order.version}, headers=headers)
    assert no_reason.status_code == 422
    done = client.post(url, json={"version": order.version, "reason": "PCR"}, headers=headers)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "converted" and done.json()["infector_case_id"]
    assert client.get("/api/v1/quarantine/positives", headers=headers).json()["total"] == 0


def test_a_waiting_positive_blocks_completion_follows_a_transfer_and_ends_with_a_release(
    session: Session,
) -> None:
    tree = small_tree(session)
    order = contact_order(session, tree["C1A"])
    positive_for(session, lab_actor(session), order)
    order.last_report_at, order.last_report_symptomatic = T0, False
    session.flush()
    after = order.end_date + timedelta(days=1)
    assert outcomes.complete_finished(session, after, T0) == 0  # not completed on its own
    outcomes.transfer(
        session,
        system_actor(),
        order.id,
        version=order.version,
        to_code="C2A",
        reason="lives there",
        now=T0,
    )
    proposal = session.scalars(select(ConversionProposal)).one()
    assert (proposal.jurisdiction_id, proposal.owner_id) == (tree["C2A"].id, None)
    outcomes.release(
        session,
        system_actor(),
        order.id,
        version=order.version,
        reason="false positive",
        now=T0,
        today=DAY,
    )
    session.refresh(proposal)
    assert (proposal.status, proposal.reason) == ("dismissed", "false positive")


def test_making_a_suspected_case_takes_a_reason_through_the_api_and_never_in_one_click(
    session: Session, client: TestClient
) -> None:
    """The API's make-a-suspected-case took no reason, and the order page's action handler
    still converted on a hand-made ``action=convert`` without one."""
    tree = small_tree(session)
    make_user(session, "tracer", "investigator", "C1A")
    order = contact_order(session, tree["C1A"])
    session.commit()
    headers = bearer(client, "tracer")
    url = f"/api/v1/quarantine/orders/{order.id}/convert"
    for body in ({"version": order.version}, {"version": order.version, "reason": "   "}):
        assert client.post(url, json=body, headers=headers).status_code == 422
    log_in(client, "tracer")
    page = client.get(f"/quarantine/orders/{order.id}")
    one_click = {"csrf_token": csrf_from(page.text), "version": str(order.version)}
    answer = client.post(
        f"/quarantine/orders/{order.id}/action", data=one_click | {"action": "convert"}
    )
    assert answer.status_code == 422
    session.expire_all()
    assert session.get_one(QuarantineOrder, order.id).status == "active"
    done = client.post(
        url, json={"version": order.version, "reason": "fever 38.5"}, headers=headers
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "converted"
