"""Retention: contacts' identifiers are pseudonymised some days after their quarantine closed.

Data minimisation (PIPL arts. 19 and 47; GDPR art. 5(1)(e) states the same rule):
personal information is kept no longer than its purpose needs, then deleted or made
non-identifying. Sara Alert purges a closed monitoree's identifiers 14 days after
the record closed, in a weekly job. Fireline does the same for persons who were only
ever contacts: each disease profile says after how many days (``retention``), the
purge is one set-based UPDATE, a dry run counts first, and every run writes one
audit row with counts (never who).

Cases are kept: their records are the surveillance itself and follow the reporting
law's own retention. A contact who is also a case, or who still has an order open or
closed too recently, or an order of a disease with no rule, keeps every identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import Date, String, and_, cast, exists, func, literal, not_, or_, select, update
from sqlalchemy.orm import Session, aliased

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db.sqlfn import write
from fireline.diseases.schemas import DiseaseProfile
from fireline.people.models import Person
from fireline.quarantine.models import QuarantineOrder
from fireline.surveillance.models import Case
from fireline.tracing.models import Contact

# Orders that hold nobody any more; "converted" means the person became a case (kept).
CLOSED: Final = ("completed", "released", "cancelled")
PSEUDONYM_PREFIX: Final = "pseudonym-"


@dataclass(frozen=True)
class PurgeSummary:
    eligible: int
    pseudonymised: int
    dry_run: bool
    rules: dict[str, int]


def retention_rules(profiles: Mapping[str, DiseaseProfile]) -> dict[str, int]:
    """Days per disease code, for the profiles that set a retention rule."""
    return {
        code: profile.retention.contact_identifiers_days
        for code, profile in sorted(profiles.items())
        if profile.retention is not None
    }


def _pseudonym(person: Any) -> Any:
    return literal(PSEUDONYM_PREFIX, String) + cast(person.id, String)


def _year_only(session: Session) -> Any:
    """1 January of the birth year: the age stays for statistics, the birthday goes."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Person.birth_date, "start of year")
    return cast(func.date_trunc("year", Person.birth_date), Date)


def _blocking_orders(person: Any, rules: dict[str, int], now: datetime) -> Any:
    """Orders that keep a person identifiable: open, of a disease with no rule, or closed
    less than that disease's days ago (closed_at, else the planned end)."""
    order = aliased(QuarantineOrder)
    expired = [
        and_(
            order.disease == disease,
            or_(
                order.closed_at < now - timedelta(days=days),
                and_(
                    order.closed_at.is_(None), order.end_date < (now - timedelta(days=days)).date()
                ),
            ),
        )
        for disease, days in rules.items()
    ]
    return select(order.id).where(
        order.person_id == person.id,
        or_(order.disease.is_(None), order.status.not_in(CLOSED), not_(or_(*expired))),
    )


def _eligible(actor: Actor, rules: dict[str, int], now: datetime) -> Any:
    """Ids of persons who were only contacts, all of whose orders closed long enough ago,
    and who still carry an identifier (so a second run finds nobody)."""
    person = aliased(Person)
    statement = select(person.id).where(
        exists(select(Contact.id).where(Contact.person_id == person.id)),
        ~exists(select(Case.id).where(Case.person_id == person.id)),
        exists(select(QuarantineOrder.id).where(QuarantineOrder.person_id == person.id)),
        ~exists(_blocking_orders(person, rules, now)),
        or_(
            person.name != _pseudonym(person),
            person.national_id.is_not(None),
            person.phone.is_not(None),
            person.address.is_not(None),
        ),
    )
    return actor.restrict(statement, person)


def purge_closed_contacts(session: Session, context: Context, *, dry_run: bool) -> PurgeSummary:
    """Pseudonymise (or, with ``dry_run``, only count) the contacts in the context's scope
    due at its now under the rules of its profiles."""
    actor = context.actor
    actor.require("persons:write")
    now = context.now().astimezone(UTC)
    rules = retention_rules(context.profiles)
    eligible = _eligible(actor, rules, now) if rules else None
    count = (
        0
        if eligible is None
        else int(session.scalar(select(func.count()).select_from(eligible.subquery())) or 0)
    )
    done = 0
    if eligible is not None and count and not dry_run:
        done = write(
            session,
            update(Person)
            .where(Person.id.in_(eligible))
            .values(
                name=_pseudonym(Person),
                national_id=None,
                phone=None,
                address=None,
                birth_date=_year_only(session),
                version=Person.version + 1,
            ),
        )
    audit.record(
        session,
        actor,
        "retention_purge",
        "person",
        dry_run=dry_run,
        eligible=count,
        pseudonymised=done,
        rules=rules,
        now=now.isoformat(),
    )
    return PurgeSummary(count, done, dry_run, rules)
