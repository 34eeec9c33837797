"""A running worker re-checks evidence only where something changed, and everything
once per full-check period."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fireline.auth.scope import system_actor
from fireline.diseases import load_profiles
from fireline.quarantine.proposals import decide
from fireline.quarantine.schemas import ProposalDecisions
from fireline.response.evidence_watch import EvidenceWatch, Marks
from fireline.response.models import ResponseTask
from fireline.response.service import sweep_in_steps
from fireline.tracing.models import Contact
from tests.places.factories import small_tree
from tests.response.factories import T0, add_case, add_contact, add_order, add_sample, settings


def _marks(minutes: float) -> Marks:
    return Marks(T0 + timedelta(minutes=minutes), 1, 1, 1, 1)


def test_a_new_watch_asks_for_a_full_check() -> None:
    assert EvidenceWatch().since(T0) is None


def test_a_check_starts_from_marks_taken_at_least_the_overlap_before() -> None:
    watch = EvidenceWatch(full_every=timedelta(hours=1), overlap=timedelta(minutes=15))
    watch.checked(_marks(0), full=True)
    assert watch.since(T0 + timedelta(minutes=1)) == _marks(0)  # none settled: the full one
    for minute in (5, 10, 16, 20):
        watch.checked(_marks(minute), full=False)
    assert watch.since(T0 + timedelta(minutes=21)) == _marks(5)
    assert watch.since(T0 + timedelta(minutes=31)) == _marks(16)


def test_a_full_check_is_due_once_its_period_has_passed() -> None:
    watch = EvidenceWatch(full_every=timedelta(hours=1))
    watch.checked(_marks(0), full=True)
    watch.checked(_marks(30), full=False)
    assert watch.since(T0 + timedelta(minutes=59)) is not None
    assert watch.since(T0 + timedelta(minutes=60)) is None


def test_old_marks_are_let_go() -> None:
    watch = EvidenceWatch(full_every=timedelta(days=1), overlap=timedelta(minutes=15))
    watch.checked(_marks(0), full=True)
    for minute in range(1, 300):
        watch.checked(_marks(minute), full=False)
    assert len(watch._marks) <= 17


class Worker:
    """The response sweep as a running worker makes it: one watch across sweeps."""

    def __init__(self, session: Session) -> None:
        self.session, self.watch = session, EvidenceWatch(full_every=timedelta(hours=1))

    def sweep(self, minutes: float) -> int:
        return sweep_in_steps(
            lambda: nullcontext(self.session),
            T0 + timedelta(minutes=minutes),
            profiles=load_profiles(),
            settings=settings(),
            watch=self.watch,
        ).completed


def _open(session: Session, case_id: int) -> set[str]:
    session.expire_all()
    found = select(ResponseTask.playbook_id).where(
        ResponseTask.case_id == case_id, ResponseTask.status == "open"
    )
    return set(session.scalars(found))


def test_new_contacts_orders_and_samples_are_seen_between_full_checks(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    worker = Worker(session)
    worker.sweep(0)  # the worker's first sweep: a full check
    contact = add_contact(session, case, listed_at=T0 + timedelta(minutes=1))
    assert worker.sweep(2) == 2  # the interview and the list
    order = add_order(
        session,
        contact.person_id,
        contact.jurisdiction_id,
        start=T0.date(),
        entered=T0 + timedelta(minutes=3),
        contact_id=contact.id,
        status="proposed",
    )
    assert worker.sweep(4) == 0  # proposed only
    decided = T0 + timedelta(minutes=20)
    body = ProposalDecisions.model_validate(
        {"decision": "confirm", "orders": [{"id": order.id, "version": order.version}]}
    )
    decide(session, system_actor(), body, now=decided, today=decided.date())
    add_sample(session, contact.person_id, case.jurisdiction_id, T0 + timedelta(minutes=21))
    assert worker.sweep(22) == 2  # quarantine (a decision: updated_at) and samples
    assert "quarantine" not in _open(session, case.id)
    assert "samples" not in _open(session, case.id)


def test_what_no_mark_shows_waits_for_the_next_full_check(session: Session) -> None:
    tree = small_tree(session)
    listed, silent = add_case(session, tree["C1A"]), add_case(session, tree["C1A"])
    worker = Worker(session)
    worker.sweep(0)
    contact = add_contact(session, listed, listed_at=T0 + timedelta(minutes=1))
    worker.sweep(2)
    # The contact moved to another case by a bare UPDATE: no new id, no updated_at.
    session.execute(update(Contact).where(Contact.id == contact.id).values(case_id=silent.id))
    assert worker.sweep(30) == 0
    assert "interview" in _open(session, silent.id)
    assert worker.sweep(61) == 2  # an hour after the first: everything is checked again
    assert "interview" not in _open(session, silent.id)


def test_a_sweep_without_a_watch_checks_everything(session: Session) -> None:
    tree = small_tree(session)
    case = add_case(session, tree["C1A"])
    sweep_in_steps(lambda: nullcontext(session), T0, profiles=load_profiles(), settings=settings())
    add_contact(session, case, listed_at=T0 + timedelta(minutes=1))
    done = sweep_in_steps(
        lambda: nullcontext(session),
        T0 + timedelta(minutes=2),
        profiles=load_profiles(),
        settings=settings(),
    )
    assert done.completed == 2
