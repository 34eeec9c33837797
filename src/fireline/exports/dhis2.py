"""Weekly aggregates by jurisdiction as a DHIS2 ``dataValueSets`` document.

DHIS2 imports aggregate data as a data value set (DHIS2 Developer docs, "Data values":
``POST /api/dataValueSets``): a data set, a period, and values, each naming its data
element, period, organisation unit and optional category option combo, the value as
text. A weekly period is ``2026W49`` (DHIS2 "Date and period format": ISO 8601 weeks,
Monday first). DHIS2 adds children up to their parents in its analytics, so each
jurisdiction's values count only its own records (a case reported to a city counts for
the city, one reported to a county for the county): sending subtree totals would count
every case once per level.

Which Fireline figure goes to which data element, and which jurisdiction to which
organisation unit, is a mapping file (YAML, docs/exports.md); the shipped one,
``dhis2_mapping.yaml``, holds placeholder UIDs for the national instance to replace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.care.models import Admission
from fireline.context import Context
from fireline.errors import Problem
from fireline.exports.linelist import require_export
from fireline.lab.models import LabResult, Sample
from fireline.places.models import Jurisdiction
from fireline.surveillance.models import Case

WEEK: Final = re.compile(r"(\d{4})-?W(\d{1,2})")
UID: Final = re.compile(r"[A-Za-z][A-Za-z0-9]{10}")
FIGURES: Final = (
    "cases_suspected",
    "cases_probable",
    "cases_confirmed",
    "deaths",
    "tests",
    "tests_positive",
    "admissions",
)


@dataclass(frozen=True)
class Element:
    data_element: str
    category_option_combo: str | None = None


@dataclass(frozen=True)
class Rules:
    data_set: str
    elements: dict[tuple[str, str], Element]  # (disease, figure) -> element
    org_units: dict[str, str]  # jurisdiction code -> orgUnit UID


def shipped_mapping() -> Path:
    return Path(str(resources.files("fireline.exports") / "dhis2_mapping.yaml"))


def week_of(text: str) -> tuple[str, date]:
    """``2026W49`` (or ``2026-W49``) as DHIS2's period and the week's Monday."""
    found = WEEK.fullmatch(text.strip())
    try:
        if not found:
            raise ValueError(text)
        year, week = int(found[1]), int(found[2])
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise Problem(
            422,
            f"{text!r} is not an ISO week such as 2026W49",
            errors=[{"field": "week", "message": "an ISO week such as 2026W49"}],
        ) from None
    return f"{year}W{week}", monday


def _uid(value: Any, where: str) -> str:
    if not isinstance(value, str) or not UID.fullmatch(value):
        raise Problem(422, f"mapping: {where} is not a DHIS2 UID (11 letters and digits)")
    return value


def read_mapping(text: str) -> Rules:
    """The mapping file, checked: every UID has DHIS2's form, every figure is known."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise Problem(422, f"mapping: not YAML ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise Problem(422, "mapping: expected data_set, data_elements and org_units")
    elements: dict[tuple[str, str], Element] = {}
    for disease, figures in (data.get("data_elements") or {}).items():
        for figure, target in (figures or {}).items():
            if figure not in FIGURES:
                raise Problem(422, f"mapping: unknown figure {figure!r} (known: {FIGURES})")
            where = f"data_elements.{disease}.{figure}"
            if isinstance(target, dict):
                combo = target.get("categoryOptionCombo")
                element = Element(
                    _uid(target.get("dataElement"), where),
                    _uid(combo, where) if combo else None,
                )
            else:
                element = Element(_uid(target, where))
            elements[(str(disease), figure)] = element
    units = {
        str(code): _uid(uid, f"org_units.{code}")
        for code, uid in (data.get("org_units") or {}).items()
    }
    return Rules(_uid(data.get("data_set"), "data_set"), elements, units)


def _span(monday: date, zone: str) -> tuple[datetime, datetime]:
    """The week as UTC instants, from Monday 00:00 to the next Monday in ``zone``."""
    tz = ZoneInfo(zone)
    start = datetime.combine(monday, time(), tzinfo=tz).astimezone(UTC)
    return start, datetime.combine(monday + timedelta(days=7), time(), tzinfo=tz).astimezone(UTC)


def weekly_figures(
    session: Session, context: Context, code: str, monday: date
) -> dict[tuple[str, str, str], int]:
    """(jurisdiction code, disease, figure) -> count for the week starting ``monday``,
    each jurisdiction of the subtree counting its own records. Counts by report date
    (cases), outcome date (deaths), result instant (tests) and admission instant."""
    place = context.actor.jurisdiction(session, code)
    actor = context.actor.within(place)
    sunday = monday + timedelta(days=6)
    start, end = _span(monday, place.timezone)
    found: dict[tuple[str, str, str], int] = {}

    def add(statement: Any, model: Any, figure: str | None = None) -> None:
        for row in session.execute(actor.restrict(statement, model)):
            name = figure or f"cases_{row[2]}"
            found[(row[0], row[1], name)] = found.get((row[0], row[1], name), 0) + row[-1]

    j = Jurisdiction
    cases = (
        select(j.code, Case.disease, Case.classification, func.count())
        .select_from(Case)
        .join(j, j.id == Case.jurisdiction_id)
    )
    add(
        cases.where(
            Case.date_reporting.between(monday, sunday), Case.classification != "discarded"
        ).group_by(j.code, Case.disease, Case.classification),
        Case,
    )
    deaths = (
        select(j.code, Case.disease, func.count())
        .select_from(Case)
        .join(j, j.id == Case.jurisdiction_id)
    )
    add(
        deaths.where(Case.outcome == "died", Case.date_outcome.between(monday, sunday)).group_by(
            j.code, Case.disease
        ),
        Case,
        "deaths",
    )
    tests = (
        select(j.code, Sample.disease, LabResult.outcome, func.count())
        .select_from(LabResult)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(j, j.id == LabResult.jurisdiction_id)
        .where(LabResult.current.is_(True), LabResult.resulted_at >= start)
        .where(LabResult.resulted_at < end)
        .group_by(j.code, Sample.disease, LabResult.outcome)
    )
    for row in session.execute(actor.restrict(tests, LabResult)):
        for figure in ("tests", "tests_positive") if row[2] == "positive" else ("tests",):
            key = (row[0], row[1], figure)
            found[key] = found.get(key, 0) + row[3]
    admitted = (
        select(j.code, Case.disease, func.count())
        .select_from(Admission)
        .join(Case, Case.id == Admission.case_id)
        .join(j, j.id == Admission.jurisdiction_id)
        .where(and_(Admission.admitted_at >= start, Admission.admitted_at < end))
        .group_by(j.code, Case.disease)
    )
    add(admitted, Admission, "admissions")
    return found


def home(session: Session, context: Context) -> Jurisdiction:
    """The actor's own jurisdiction (the root for the system)."""
    actor = context.actor
    found = session.scalars(
        actor.restrict(select(Jurisdiction), Jurisdiction).order_by(Jurisdiction.path).limit(1)
    ).first()
    if found is None:
        raise Problem(404, "no jurisdiction in scope")
    return found


def last_week(today: date) -> str:
    """The last complete ISO week before ``today``, as DHIS2 writes it."""
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return f"{year}W{week}"


def subtree_codes(session: Session, context: Context, code: str) -> list[str]:
    actor = context.actor.within(context.actor.jurisdiction(session, code))
    return list(session.scalars(actor.restrict(select(Jurisdiction.code), Jurisdiction)))


def data_value_set(
    session: Session, context: Context, code: str, week: str, mapping: Rules
) -> dict[str, Any]:
    """The DHIS2 document for ``code``'s subtree and ``week``: every mapped figure of every
    mapped jurisdiction, zeros included (DHIS2 tells a reported zero from a missing
    report only when the zero is sent). Audited: who, which place and week."""
    require_export(context)
    period, monday = week_of(week)
    figures = weekly_figures(session, context, code, monday)
    places = [c for c in subtree_codes(session, context, code) if c in mapping.org_units]
    values = []
    for place in sorted(places):
        for (disease, figure), element in mapping.elements.items():
            value: dict[str, str] = {
                "dataElement": element.data_element,
                "period": period,
                "orgUnit": mapping.org_units[place],
            }
            if element.category_option_combo:
                value["categoryOptionCombo"] = element.category_option_combo
            value["value"] = str(figures.get((place, disease, figure), 0))
            values.append(value)
    audit.record(
        session,
        context.actor,
        "export",
        "dhis2",
        jurisdiction_id=context.actor.jurisdiction_id or None,
        place=code,
        week=period,
        values=len(values),
    )
    document: dict[str, Any] = {"dataSet": mapping.data_set, "period": period}
    if code in mapping.org_units:
        document["orgUnit"] = mapping.org_units[code]
    document["dataValues"] = values
    return document


def unmapped(figures: Mapping[tuple[str, str, str], int], mapping: Rules) -> list[str]:
    """Figures with counts that the mapping sends nowhere (for the command to warn)."""
    return sorted(
        {
            f"{place} {disease} {figure}"
            for (place, disease, figure), n in figures.items()
            if n and (place not in mapping.org_units or (disease, figure) not in mapping.elements)
        }
    )
