"""The case list, implemented once: the case list page, ``GET /api/v1/cases`` and the
CSV export all answer through one :class:`~fireline.listing.ListSpec` over one scoped
statement (docs/architecture.md, "One request context").

The context's actor is already narrowed to the chosen jurisdiction (the page's, or the
API's ``jurisdiction``); the ``area`` filter narrows it further. Names (and the person
columns of the export) are joined only for roles with ``persons:read``; every read
that shows them is audited with the persons read, here and nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.bounds import INT64_MAX
from fireline.context import Context
from fireline.errors import Forbidden
from fireline.interop.cells import inert_row
from fireline.listing import (
    Filter,
    ListQuery,
    ListSpec,
    NullsLast,
    every_row,
    search_filter_sort_paginate,
)
from fireline.people.models import Person
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import CLASSIFICATIONS, Case

FILTERS: Final = (
    "classification",
    "disease",
    "reported_from",
    "reported_to",
    "imported",
    "area",
    "batch",
)
DEFAULT_SORT: Final = "reported"
# The epiverse linelist tag names (tags_names()), then Fireline's own columns.
LINELIST: Final = (
    "id",
    "date_onset",
    "date_reporting",
    "date_outcome",
    "gender",
    "age",
    "location",
    "outcome",
    "classification",
    "disease",
    "external_id",
    "imported",
)


SORTS: Final[Mapping[str, tuple[Any, ...]]] = {
    "reported": (Case.date_reporting, Case.id),
    "onset": (NullsLast(Case.date_onset), Case.id),
    "classification": (Case.classification, Case.date_reporting, Case.id),
}


@dataclass(frozen=True)
class CaseRow:
    """One line of the list; the person's columns only for roles that may read persons."""

    case: Case
    place: Jurisdiction
    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None


def can_read_cases(actor: Actor) -> bool:
    """Viewers hold ``records:read`` only: they see cases, never the persons behind them."""
    return actor.can("cases:read") or actor.can("records:read")


def shows_persons(actor: Actor) -> bool:
    return actor.can("persons:read")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _reported_from(text: str) -> ColumnElement[bool] | None:
    day = _day(text)
    return Case.date_reporting >= day if day else None


def _reported_to(text: str) -> ColumnElement[bool] | None:
    day = _day(text)
    return Case.date_reporting <= day if day else None


def _classification(text: str) -> ColumnElement[bool] | None:
    return Case.classification == text if text in CLASSIFICATIONS else None


def _imported(text: str) -> ColumnElement[bool] | None:
    return Case.imported.is_(text == "yes") if text in ("yes", "no") else None


def _batch(text: str) -> ColumnElement[bool] | None:
    if not text.isdigit() or int(text) > INT64_MAX:
        return None
    return Case.import_batch_id == int(text)


def spec_for(session: Session, actor: Actor, *, with_persons: bool) -> ListSpec:
    """How the list filters, searches and sorts for ``actor``."""

    def area(code: str) -> ColumnElement[bool]:
        # A place outside the (narrowed) scope answers 404, as a missing one does.
        return actor.within(actor.jurisdiction(session, code)).covers(Case.jurisdiction_id)

    def search(text: str) -> list[ColumnElement[bool]]:
        """External ID (exact or prefix) and case number for all; the name only where the
        role may read persons, so a viewer cannot probe who is a case by name."""
        terms = [Case.external_id == text, Case.external_id.startswith(text, autoescape=True)]
        number = text.lstrip("#")
        if number.isdigit() and int(number) <= INT64_MAX:
            terms.append(Case.id == int(number))
        if with_persons:
            terms.append(Person.name.contains(text, autoescape=True))
        return terms

    filters: dict[str, Filter] = {
        "classification": _classification,
        "disease": lambda text: Case.disease == text,
        "reported_from": _reported_from,
        "reported_to": _reported_to,
        "imported": _imported,
        "area": area,
        "batch": _batch,
    }
    return ListSpec(sorts=SORTS, default_sort=DEFAULT_SORT, filters=filters, search=search)


def _statement(actor: Actor, with_persons: bool) -> Select[Any]:
    columns: list[Any] = [Case, Jurisdiction]
    if with_persons:
        columns += [Person.name, Person.sex, Person.birth_date]
    found = select(*columns).join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
    if with_persons:
        found = found.join(Person, Person.id == Case.person_id)
    return actor.restrict(found, Case)


def _require(actor: Actor) -> None:
    if not can_read_cases(actor):
        raise Forbidden(f"the {actor.role} role does not allow reading cases")


def _row(values: tuple[Any, ...]) -> CaseRow:
    return CaseRow(*values)


def _asked(query: ListQuery) -> dict[str, str]:
    """The filters of a read as the audit log keeps them: no search text, which may be a
    name (the log holds ids and filters, never personal data)."""
    asked = {name: query.value(name) for name in FILTERS if query.value(name)}
    return {**asked, "searched": "yes"} if query.q.strip() else asked


def list_cases(session: Session, context: Context, query: ListQuery) -> tuple[list[CaseRow], int]:
    """One page of the cases in the context's scope and the total; a page that shows
    names is a read of personal data, audited with the persons read."""
    actor = context.actor
    _require(actor)
    persons = shows_persons(actor)
    spec = spec_for(session, actor, with_persons=persons)
    found, total = search_filter_sort_paginate(
        session, _statement(actor, persons), spec, query, scalars=False
    )
    rows = [_row(r) for r in found]
    if persons and rows:
        audit.record(
            session,
            actor,
            "read",
            "case",
            [r.case.id for r in rows],
            jurisdiction_id=actor.jurisdiction_id or None,
            persons=[r.case.person_id for r in rows],
            filters=_asked(query),
        )
    return rows, total


def age_at(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _line(row: CaseRow, names: bool) -> list[Any]:
    case = row.case
    age = age_at(row.birth_date, case.date_onset or case.date_reporting)
    return inert_row(
        [
            case.id,
            case.date_onset or "",
            case.date_reporting,
            case.date_outcome or "",
            row.sex or "",
            "" if age is None else age,
            row.place.code,
            case.outcome or "",
            case.classification,
            case.disease,
            case.external_id or "",
            "true" if case.imported else "false",
            *((row.name,) if names else ()),
        ]
    )


def export_csv(session: Session, context: Context, query: ListQuery, *, names: bool) -> str:
    """Every case the query matches as a line list (every row, whatever the page); the
    person columns for ``persons:read`` only, the names only when asked. Audited."""
    actor = context.actor
    _require(actor)
    persons = shows_persons(actor)
    names = names and persons
    spec = spec_for(session, actor, with_persons=persons)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*LINELIST, *(("name",) if names else ())])
    case_ids, person_ids = [], []
    for values in every_row(session, _statement(actor, persons), spec, query):
        row = _row(values)
        case_ids.append(row.case.id)
        person_ids.append(row.case.person_id)
        writer.writerow(_line(row, names))
    shown: dict[str, Any] = {"persons": person_ids, "names": names} if persons else {}
    audit.record(
        session,
        actor,
        "export",
        "case",
        case_ids,
        jurisdiction_id=actor.jurisdiction_id or None,
        filters=_asked(query),
        **shown,
    )
    return buffer.getvalue()
