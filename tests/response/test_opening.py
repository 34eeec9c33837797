"""The sweep opens responses by each disease's policy, once per case or alert."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.diseases import load_profiles
from fireline.response.models import Response, ResponseCase, ResponseTask
from fireline.response.service import sweep
from fireline.response.settings import ResponseSettings
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, settings
from tests.surveillance.signals.factories import make_alert


def _sweep(session: Session, hours: float = 0, config: ResponseSettings | None = None):  # type: ignore[no-untyped-def]
    return sweep(
        session,
        T0 + timedelta(hours=hours),
        profiles=load_profiles(),
        settings=config or settings(),
    )


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_every_confirmed_case_opens_one_response_with_its_playbook(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    add_case(session, tree["C1A"], classification="suspected")
    first = _sweep(session)
    assert (first.responses, first.tasks) == (1, 8)  # covid19: eight case_confirmed tasks
    response = session.scalars(select(Response)).one()
    assert (response.case_id, response.jurisdiction_id, response.level) == (
        case.id,
        tree["C1A"].id,
        "IV",
    )
    again = _sweep(session, hours=1)
    assert (again.responses, again.tasks) == (0, 0)
    assert _count(session, Response) == 1 and _count(session, ResponseTask) == 8


def test_task_deadlines_and_owners_come_from_the_playbook(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"])
    _sweep(session)
    tasks = {t.playbook_id: t for t in session.scalars(select(ResponseTask))}
    isolate, quarantine = tasks["isolate"], tasks["quarantine"]
    assert isolate.due_at.replace(tzinfo=None) == (T0 + timedelta(hours=2)).replace(tzinfo=None)
    assert quarantine.due_at.replace(tzinfo=None) == (T0 + timedelta(hours=24)).replace(tzinfo=None)
    assert quarantine.depends_on == "contacts"
    assert (isolate.owner_id, isolate.parent_id, isolate.grandparent_id) == (
        tree["C1A"].id,
        tree["C1"].id,
        tree["P"].id,
    )


def test_first_case_after_clean_days_opens_later_cases_join(session: Session) -> None:
    tree = small_tree(session)
    day0 = date(2026, 3, 2)
    first = add_case(session, tree["C1A"], disease="ebola", reported=day0)
    assert _sweep(session).responses == 1
    later = add_case(session, tree["C1A"], disease="ebola", reported=day0 + timedelta(days=3))
    joined = _sweep(session, hours=72)
    assert (joined.responses, joined.cases_joined) == (0, 1)
    response = session.scalars(select(Response)).one()
    assert response.case_id == first.id
    members = set(session.scalars(select(ResponseCase.case_id)))
    assert members == {first.id, later.id}
    assert _count(session, ResponseTask) == 12  # six ebola case tasks per case
    response.status = "closed"
    add_case(session, tree["C1A"], disease="ebola", reported=day0 + timedelta(days=10))
    assert _sweep(session, hours=240).responses == 0  # not clean: a case 7 days before
    add_case(session, tree["C1A"], disease="ebola", reported=day0 + timedelta(days=60))
    assert _sweep(session, hours=24 * 60).responses == 1
    add_case(session, tree["C2A"], disease="ebola", reported=day0 + timedelta(days=3))
    assert _sweep(session, hours=24 * 61).responses == 1  # another county is clean


def test_signals_only_diseases_open_on_alerts_not_cases(session: Session) -> None:
    tree = small_tree(session)
    add_case(session, tree["C1A"], disease="influenza")
    alert = make_alert(session, tree["C1B"])
    alert.disease = "influenza"
    covid_alert = make_alert(session, tree["C1B"], day=date(2026, 3, 30))  # covid: no alert tasks
    summary = _sweep(session)
    assert (summary.responses, summary.tasks) == (1, 1)
    response = session.scalars(select(Response)).one()
    assert (response.trigger, response.alert_id) == ("alert", alert.id)
    assert covid_alert.id != alert.id
    assert _sweep(session, hours=1).responses == 0


def test_dismissed_alerts_open_nothing(session: Session) -> None:
    tree = small_tree(session)
    alert = make_alert(session, tree["C1B"])
    alert.disease, alert.status = "influenza", "dismissed"
    assert _sweep(session).responses == 0


def test_a_cholera_case_opens_a_response_with_the_cholera_playbook(session: Session) -> None:
    """Cholera's own playbook: reported and isolated within 2 h (class A), the water
    source investigated; no contact quarantine task, as WHO advises none."""
    tree = small_tree(session)
    add_case(session, tree["C1A"], disease="cholera")
    opened = _sweep(session)
    assert (opened.responses, opened.tasks) == (1, 6)
    response = session.scalars(select(Response)).one()
    assert response.disease == "cholera"
    tasks = {t.playbook_id: t for t in session.scalars(select(ResponseTask))}
    assert set(tasks) == {"notify", "isolate", "interview", "water", "contacts", "sample"}
    assert "quarantine_contacts" not in {t.type for t in tasks.values()}
    water = tasks["water"]
    assert (water.type, water.depends_on) == ("disinfect_venues", "interview")
    due = {k: (t.due_at - t.started_at).total_seconds() / 3600 for k, t in tasks.items()}
    assert due["notify"] == due["isolate"] == 2 and due["sample"] == 48
