"""JSON routes of samples, lab results (JSON, CSV, FHIR R4) and their messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from sqlalchemy import select

from fireline.auth import audit
from fireline.auth.deps import ApiActor
from fireline.bounds import Id, Instant
from fireline.db.deps import DbSession
from fireline.lab.models import LabMessage, LabResult, Sample
from fireline.pagination import Page, PageParams, count, make_page, page_params
from fireline.testing import csvin, samples
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
from fireline.web.deps import ApiContext

router = APIRouter(tags=["testing"])
Params = Annotated[PageParams, Depends(page_params)]


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
def read_samples(actor: ApiActor, session: DbSession, params: Params,
                 barcode: str | None = None) -> Page[SampleRead]:  # fmt: skip
    found, total = samples.list_samples(session, actor, params, barcode)
    return make_page([SampleRead.model_validate(s) for s in found], total, params)


@router.get("/samples/{sample_id:int}", response_model=SampleRead)
def read_sample(sample_id: Id, actor: ApiActor, session: DbSession) -> SampleRead:
    return SampleRead.model_validate(samples.get_sample(session, actor, sample_id))


@router.post("/lab-results", response_model=MessageReport)
def post_results(body: ResultMessage, context: ApiContext,
                 session: DbSession) -> MessageReport:  # fmt: skip
    """Results as JSON; the same ``message_id`` twice changes nothing."""
    items = [Incoming(f"results[{i}]", r) for i, r in enumerate(body.results)]
    content = body.model_dump_json(exclude={"source", "message_id"}).encode()
    message, repeated = ingest(session, context, source=body.source,
                               message_id=body.message_id, fmt="api", content=content,
                               items=items)  # fmt: skip
    return report(message, repeated)


@router.post("/lab-results/csv", response_model=MessageReport)
def post_results_csv(
    context: ApiContext, session: DbSession,
    file: Annotated[UploadFile, File(description="CSV: barcode, disease, outcome, resulted_at...")],
    source: Annotated[str, Form(max_length=64)] = "csv",
    message_id: Annotated[str | None, Form(max_length=200)] = None,
) -> MessageReport:  # fmt: skip
    """Results from a CSV file; the file's SHA-256 is its message id unless one is given."""
    content = file.file.read()
    items = csvin.parse(content)
    message, repeated = ingest(session, context, source=source,
                               message_id=message_id or digest(content), fmt="csv",
                               content=content, items=items)  # fmt: skip
    return report(message, repeated)


@router.post("/lab-results/fhir", response_model=MessageReport)
def post_results_fhir(
    context: ApiContext, session: DbSession, content: RequestBody,
    source: Annotated[str, Query(max_length=64)] = "fhir",
    jurisdiction: Annotated[str | None, Query(description="for samples not on file")] = None,
) -> MessageReport:  # fmt: skip
    """A FHIR R4 Bundle (application/fhir+json) of Observations/DiagnosticReports."""
    code = jurisdiction or home_code(session, context.actor)
    parsed = fhir.parse(content, code, context.profiles,
                        max_entries=context.settings.fhir_max_entries)  # fmt: skip
    message, repeated = ingest(session, context, source=source,
                               message_id=parsed.message_id or digest(content), fmt="fhir",
                               content=content, items=parsed.items)  # fmt: skip
    return report(message, repeated)


@router.get("/lab-results", response_model=Page[ResultRead])
def read_results(actor: ApiActor, session: DbSession, params: Params,
                 outcome: str | None = None) -> Page[ResultRead]:  # fmt: skip
    """Current results in your subtree, newest first."""
    actor.require("records:read")
    statement = actor.restrict(select(LabResult).where(LabResult.current.is_(True)), LabResult)
    if outcome:
        statement = statement.where(LabResult.outcome == outcome)
    statement = statement.order_by(LabResult.resulted_at.desc(), LabResult.id.desc())
    rows = list(session.scalars(statement.limit(params.limit).offset(params.offset)))
    return make_page(
        [ResultRead.model_validate(r) for r in rows], count(session, statement), params
    )


@router.get("/lab-results/turnaround", response_model=list[Turnaround])
def read_turnaround(actor: ApiActor, session: DbSession,
                    since: Instant | None = None) -> list[Turnaround]:  # fmt: skip
    """Median hours collection -> receipt -> result per lab and site."""
    return samples.turnaround(session, actor, since)


@router.get("/lab-results/{result_id:int}", response_model=ResultDetail)
def read_result(result_id: Id, actor: ApiActor, session: DbSession) -> ResultDetail:
    """One result with every revision of it (amendments), oldest first."""
    actor.require("persons:read")
    result: LabResult = actor.get(session, LabResult, result_id, f"lab result {result_id}")
    sample = session.get_one(Sample, result.sample_id)
    history = [result]
    if result.external_id is not None:
        # Result ids are unique per jurisdiction: another county's revisions are not ours.
        history = list(session.scalars(actor.restrict(select(LabResult).where(
            LabResult.source == result.source, LabResult.external_id == result.external_id,
            LabResult.jurisdiction_id == result.jurisdiction_id,
        ), LabResult).order_by(LabResult.revision)))  # fmt: skip
    audit.record(session, actor, "read", "lab_result", [result.id],
                 jurisdiction_id=result.jurisdiction_id, persons=[sample.person_id])  # fmt: skip
    return ResultDetail(**ResultRead.model_validate(result).model_dump(), barcode=sample.barcode,
                        history=[ResultRead.model_validate(h) for h in history])  # fmt: skip


@router.get("/lab-messages/{message_id:int}", response_model=MessageReport)
def read_message(message_id: Id, actor: ApiActor, session: DbSession) -> MessageReport:
    actor.require("records:read")
    found: LabMessage = actor.get(session, LabMessage, message_id, f"lab message {message_id}")
    return report(found, False)
