"""The case list's filters, sort and search as one scoped statement, and its CSV export.

Names (and the person columns of the export) are joined only for roles with
``persons:read``; every read that includes them is audited with the persons read.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import urlencode

from sqlalchemy import Select, or_, select
from starlette.datastructures import QueryParams

from fireline.auth import audit
from fireline.interop.cells import inert_row
from fireline.people.models import Person
from fireline.places.models import Jurisdiction, subtree_ids
from fireline.surveillance.models import CLASSIFICATIONS, Case
from fireline.surveillance.views.common import (
    actor_of,
    parse_date,
    scoped,
    session_of,
    shows_persons,
    subtree_place,
)
from fireline.web.deps import Page

PER_PAGE: Final = 50
SORTS: Final = {
    "reported": (Case.date_reporting, Case.id),
    "onset": (Case.date_onset, Case.id),
    "classification": (Case.classification, Case.date_reporting, Case.id),
}
# The epiverse linelist tag names (tags_names()), then Fireline's own columns.
LINELIST: Final = ("id", "date_onset", "date_reporting", "date_outcome", "gender", "age",
                   "location", "outcome", "classification", "disease", "external_id", "imported")


@dataclass(frozen=True)
class CaseQuery:
    """What the user asked the list for; unknown values fall back to "no filter"."""

    classification: str = ""
    disease: str = ""
    reported_from: str = ""
    reported_to: str = ""
    imported: str = ""  # "", "yes", "no"
    area: str = ""  # a jurisdiction code under the chosen one
    batch: str = ""
    q: str = ""
    sort: str = "reported"
    order: str = "desc"
    page: int = 1

    @classmethod
    def from_params(cls, params: QueryParams) -> CaseQuery:
        def text(name: str) -> str:
            return (params.get(name) or "").strip()[:100]

        try:
            number = max(1, int(params.get("page") or 1))
        except ValueError:
            number = 1
        return cls(
            classification=text("classification") if text("classification") in CLASSIFICATIONS
            else "",
            disease=text("disease"), reported_from=text("reported_from"),
            reported_to=text("reported_to"),
            imported=text("imported") if text("imported") in ("yes", "no") else "",
            area=text("area"), batch=text("batch") if text("batch").isdigit() else "",
            q=text("q"), sort=text("sort") if text("sort") in SORTS else "reported",
            order="asc" if text("order") == "asc" else "desc", page=number,
        )

    def link(self, **changes: Any) -> str:
        """The query string of this list with some values changed (blank ones left out)."""
        values = {**asdict(self), **changes}
        if values.get("page") == 1:
            values.pop("page")
        if values.get("sort") == "reported" and values.get("order") == "desc":
            values.pop("sort"), values.pop("order")
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def sort_link(self, key: str) -> str:
        order = "asc" if self.sort == key and self.order == "desc" else "desc"
        return self.link(sort=key, order=order, page=1)


def statement(page: Page, query: CaseQuery, *, with_persons: bool) -> Select[Any]:
    """Cases in the chosen subtree (or the asked area under it) matching the query."""
    columns: list[Any] = [Case, Jurisdiction]
    if with_persons:
        columns += [Person.name, Person.sex, Person.birth_date]
    found = select(*columns).join(Jurisdiction, Jurisdiction.id == Case.jurisdiction_id)
    if with_persons:
        found = found.join(Person, Person.id == Case.person_id)
    found = scoped(page, found, Case)
    if query.area:
        found = found.where(Case.jurisdiction_id.in_(subtree_ids(subtree_place(page,
                                                                              query.area).path)))
    return _order(_filter(found, query, with_persons), query)


def _filter(found: Select[Any], query: CaseQuery, with_persons: bool) -> Select[Any]:
    if query.classification:
        found = found.where(Case.classification == query.classification)
    if query.disease:
        found = found.where(Case.disease == query.disease)
    start, end = parse_date(query.reported_from), parse_date(query.reported_to)
    if start:
        found = found.where(Case.date_reporting >= start)
    if end:
        found = found.where(Case.date_reporting <= end)
    if query.imported:
        found = found.where(Case.imported.is_(query.imported == "yes"))
    if query.batch:
        found = found.where(Case.import_batch_id == int(query.batch))
    if query.q:
        found = found.where(or_(*_search(query.q, with_persons)))
    return found


def _search(text: str, with_persons: bool) -> list[Any]:
    """External ID (exact or prefix) and case number for all; the name only where the
    role may read persons, so a viewer cannot probe who is a case by name."""
    terms: list[Any] = [Case.external_id == text,
                        Case.external_id.startswith(text, autoescape=True)]
    if text.lstrip("#").isdigit():
        terms.append(Case.id == int(text.lstrip("#")))
    if with_persons:
        terms.append(Person.name.contains(text, autoescape=True))
    return terms


def _order(found: Select[Any], query: CaseQuery) -> Select[Any]:
    keys = SORTS[query.sort]
    first = keys[0].asc() if query.order == "asc" else keys[0].desc()
    # Cases without an onset go last whichever way the list is sorted.
    ordered = [first.nulls_last()] if query.sort == "onset" else [first]
    ordered += [k.desc() for k in keys[1:]]
    return found.order_by(*ordered)


def audit_read(page: Page, rows: list[Any], what: str, **detail: Any) -> None:
    """A read that showed names is a read of personal data: record whose."""
    audit.record(
        session_of(page), actor_of(page), what, "case", [r[0].id for r in rows],
        jurisdiction_id=page.here.id, persons=[r[0].person_id for r in rows], **detail,
    )


def age_at(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def export_csv(page: Page, query: CaseQuery, include_names: bool) -> str:
    """The whole filtered list as a line list; person columns only for ``persons:read``."""
    persons = shows_persons(actor_of(page))
    rows = list(session_of(page).execute(statement(page, query, with_persons=persons)).all())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = persons and include_names
    writer.writerow([*LINELIST, *(("name",) if names else ())])
    for row in rows:
        case, place = row[0], row[1]
        sex, birth = (row[3], row[4]) if persons else (None, None)
        writer.writerow(inert_row([
            case.id, case.date_onset or "", case.date_reporting, case.date_outcome or "",
            sex or "", _blank(age_at(birth, case.date_onset or case.date_reporting)),
            place.code, case.outcome or "", case.classification, case.disease,
            case.external_id or "", "true" if case.imported else "false",
            *((row[2],) if names else ()),
        ]))
    if persons:
        audit_read(page, rows, "export", names=names, filters=query.link())
    else:
        audit.record(session_of(page), actor_of(page), "export", "case", [r[0].id for r in rows],
                     jurisdiction_id=page.here.id, filters=query.link())
    return buffer.getvalue()


def _blank(value: int | None) -> str | int:
    return "" if value is None else value
