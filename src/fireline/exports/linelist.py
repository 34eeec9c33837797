"""The pseudonymised line list: which cases, under which key, and their lines in chunks.

The cases are the case list's (the same scope and filters as ``GET /api/v1/cases``,
through :func:`fireline.surveillance.caselist.spec_for`), read by keyset on the case id
(``id > last ORDER BY id LIMIT n``): each chunk is one short query, so neither the
server nor the database holds the whole table, and no cursor stays open between chunks.
What a line holds is in :mod:`fireline.exports.pseudonyms`; the export is audited once,
before the first byte leaves, with who asked, the filters, the key's name and the row
count, never a value of the rows.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from fireline.analytics.incidence import epiweek_label
from fireline.auth import audit
from fireline.context import Context
from fireline.db.engine import reading
from fireline.errors import Forbidden, Problem
from fireline.exports.models import ExportKey
from fireline.exports.pseudonyms import age_band, age_years, pseudonym
from fireline.interop.cells import inert
from fireline.listing import ListQuery
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance import caselist
from fireline.surveillance.models import Case

FORMATS: Final = ("csv", "xlsx", "parquet")
KEY_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
CHUNK: Final = 5000
# A sheet holds 1,048,576 rows, the header among them (Excel specifications and limits).
XLSX_MAX_ROWS: Final = 1_048_575
DATES: Final = ("onset", "reported", "confirmed", "outcome_date")


def header(weeks: bool) -> tuple[str, ...]:
    dates = tuple(f"{name}_week" if weeks else name for name in DATES)
    return (
        "case",
        "person",
        "disease",
        "classification",
        *dates[:3],
        "outcome",
        dates[3],
        "sex",
        "age_band",
        "jurisdiction",
        "imported",
    )


@dataclass(frozen=True)
class Ask:
    """What the user asked for: a format, a key's name, weeks or days, the list's filters."""

    format: str
    key: str
    weeks: bool = False
    query: ListQuery = field(default_factory=ListQuery)


@dataclass(frozen=True)
class Plan:
    """An export ready to stream: the scoped, filtered statement, the key and the count."""

    statement: Select[Any]
    key: bytes
    format: str
    weeks: bool
    week_system: str
    rows: int

    @property
    def header(self) -> tuple[str, ...]:
        return header(self.weeks)


def may_export(context: Context) -> bool:
    return context.actor.can("exports:run")


def require_export(context: Context) -> None:
    if not may_export(context):
        raise Forbidden(f"the {context.actor.role} role does not allow exports")


def check(ask: Ask) -> list[dict[str, str]]:
    """What is wrong with the request, one entry per field (empty when nothing is)."""
    wrong = []
    if ask.format not in FORMATS:
        wrong.append({"field": "format", "message": f"choose one of {', '.join(FORMATS)}"})
    if not KEY_NAME.fullmatch(ask.key):
        wrong.append(
            {
                "field": "key",
                "message": "a key name is 1-64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit",
            }
        )
    return wrong


def key_secret(session: Session, context: Context, name: str) -> bytes:
    """The secret of the key named ``name``: the deployment's (``FIRELINE_EXPORT_KEYS``)
    or, for a name not configured, a random 256-bit secret made on first use and kept."""
    configured = context.settings.export_keys.get(name)
    if configured is not None:
        return configured.get_secret_value().encode()
    found = session.scalars(select(ExportKey.secret).where(ExportKey.name == name)).first()
    if found is not None:
        return bytes(found)
    secret = secrets.token_bytes(32)
    session.add(ExportKey(name=name, secret=secret, created_by=context.actor.user_id))
    session.flush()
    return secret


def _statement(session: Session, context: Context, query: ListQuery) -> Select[Any]:
    actor = context.actor
    found = (
        select(
            Case.id,
            Case.person_id,
            Case.disease,
            Case.classification,
            Case.date_onset,
            Case.date_reporting,
            Case.date_confirmation,
            Case.outcome,
            Case.date_outcome,
            Person.sex,
            Person.birth_date,
            Jurisdiction.code,
            Case.imported,
        )
        .join(Person, Person.id == Case.person_id)
        .join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
    )
    spec = caselist.spec_for(session, actor, with_persons=False)
    # No search text: a line list is chosen by its filters, never by a name.
    return spec.narrowed(actor.restrict(found, Case), ListQuery(filters=query.filters))


def _count(session: Session, context: Context, query: ListQuery) -> int:
    """The lines the export will hold, counted on the cases alone: every case has its
    person and its place (required foreign keys), and the filters are the case's."""
    actor = context.actor
    spec = caselist.spec_for(session, actor, with_persons=False)
    counted = actor.restrict(select(func.count()).select_from(Case), Case)
    return session.scalar(spec.narrowed(counted, ListQuery(filters=query.filters))) or 0


def plan(session: Session, context: Context, ask: Ask) -> Plan:
    """Check the request, find the key, count the rows and audit the export."""
    require_export(context)
    wrong = check(ask)
    if wrong:
        raise Problem(422, wrong[0]["message"], errors=wrong)
    statement = _statement(session, context, ask.query)
    rows = _count(session, context, ask.query)
    if ask.format == "xlsx" and rows > XLSX_MAX_ROWS:
        message = f"{rows:,} cases do not fit in one sheet; choose CSV or Parquet"
        raise Problem(422, message, errors=[{"field": "format", "message": message}])
    secret = key_secret(session, context, ask.key)
    actor = context.actor
    audit.record(
        session,
        actor,
        "export",
        "linelist",
        jurisdiction_id=actor.jurisdiction_id or None,
        filters={k: ask.query.value(k) for k in caselist.FILTERS if ask.query.value(k)},
        format=ask.format,
        key=ask.key,
        weeks=ask.weeks,
        rows=rows,
    )
    system = "cdc" if context.settings.week_system == "mmwr" else "iso"
    return Plan(statement, secret, ask.format, ask.weeks, system, rows)


def chunks(sessions: sessionmaker[Session], plan: Plan) -> Iterator[list[tuple[Any, ...]]]:
    """The export's lines, ``CHUNK`` at a time, in case-id order (keyset paging), read in
    one reading session of their own (the request's has committed by then)."""
    line = _liner(plan)
    with reading(sessions)() as session:
        last = 0
        while True:
            found = session.execute(
                plan.statement.where(Case.id > last).order_by(Case.id).limit(CHUNK)
            ).all()
            if not found:
                return
            yield [line(row) for row in found]
            last = found[-1][0]


def _liner(plan: Plan) -> Callable[[Any], tuple[Any, ...]]:
    """A function from a selected row to its line; week labels and cell values are
    memoised, since a line list has few distinct dates, codes and places."""
    key, weeks, system = plan.key, plan.weeks, plan.week_system
    labels: dict[date, str] = {}
    cells: dict[Any, Any] = {}

    def when(day: date | None) -> date | str | None:
        if day is None or not weeks:
            return day
        label = labels.get(day)
        if label is None:
            label = labels[day] = epiweek_label(day, system)  # type: ignore[arg-type]
        return label

    def cell(value: Any) -> Any:
        if value not in cells:
            cells[value] = inert(value)
        return cells[value]

    def line(row: Any) -> tuple[Any, ...]:
        (case_id, person_id, disease, classification, onset, reported, confirmed) = row[:7]
        (outcome, outcome_day, sex, birth, code, imported) = row[7:]
        return (
            pseudonym(key, "case", case_id),
            pseudonym(key, "person", person_id),
            cell(disease),
            classification,
            when(onset),
            when(reported),
            when(confirmed),
            outcome,
            when(outcome_day),
            cell(sex),
            age_band(age_years(birth, onset or reported)),
            cell(code),
            bool(imported),
        )

    return line
