"""Contacts' identifiers are pseudonymised N days after their last quarantine closed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth.models import AuditEvent
from fireline.auth.scope import Actor
from fireline.clock import FrozenClock
from fireline.context import Context
from fireline.diseases.loader import load_profiles, shipped_profile_dir
from fireline.errors import Forbidden
from fireline.people.models import Person
from fireline.retention.service import purge_closed_contacts, retention_rules
from fireline.settings import Settings
from tests.places.factories import by_code
from tests.response.factories import context_at
from tests.retention.factories import NOW, retention_world

DUE = {"old", "ebola_planned"}


def test_the_shipped_profiles_carry_a_cited_rule() -> None:
    rules = retention_rules(load_profiles())
    assert rules == {
        "cholera": 14,
        "covid19": 28,
        "ebola": 42,
        "influenza": 14,
        "measles": 42,
        "mpox": 42,
    }
    assert all(
        "sara_alert_purge" in (p.retention.source if p.retention else ())
        for p in load_profiles().values()
    )


def test_dry_run_counts_and_changes_nothing(session: Session) -> None:
    people = retention_world(session)
    before = {k: (p.name, p.phone, p.version) for k, p in people.items()}
    summary = purge_closed_contacts(session, context_at(NOW), dry_run=True)
    assert (summary.eligible, summary.pseudonymised, summary.dry_run) == (len(DUE), 0, True)
    session.expire_all()
    assert {k: (p.name, p.phone, p.version) for k, p in people.items()} == before


def test_apply_pseudonymises_only_the_due_contacts_once(session: Session) -> None:
    people = retention_world(session)
    versions = {k: p.version for k, p in people.items()}
    summary = purge_closed_contacts(session, context_at(NOW), dry_run=False)
    assert (summary.eligible, summary.pseudonymised) == (len(DUE), len(DUE))
    session.expire_all()
    for key, person in people.items():
        if key in DUE:
            assert person.name == f"pseudonym-{person.id}"
            assert (person.national_id, person.phone, person.address) == (None, None, None)
            assert person.birth_date == date(1980, 1, 1) and person.version == versions[key] + 1
        else:
            assert person.name != f"pseudonym-{person.id}" and person.phone == "13800000000"
            assert person.birth_date == date(1980, 5, 17) and person.version == versions[key]
    again = purge_closed_contacts(session, context_at(NOW), dry_run=False)
    assert (again.eligible, again.pseudonymised) == (0, 0)


def test_every_run_is_audited_with_counts_never_names(session: Session) -> None:
    people = retention_world(session)
    purge_closed_contacts(session, context_at(NOW), dry_run=True)
    purge_closed_contacts(session, context_at(NOW), dry_run=False)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "retention_purge").order_by(AuditEvent.id)
    ).all()
    assert [
        (e.detail["dry_run"], e.detail["eligible"], e.detail["pseudonymised"]) for e in events
    ] == [(True, 2, 0), (False, 2, 2)]
    text = json.dumps([e.detail for e in events]) + str([e.entity_ids for e in events])
    assert not any(p.name.split()[0] in text for p in people.values())
    assert "1101051949" not in text and "13800000000" not in text


def test_later_the_recent_ones_are_due_too(session: Session) -> None:
    retention_world(session)
    later = NOW.replace(month=8)  # 61 days on: covid19's 28 and ebola's 42 have passed
    summary = purge_closed_contacts(session, context_at(later), dry_run=True)
    assert summary.eligible == len(DUE | {"recent", "mixed", "ebola_recent"})


def test_a_role_without_persons_write_is_refused(session: Session) -> None:
    viewer = Actor(None, "viewer", "viewer", 0, "/")
    with pytest.raises(Forbidden):
        purge_closed_contacts(session, context_at(NOW, viewer), dry_run=True)
    assert session.scalars(select(Person)).first() is None


def test_the_purge_stays_inside_the_contexts_subtree(session: Session) -> None:
    retention_world(session)  # every contact lives in C1A
    elsewhere = context_at(NOW).within(by_code(session, "C2A"))
    assert purge_closed_contacts(session, elsewhere, dry_run=False).eligible == 0
    here = context_at(NOW).within(by_code(session, "C1A"))
    assert purge_closed_contacts(session, here, dry_run=True).eligible == len(DUE)


def test_the_deployments_rules_decide(session: Session, tmp_path: Path) -> None:
    """A deployment folder that keeps covid19 contacts 5 days makes the recent ones due."""
    shipped = (shipped_profile_dir() / "covid19.yaml").read_text(encoding="utf-8")
    shorter = shipped.replace("contact_identifiers_days: 28", "contact_identifiers_days: 5")
    assert shorter != shipped
    (tmp_path / "covid19.yaml").write_text(shorter, encoding="utf-8")
    retention_world(session)
    deployment = Context.for_system(Settings(disease_dir=tmp_path), FrozenClock(NOW))
    summary = purge_closed_contacts(session, deployment, dry_run=True)
    assert summary.rules["covid19"] == 5
    assert summary.eligible == len(DUE | {"recent"})
