"""JSON routes of samples, lab results (JSON, CSV, FHIR R4) and their messages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile

from fireline.auth.deps import ApiActor
from fireline.bounds import Day, Id, Instant
from fireline.db.deps import DbSession
from fireline.lab.models import LabMessage
from fireline.pagination import Page, make_page
from fireline.testing import csvin, labresults, samples
from fireline.testing.fhir import parse as fhir
from fireline.testing.results import Incoming, digest, home_code, ingest
from fireline.testing.schemas import (
    MessageReport,
    ResultDetail,
    ResultMessage,
    ResultRead,
    SampleCreate,
    SampleRead,
    Turnaround,
)
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["testing"])
Outcome = Literal["positive", "negative", "inconclusive"]
TestType = Literal["pcr", "antigen", "antibody", "other"]


async def request_body(request: Request) -> bytes:
    """The body, read on the event loop so that the route (a plain ``def``) parses and
    stores it in FastAPI's thread pool, off the loop."""
    return await request.body()


RequestBody = Annotated[bytes, Depends(request_body)]


def report(message: LabMessage, repeated: bool) -> MessageReport:
    return MessageReport.model_validate(message).model_copy(update={"repeated": repeated})


@router.post("/samples", response_model=SampleRead, status_code=201)
def create_sample(body: SampleCreate, actor: ApiActor, session: DbSession) -> SampleRead:
    """Register a sample by its tube barcode (a barcode on file gets 409)."""
    return SampleRead.model_validate(samples.register_sample(session, actor, body))


@router.get("/samples", response_model=Page[SampleRead])
def read_samples(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
    barcode: str | None = None,
    site: str | None = None,
    disease: str | None = None,
    since: Day | None = None,
    until: Day | None = None,
) -> Page[SampleRead]:
    """Samples in your subtree (or under ``jurisdiction``), collected ``since`` .. ``until``
    (days in the jurisdiction's time zone); sort by ``collected`` (default), ``received`` or
    ``barcode``; ``q`` finds barcodes starting with it. The read is audited."""
    asked = context.within_code(session, jurisdiction)
    found, total = samples.list_samples(session, asked, query)
    return make_page([SampleRead.model_validate(s) for s, _ in found], total, query)


@router.get("/samples/{sample_id:int}", response_model=SampleRead)
def read_sample(sample_id: Id, actor: ApiActor, session: DbSession) -> SampleRead:
    return SampleRead.model_validate(samples.get_sample(session, actor, sample_id))


@router.post("/lab-results", response_model=MessageReport)
def post_results(body: ResultMessage, context: ApiContext, session: DbSession) -> MessageReport:
    """Results as JSON; the same ``message_id`` twice changes nothing."""
    items = [Incoming(f"results[{i}]", r) for i, r in enumerate(body.results)]
    content = body.model_dump_json(exclude={"source", "message_id"}).encode()
    message, repeated = ingest(
        session,
        context,
        source=body.source,
        message_id=body.message_id,
        fmt="api",
        content=content,
        items=items,
    )
    return report(message, repeated)


@router.post("/lab-results/csv", response_model=MessageReport)
def post_results_csv(
    context: ApiContext,
    session: DbSession,
    file: Annotated[UploadFile, File(description="CSV: barcode, disease, outcome, resulted_at...")],
    source: Annotated[str, Form(max_length=64)] = "csv",
    message_id: Annotated[str | None, Form(max_length=200)] = None,
) -> MessageReport:
    """Results from a CSV file; the file's SHA-256 is its message id unless one is given."""
    content = file.file.read()
    items = csvin.parse(content)
    message, repeated = ingest(
        session,
        context,
        source=source,
        message_id=message_id or digest(content),
        fmt="csv",
        content=content,
        items=items,
    )
    return report(message, repeated)


@router.post("/lab-results/fhir", response_model=MessageReport)
def post_results_fhir(
    context: ApiContext,
    session: DbSession,
    content: RequestBody,
    source: Annotated[str, Query(max_length=64)] = "fhir",
    jurisdiction: Annotated[str | None, Query(description="for samples not on file")] = None,
) -> MessageReport:
    """A FHIR R4 Bundle (application/fhir+json) of Observations/DiagnosticReports."""
    code = jurisdiction or home_code(session, context.actor)
    parsed = fhir.parse(
        content, code, context.profiles, max_entries=context.settings.fhir_max_entries
    )
    message, repeated = ingest(
        session,
        context,
        source=source,
        message_id=parsed.message_id or digest(content),
        fmt="fhir",
        content=content,
        items=parsed.items,
    )
    return report(message, repeated)


@router.get("/lab-results", response_model=Page[ResultRead])
def read_results(
    context: ApiContext,
    session: DbSession,
    query: ApiListQuery,
    jurisdiction: str | None = None,
    outcome: Outcome | None = None,
    test: TestType | None = None,
    disease: str | None = None,
    barcode: str | None = None,
) -> Page[ResultRead]:
    """Current results in your subtree (or under ``jurisdiction``), newest first; sort by
    ``resulted`` (default) or ``ct``. ``barcode`` and ``q`` (a barcode's start) need
    ``persons:read``. The read is audited."""
    asked = context.within_code(session, jurisdiction)
    rows, total = labresults.list_results(session, asked, query)
    return make_page([ResultRead.model_validate(r.result) for r in rows], total, query)


@router.get("/lab-results/turnaround", response_model=Page[Turnaround])
def read_turnaround(
    context: ApiContext, session: DbSession, query: ApiListQuery, since: Instant | None = None
) -> Page[Turnaround]:
    """Median hours collection -> receipt -> result per lab and site."""
    rows, total = samples.turnaround(session, context.actor, since, query)
    return make_page(rows, total, query)


@router.get("/lab-results/{result_id:int}", response_model=ResultDetail)
def read_result(result_id: Id, actor: ApiActor, session: DbSession) -> ResultDetail:
    """One result with every revision of it (amendments), oldest first."""
    found = labresults.result_file(session, actor, result_id)
    return ResultDetail(
        **ResultRead.model_validate(found.result).model_dump(),
        barcode=found.sample.barcode,
        history=[ResultRead.model_validate(h) for h in found.history],
    )


@router.get("/lab-messages/{message_id:int}", response_model=MessageReport)
def read_message(message_id: Id, actor: ApiActor, session: DbSession) -> MessageReport:
    return report(labresults.get_message(session, actor, message_id), False)
