"""JSON routes of the exports: the pseudonymised line list (streamed), DHIS2 weekly
aggregates and the FHIR R4 Bulk Data export (kick-off, status, files, cancel)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Header, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from fireline.bounds import Day, Id
from fireline.context import Context
from fireline.db.deps import DbSession, Session
from fireline.errors import Problem
from fireline.exports import dhis2, linelist, linelist_copy, writers
from fireline.exports.fhir import bulk
from fireline.listing import ListQuery
from fireline.web.deps import ApiContext

router = APIRouter(tags=["exports"])
NDJSON = "application/fhir+ndjson"
# The _outputFormat values the IG asks a server to accept for NDJSON (IG v2, kick-off).
OUTPUT_FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")
OUTCOME = {"description": "An OperationOutcome", "content": {"application/fhir+json": {}}}
KICK_OFF: dict[int | str, dict[str, Any]] = {
    202: {"description": "Accepted: poll the Content-Location header's URL"},
    400: OUTCOME,
}
STATUS: dict[int | str, dict[str, Any]] = {
    200: {"description": "The manifest", "content": {"application/json": {}}},
    202: {"description": "In progress, as X-Progress says"},
    500: OUTCOME,
}


@router.get(
    "/exports/linelist",
    responses={200: {"content": {m: {} for m in writers.MEDIA_TYPES.values()}}},
    response_class=StreamingResponse,
)
def export_linelist(
    request: Request,
    context: ApiContext,
    session: DbSession,
    key: Annotated[str, Query(max_length=64, description="The pseudonym key's name")] = "default",
    format: Literal["csv", "xlsx", "parquet"] = "csv",
    weeks: Annotated[bool, Query(description="Dates as epidemiological weeks")] = False,
    jurisdiction: Annotated[str | None, Query(description="Narrow to this subtree")] = None,
    classification: str | None = None,
    disease: str | None = None,
    reported_from: Day | None = None,
    reported_to: Day | None = None,
    imported: Literal["yes", "no"] | None = None,
    area: Annotated[str | None, Query(description="A jurisdiction under the chosen one")] = None,
) -> StreamingResponse:
    """The case list's cases, pseudonymised (docs/exports.md): stable pseudonyms under the
    named key, an age band for the birth date, no name, ID number, phone or address;
    ``weeks`` turns dates into week labels. Streamed; for epidemiologists and admins."""
    asked = {
        "classification": classification,
        "disease": disease,
        "reported_from": reported_from.isoformat() if reported_from else None,
        "reported_to": reported_to.isoformat() if reported_to else None,
        "imported": imported,
        "area": area,
    }
    query = ListQuery(filters={k: v for k, v in asked.items() if v})
    scoped = context.within_code(session, jurisdiction)
    plan = linelist.plan(session, scoped, linelist.Ask(format, key, weeks, query))
    return linelist_response(request, plan, f"linelist-{key}")


def linelist_response(request: Request, plan: linelist.Plan, stem: str) -> StreamingResponse:
    """The planned export as a download, its rows read after the request's commit."""
    return StreamingResponse(
        linelist_copy.stream(request.app.state.sessions, plan),
        media_type=writers.MEDIA_TYPES[plan.format],
        headers={
            "Content-Disposition": f'attachment; filename="{stem}.{plan.format}"',
            "X-Row-Count": str(plan.rows),
        },
    )


@router.get("/exports/dhis2")
def export_dhis2(
    context: ApiContext,
    session: DbSession,
    jurisdiction: Annotated[
        str | None, Query(max_length=32, description="A jurisdiction's code (default: yours)")
    ] = None,
    week: Annotated[
        str | None, Query(max_length=10, description="An ISO week, e.g. 2026W49 (default: last)")
    ] = None,
) -> dict[str, Any]:
    """Weekly figures of the jurisdiction's subtree as a DHIS2 ``dataValueSets`` document,
    through the deployment's mapping file (``FIRELINE_DHIS2_MAPPING``)."""
    linelist.require_export(context)
    path = context.settings.dhis2_mapping or dhis2.shipped_mapping()
    mapping = dhis2.read_mapping(path.read_text(encoding="utf-8"))
    place = (
        context.actor.jurisdiction(session, jurisdiction)
        if jurisdiction
        else dhis2.home(session, context)
    )
    asked = week or dhis2.last_week(context.today(place))
    return dhis2.data_value_set(session, context, place.code, asked, mapping)


# FHIR Bulk Data ---------------------------------------------------------------------


def outcome(status: int, text: str) -> JSONResponse:
    """An OperationOutcome, the error body the Bulk Data IG asks for."""
    body = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "processing", "diagnostics": text}],
    }
    return JSONResponse(body, status_code=status, media_type="application/fhir+json")


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Problem(400, f"_since {text!r} is not a FHIR instant") from None
    if found.tzinfo is None:
        raise Problem(400, "_since needs a time zone (a FHIR instant)")
    return found


def _kick_off(
    request: Request,
    context: Context,
    session: Session,
    tasks: BackgroundTasks,
    prefer: str | None,
    types: str | None,
    since: str | None,
    output_format: str | None,
) -> Response:
    if output_format and output_format not in OUTPUT_FORMATS:
        return outcome(400, f"_outputFormat {output_format!r}: only NDJSON is offered")
    # Fireline answers every kick-off asynchronously; a Prefer other than respond-async
    # is refused (the IG's kick-off requires respond-async), a missing one is not.
    if prefer and "respond-async" not in prefer:
        return outcome(400, "a bulk export is asynchronous: send Prefer: respond-async")
    try:
        job = bulk.kick_off(
            session,
            context,
            types=bulk.parse_types(types),
            since=_since(since),
            url=str(request.url),
        )
    except Problem as problem:
        if problem.status != 400:
            raise
        return outcome(400, problem.detail)
    tasks.add_task(bulk.run, request.app.state.sessions, job.id, context)
    status_url = str(request.url_for("export_status", export_id=job.id))
    return Response(status_code=202, headers={"Content-Location": status_url})


@router.get("/fhir/$export", status_code=202, response_class=Response, responses=KICK_OFF)
def fhir_export(
    request: Request,
    context: ApiContext,
    session: DbSession,
    tasks: BackgroundTasks,
    prefer: Annotated[str | None, Header()] = None,
    type_: Annotated[str | None, Query(alias="_type", max_length=200)] = None,
    since: Annotated[str | None, Query(alias="_since", max_length=40)] = None,
    output_format: Annotated[str | None, Query(alias="_outputFormat", max_length=40)] = None,
) -> Response:
    """Bulk Data kick-off (system level): everything in your scope as NDJSON of Patient,
    Specimen, Condition (cases), Observation (lab results) and Encounter (admissions).
    Send ``Prefer: respond-async``; poll the ``Content-Location`` it answers."""
    return _kick_off(request, context, session, tasks, prefer, type_, since, output_format)


@router.get(
    "/fhir/Group/{code}/$export", status_code=202, response_class=Response, responses=KICK_OFF
)
def fhir_group_export(
    code: str,
    request: Request,
    context: ApiContext,
    session: DbSession,
    tasks: BackgroundTasks,
    prefer: Annotated[str | None, Header()] = None,
    type_: Annotated[str | None, Query(alias="_type", max_length=200)] = None,
    since: Annotated[str | None, Query(alias="_since", max_length=40)] = None,
    output_format: Annotated[str | None, Query(alias="_outputFormat", max_length=40)] = None,
) -> Response:
    """Bulk Data kick-off for a group: the group is a jurisdiction (by code) in scope."""
    narrowed = context.within_code(session, code)
    return _kick_off(request, narrowed, session, tasks, prefer, type_, since, output_format)


@router.get(
    "/fhir/$export-status/{export_id}",
    name="export_status",
    response_class=Response,
    responses=STATUS,
)
def export_status(
    export_id: str,
    request: Request,
    context: ApiContext,
    session: DbSession,
) -> Response:
    """202 with ``X-Progress`` while the export runs, 200 with the manifest when done."""
    job = bulk.job_of(session, context, export_id)
    if job.status in ("queued", "running"):
        return Response(
            status_code=202, headers={"X-Progress": job.progress or job.status, "Retry-After": "2"}
        )
    if job.status == "failed":
        return outcome(500, job.error or "the export failed")
    if job.status == "cancelled":
        raise Problem(404, f"export {export_id} was cancelled")
    base = str(request.url_for("export_file", file_id=0)).rsplit("/", 1)[0]
    return JSONResponse(bulk.manifest(session, job, base))


@router.delete("/fhir/$export-status/{export_id}", status_code=202, response_class=Response)
def cancel_export(export_id: str, context: ApiContext, session: DbSession) -> Response:
    """Cancel an export (running or done) and delete its files."""
    bulk.cancel(session, context, export_id)
    return Response(status_code=202)


@router.get(
    "/fhir/$export-file/{file_id}",
    name="export_file",
    response_class=Response,
    responses={200: {"description": "NDJSON", "content": {NDJSON: {}}}},
)
def export_file(file_id: Id, context: ApiContext, session: DbSession) -> Response:
    """One output file: NDJSON, one resource per line."""
    _, content = bulk.read_file(session, context, file_id)
    return Response(content, media_type=NDJSON)
