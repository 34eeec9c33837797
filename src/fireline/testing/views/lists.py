"""Samples and current results under the chosen jurisdiction (paged, filtered), and one
result with every revision of it. Persons' names and barcodes are personal data: these
pages need ``persons:read`` and every page of rows is audited."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import Select, select

from fireline.auth import audit
from fireline.lab.models import TEST_TYPES, LabResult, Sample
from fireline.people.models import Person
from fireline.surveillance.models import Case
from fireline.testing.views import common
from fireline.web import landing
from fireline.web.deps import Page, PageContext

router = APIRouter()
OUTCOMES = ("positive", "negative", "inconclusive")


def _day(page: Page, name: str, end: bool = False) -> datetime | None:
    """The start (or the end) of a ``YYYY-MM-DD`` query day in the jurisdiction's zone."""
    try:
        day = date.fromisoformat(page.request.query_params.get(name, ""))
    except ValueError:
        return None
    start = datetime.combine(day, time(), ZoneInfo(page.here.timezone))
    return start + timedelta(days=1) if end else start


def _filters(page: Page, *names: str) -> dict[str, str]:
    query = page.request.query_params
    return {n: query.get(n, "").strip() for n in names}


def _sample_rows(page: Page, f: dict[str, str]) -> Select[tuple[Sample, Person]]:
    statement = select(Sample, Person).join(Person, Person.id == Sample.person_id)
    if f["barcode"]:
        statement = statement.where(Sample.barcode == f["barcode"])
    if f["site"]:
        statement = statement.where(Sample.site == f["site"])
    since, until = _day(page, "since"), _day(page, "until", end=True)
    if since:
        statement = statement.where(Sample.collected_at >= since)
    if until:
        statement = statement.where(Sample.collected_at < until)
    statement = landing.scoped(page, statement, Sample)
    return statement.order_by(Sample.collected_at.desc(), Sample.id.desc())


def _audit(page: Page, what: str, ids: list[int], persons: list[int]) -> None:
    audit.record(common.session_of(page), common.actor_of(page), "read", what, ids,
                 jurisdiction_id=page.here.id, persons=persons)  # fmt: skip


@router.get("/testing/samples")
def samples_page(page: PageContext) -> Response:
    common.actor_of(page).require("persons:read")
    f = _filters(page, "barcode", "site", "since", "until")
    rows, total, number, pages = common.paged(page, _sample_rows(page, f))
    _audit(page, "sample", [s.id for s, _ in rows], [p.id for _, p in rows])
    return page.render("testing/samples.html", **common.shared(page, "samples"), rows=rows,
                       total=total, number=number, pages=pages, f=f)  # fmt: skip


def _result_rows(f: dict[str, str]) -> Select[tuple[LabResult, Sample, Person]]:
    statement = (
        select(LabResult, Sample, Person)
        .join(Sample, Sample.id == LabResult.sample_id)
        .join(Person, Person.id == Sample.person_id)
        .where(LabResult.current.is_(True))
    )
    if f["outcome"] in OUTCOMES:
        statement = statement.where(LabResult.outcome == f["outcome"])
    if f["test"] in TEST_TYPES:
        statement = statement.where(LabResult.test_type == f["test"])
    if f["barcode"]:
        statement = statement.where(Sample.barcode == f["barcode"])
    return statement.order_by(LabResult.resulted_at.desc(), LabResult.id.desc())


@router.get("/testing/results")
def results_page(page: PageContext) -> Response:
    common.actor_of(page).require("persons:read")
    f = _filters(page, "outcome", "test", "barcode")
    statement = landing.scoped(page, _result_rows(f), LabResult)
    rows, total, number, pages = common.paged(page, statement)
    _audit(page, "lab_result", [r.id for r, _, _ in rows], [p.id for _, _, p in rows])
    return page.render("testing/results.html", **common.shared(page, "results"), rows=rows,
                       total=total, number=number, pages=pages, f=f, outcomes=OUTCOMES,
                       tests=TEST_TYPES)  # fmt: skip


def _history(page: Page, result: LabResult) -> list[LabResult]:
    if result.external_id is None:
        return [result]
    statement = select(LabResult).where(
        LabResult.source == result.source, LabResult.external_id == result.external_id
    )
    found = common.session_of(page).scalars(
        common.actor_of(page).restrict(statement, LabResult).order_by(LabResult.revision.desc())
    )
    return list(found)


@router.get("/testing/results/{result_id}")
def result_page(result_id: int, page: PageContext) -> Response:
    actor, session = common.actor_of(page), common.session_of(page)
    actor.require("persons:read")
    result: LabResult = actor.get(session, LabResult, result_id, f"lab result {result_id}")
    sample = session.get_one(Sample, result.sample_id)
    person = session.get_one(Person, sample.person_id)
    case = session.get(Case, result.case_id) if result.case_id else None
    _audit(page, "lab_result", [result.id], [person.id])
    return page.render("testing/result.html", **common.shared(page, "results"), result=result,
                       sample=sample, person=person, case=case, history=_history(page, result),
                       places=common.places(session, [sample.jurisdiction_id]))  # fmt: skip
