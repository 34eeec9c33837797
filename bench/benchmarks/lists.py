"""The big lists on PostgreSQL with a simulated wave loaded (issue #17): the case list, an
order's follow-ups, a case's contacts, the quarantine orders and samples of the API, each
as a province user opens them (first page, page 50, filtered, searched) and their count.

Figure: the lists as they serve now (a page after another found by its cursor, the count
capped at 10,000 and estimated beyond, the list-order indexes of migration c5d2e8f1a734).
Baseline: the same lists as they served before, measured in the same database: every
page by OFFSET, every total counted to the end, and the new indexes dropped (inside a
transaction that is rolled back). Each time is the median of five runs after a warm-up.

Needs FIRELINE_BENCH_POSTGRES_URL or FIRELINE_TEST_POSTGRES_URL; makes and drops its own
database, unless FIRELINE_BENCH_LISTS_URL names one already loaded (kept).
Run: ``python -m bench lists [--scale small|full]`` (small: 100,000 cases).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from bench.benchmarks.response import _load, postgres
from bench.registry import Measurement, timed
from fireline import pagination
from fireline.auth.scope import system_actor
from fireline.clock import SystemClock
from fireline.context import Context
from fireline.db.engine import make_engine, session_factory
from fireline.db.migrate import upgrade
from fireline.listing import ListQuery
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.quarantine import duelist, orders
from fireline.quarantine.models import QuarantineOrder
from fireline.settings import Settings
from fireline.surveillance import caselist
from fireline.surveillance.models import Case
from fireline.testing.samples import list_samples
from fireline.tracing.contacts import contacts_of
from fireline.tracing.models import Contact

NAME = "lists"
DESCRIPTION = "case, follow-up, contact, order and sample lists: pages and counts (100,000 cases)"
CASES = {"small": 100_000, "full": 600_000}
NEW_INDEXES = ("ix_cases_date_reporting_id", "ix_samples_collected_at_id")
UNCAPPED = 10**12


@contextmanager
def _database(cases: int) -> Iterator[Engine]:
    kept = os.environ.get("FIRELINE_BENCH_LISTS_URL")
    if kept:
        engine = make_engine(kept)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    with postgres() as engine:
        _load(engine, cases)
        yield engine


def _median(work: Callable[[], object]) -> float:
    work()
    return statistics.median(timed(work) for _ in range(5))


def _walk_to(page: int, run: Callable[[ListQuery], Any], query: ListQuery) -> ListQuery:
    """The query of page ``page`` as a reader reaches it: Next, Next, ... (cursors)."""
    for _ in range(page - 1):
        _, total = run(query)
        cursor = getattr(total, "next_cursor", None)  # a Total, typed int by the services
        if cursor is None:
            break  # a short list: its last page
        query = query.following(cursor)
    return query


def _lists(session: Session) -> dict[str, tuple[Callable[[ListQuery], Any], ListQuery]]:
    """Each list as its service answers it for the province, with the query measured."""
    context = Context.build(system_actor(), Settings(), SystemClock())
    actor = context.actor
    busy_case = session.scalar(
        select(Contact.case_id).group_by(Contact.case_id).order_by(text("count(*) DESC")).limit(1)
    )
    province = session.scalars(select(Jurisdiction).where(Jurisdiction.depth == 0)).one()
    day = session.scalar(select(func.max(QuarantineOrder.start_date))) or date.today()
    f = duelist.flags(day, datetime.combine(day, time(12), UTC), 24.0)

    def due(q: ListQuery) -> Any:
        """The day's follow-up list: a work queue in urgency order, paged by offset."""
        found = duelist.due_rows(
            session,
            actor,
            province,
            f,
            which="all",
            assignee_id=None,
            limit=q.limit,
            offset=q.offset,
        )
        return found

    return {
        "cases": (lambda q: caselist.list_cases(session, context, q), ListQuery()),
        "cases confirmed in a city": (
            lambda q: caselist.list_cases(session, context, q),
            ListQuery(filters={"classification": "confirmed", "area": "330100"}),
        ),
        "cases searched (external id)": (
            lambda q: caselist.list_cases(session, context, q),
            ListQuery(
                q=str(
                    session.scalar(select(Case.external_id).order_by(Case.id).offset(5000).limit(1))
                )
            ),
        ),
        "cases searched (name)": (
            lambda q: caselist.list_cases(session, context, q),
            ListQuery(
                q=str(
                    session.scalar(select(Person.name).order_by(Person.id).offset(5000).limit(1))
                )[:2]
            ),
        ),
        "orders (API)": (lambda q: orders.list_orders(session, actor, q), ListQuery()),
        "samples (API)": (lambda q: list_samples(session, context, q), ListQuery()),
        "contacts of a case": (
            lambda q: contacts_of(session, actor, int(busy_case or 0), q),
            ListQuery(limit=10),
        ),
        "follow-up (due) list": (due, ListQuery()),
    }


def _measure(
    run: Callable[[ListQuery], Any], first: ListQuery, deep: ListQuery
) -> dict[str, float]:
    return {
        "first_ms": _median(lambda: run(first)) * 1000,
        "page_50_ms": _median(lambda: run(deep)) * 1000,
        "total": float(run(first)[1]),
    }


def _now(session: Session) -> dict[str, dict[str, float]]:
    """Page 50 reached by Next, as a reader does: found by its cursor."""
    lists = _lists(session).items()
    return {name: _measure(run, q, _walk_to(50, run, q)) for name, (run, q) in lists}


def _before(session: Session) -> dict[str, dict[str, float]]:
    """Page 50 by its offset, as every page was found before."""
    lists = _lists(session).items()
    return {name: _measure(run, q, q.with_page(50)) for name, (run, q) in lists}


def _count_ms(session: Session, cap: int) -> float:
    statement = caselist._statement(system_actor(), True)  # the list's own statement
    return _median(lambda: pagination.count(session, statement, cap=cap)) * 1000


def run(scale: str) -> Measurement:
    with _database(CASES[scale]) as engine:
        # Lists that show persons audit their reads: every session here is rolled back.
        sessions = session_factory(engine)
        with sessions() as session:
            now = _now(session)
            capped_ms = _count_ms(session, pagination.COUNT_CAP)
            session.rollback()
        with sessions() as session:
            for name in NEW_INDEXES:
                session.execute(text(f"DROP INDEX IF EXISTS {name}"))
            original = pagination.COUNT_CAP
            pagination.COUNT_CAP = UNCAPPED  # every total counted to the end
            try:
                before = _before(session)
                full_ms = _count_ms(session, UNCAPPED)
            finally:
                pagination.COUNT_CAP = original
                session.rollback()
    slowest = max(max(v["first_ms"], v["page_50_ms"]) for v in now.values())
    slowest_before = max(max(v["first_ms"], v["page_50_ms"]) for v in before.values())
    detail: dict[str, Any] = {
        "cases": CASES[scale],
        "now": now,
        "before": before,
        "case_count_ms": {"capped_or_estimated": capped_ms, "counted_to_the_end": full_ms},
    }
    return Measurement(
        slowest / 1000, "offset pages, full counts, no list indexes", slowest_before / 1000, detail
    )
