"""JSON routes for case imports (two steps: validate, then commit) and saved mappings."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from fireline.auth.deps import ApiActor
from fireline.bounds import Id
from fireline.db.deps import DbSession
from fireline.errors import Problem
from fireline.pagination import Page, make_page
from fireline.surveillance.intake import batches, columns, mappings
from fireline.surveillance.intake.schemas import (
    CommitRequest,
    ImportBatchRead,
    ImportProblemRead,
    MappingRead,
    MappingWrite,
    RemapRequest,
    TargetRead,
)
from fireline.surveillance.models import ImportBatch
from fireline.web.deps import ApiContext, ApiListQuery

router = APIRouter(tags=["case imports"])


def batch_read(batch: ImportBatch) -> ImportBatchRead:
    read = ImportBatchRead.model_validate(batch)
    read.missing_fields = columns.missing_required(batch.mapping)
    used = set(batch.mapping.values())
    read.unmapped_headers = [h for h in batch.headers if h not in used]
    return read


@router.get("/case-imports/fields", response_model=Page[TargetRead])
def read_fields(actor: ApiActor, query: ApiListQuery) -> Page[TargetRead]:
    """The case fields a file can fill, and the headers recognised for each."""
    actor.require("cases:read")
    fields = [
        TargetRead(
            name=t.name,
            label_en=t.label_en,
            label_zh=t.label_zh,
            required=t.required,
            headers=list(t.headers),
        )
        for t in columns.TARGETS
    ]
    return make_page(fields[query.offset : query.offset + query.limit], len(fields), query)


@router.post("/case-imports", response_model=ImportBatchRead, status_code=201)
def upload(
    context: ApiContext,
    session: DbSession,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX")],
    disease: Annotated[str, Form()],
    source: Annotated[str, Form(max_length=64)] = "file",
    default_classification: Annotated[str, Form()] = "suspected",
    mapping: Annotated[str, Form(description='JSON {"field": "header"}')] = "{}",
    mapping_name: Annotated[str | None, Form()] = None,
) -> ImportBatchRead:
    """Step 1: upload and validate. Nothing but the batch and its report is stored."""
    try:
        explicit = json.loads(mapping)
    except ValueError as exc:
        raise Problem(422, "mapping must be a JSON object of field to header") from exc
    if not isinstance(explicit, dict):
        raise Problem(422, "mapping must be a JSON object of field to header")
    options = batches.ImportOptions(
        disease=disease,
        source=source,
        default_classification=default_classification,
        mapping={str(k): str(v) for k, v in explicit.items()},
        mapping_name=mapping_name,
        limits=context.settings.file_limits(),
    )
    content = file.file.read()
    batch = batches.start_import(
        session, context, filename=file.filename or "upload.csv", content=content, options=options
    )
    return batch_read(batch)


@router.get("/case-imports", response_model=Page[ImportBatchRead])
def read_imports(
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    status: str | None = None,
    disease: str | None = None,
) -> Page[ImportBatchRead]:
    """Imports in your subtree, newest first; ``q`` searches the file name."""
    rows, total = batches.list_batches(session, actor, query)
    return make_page([batch_read(b) for b in rows], total, query)


@router.get("/case-imports/{batch_id:int}", response_model=ImportBatchRead)
def read_import(batch_id: Id, actor: ApiActor, session: DbSession) -> ImportBatchRead:
    return batch_read(batches.get_batch(session, actor, batch_id))


@router.get("/case-imports/{batch_id:int}/problems", response_model=Page[ImportProblemRead])
def read_problems(
    batch_id: Id,
    actor: ApiActor,
    session: DbSession,
    query: ApiListQuery,
    severity: str | None = None,
) -> Page[ImportProblemRead]:
    """The report, row by row: line, column, value, message, severity (error or skipped);
    in line order unless ``sort`` (line, column) says otherwise."""
    rows, total = batches.problems_page(session, actor, batch_id, query)
    return make_page([ImportProblemRead.model_validate(p) for p in rows], total, query)


@router.get(
    "/case-imports/{batch_id:int}/report.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def download_report(batch_id: Id, actor: ApiActor, session: DbSession) -> Response:
    """The report as a CSV file (UTF-8 with BOM, so that Excel shows Chinese text)."""
    text = batches.report_csv(session, actor, batch_id)
    headers = {"Content-Disposition": f'attachment; filename="import-{batch_id}-report.csv"'}
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/case-imports/{batch_id:int}/mapping", response_model=ImportBatchRead)
def remap(
    batch_id: Id, data: RemapRequest, context: ApiContext, session: DbSession
) -> ImportBatchRead:
    """Validate the uploaded file again with another column mapping."""
    batch = batches.remap(
        session, context, batch_id, mapping=data.mapping, mapping_name=data.mapping_name
    )
    return batch_read(batch)


@router.post("/case-imports/{batch_id:int}/commit", response_model=ImportBatchRead)
def commit(
    batch_id: Id, data: CommitRequest, context: ApiContext, session: DbSession
) -> ImportBatchRead:
    """Step 2: load. With bad rows nothing is loaded (422) unless ``good_rows_only``."""
    batch = batches.commit_import(session, context, batch_id, good_rows_only=data.good_rows_only)
    return batch_read(batch)


@router.post("/case-imports/{batch_id:int}/discard", response_model=ImportBatchRead)
def discard(batch_id: Id, actor: ApiActor, session: DbSession) -> ImportBatchRead:
    return batch_read(batches.discard_import(session, actor, batch_id))


@router.get("/case-mappings", response_model=Page[MappingRead])
def read_mappings(actor: ApiActor, session: DbSession, query: ApiListQuery) -> Page[MappingRead]:
    """Saved column mappings in your subtree, by name."""
    saved = [MappingRead.model_validate(m) for m in mappings.list_mappings(session, actor)]
    return make_page(saved[query.offset : query.offset + query.limit], len(saved), query)


@router.post("/case-mappings", response_model=MappingRead)
def save_mapping(data: MappingWrite, actor: ApiActor, session: DbSession) -> MappingRead:
    """Save (or replace) a named mapping in your home jurisdiction."""
    saved = mappings.save_mapping(session, actor, name=data.name, columns=data.columns)
    return MappingRead.model_validate(saved)


@router.delete("/case-mappings/{mapping_id:int}", status_code=204)
def delete_mapping(mapping_id: Id, actor: ApiActor, session: DbSession) -> Response:
    mappings.delete_mapping(session, actor, mapping_id)
    return Response(status_code=204)
