"""FHIR Bulk Data export jobs: kick-off, run, status, manifest, files, cancel.

The flow of the HL7 FHIR Bulk Data Access IG v2 (hl7.org/fhir/uv/bulkdata/export.html):
a kick-off answers 202 with the status URL; the job runs after the answer (a background
task of the server, its state in ``bulk_exports``, so any server process can answer its
status); the status URL answers 202 with ``X-Progress`` while it runs and 200 with the
manifest when done; each output is an NDJSON file of one resource type; DELETE cancels.
The export holds what the requesting user's scope holds (their jurisdiction's subtree,
or the jurisdiction a group-level kick-off names) and is audited at kick-off and at
every file read, with ids and counts only.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Select, delete, select, union
from sqlalchemy.orm import Session, sessionmaker

from fireline.auth import audit
from fireline.care.models import Admission, Hospital
from fireline.context import Context
from fireline.db.engine import reading, transaction
from fireline.errors import NotFound, Problem
from fireline.exports.fhir import resources
from fireline.exports.linelist import require_export
from fireline.exports.models import BulkExport, BulkExportFile
from fireline.lab.models import LabResult, Sample
from fireline.people.models import Person
from fireline.surveillance.models import Case

log = logging.getLogger(__name__)
TYPES: Final = ("Patient", "Specimen", "Condition", "Observation", "Encounter")
CHUNK: Final = 2000
FILE_MAX: Final = 20_000  # resources per NDJSON file; a type may have several files


def parse_types(text: str | None) -> list[str]:
    """``_type`` as a list; an unsupported type is refused (IG v2: the server "SHALL
    return an error" for a type it does not support, unless lenient handling is asked)."""
    if not text:
        return list(TYPES)
    asked = [t.strip() for t in text.split(",") if t.strip()]
    unknown = [t for t in asked if t not in TYPES]
    if unknown:
        raise Problem(400, f"unsupported _type {', '.join(unknown)}; supported: {', '.join(TYPES)}")
    return [t for t in TYPES if t in asked]


def kick_off(
    session: Session, context: Context, *, types: list[str], since: datetime | None, url: str
) -> BulkExport:
    require_export(context)
    actor = context.actor
    job = BulkExport(
        id=uuid.uuid4().hex,
        jurisdiction_id=actor.jurisdiction_id,
        user_id=actor.user_id,
        status="queued",
        types=types,
        since=since,
        request_url=url,
        transaction_time=context.now(),
        progress="queued",
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor,
        "export",
        "fhir",
        jurisdiction_id=actor.jurisdiction_id or None,
        export=job.id,
        types=types,
        since=since.isoformat() if since else None,
    )
    return job


def job_of(session: Session, context: Context, export_id: str) -> BulkExport:
    """The export if it is the actor's own (or, for an administrator, in scope); 404
    otherwise, without saying whether it exists."""
    require_export(context)
    actor = context.actor
    found = session.scalars(
        actor.restrict(select(BulkExport).where(BulkExport.id == export_id), BulkExport)
    ).first()
    if found is None or (found.user_id != actor.user_id and actor.role != "admin"):
        raise NotFound(f"export {export_id}")
    return found


def files_of(session: Session, export_id: str) -> list[BulkExportFile]:
    return list(
        session.scalars(
            select(BulkExportFile)
            .where(BulkExportFile.export_id == export_id)
            .order_by(BulkExportFile.id)
        )
    )


def manifest(session: Session, job: BulkExport, base_url: str) -> dict[str, Any]:
    """The completion manifest (IG v2, "Response - Complete Status")."""
    return {
        "transactionTime": job.transaction_time.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {"type": f.resource_type, "url": f"{base_url}/{f.id}", "count": f.count}
            for f in files_of(session, job.id)
        ],
        "error": [],
    }


def cancel(session: Session, context: Context, export_id: str) -> None:
    """Stop the export and delete its files; a cancelled export answers 404 afterwards."""
    job = job_of(session, context, export_id)
    if job.status == "cancelled":
        raise NotFound(f"export {export_id}")
    job.status = "cancelled"
    session.execute(delete(BulkExportFile).where(BulkExportFile.export_id == export_id))


def read_file(session: Session, context: Context, file_id: int) -> tuple[str, str]:
    """An output file's resource type and NDJSON text; reading it is audited."""
    found = session.get(BulkExportFile, file_id)
    if found is None:
        raise NotFound(f"file {file_id}")
    job = job_of(session, context, found.export_id)
    if job.status != "done":
        raise NotFound(f"file {file_id}")
    audit.record(
        session,
        context.actor,
        "read",
        "fhir-file",
        [file_id],
        jurisdiction_id=job.jurisdiction_id,
        export=job.id,
        type=found.resource_type,
        count=found.count,
    )
    return found.resource_type, found.content


# Running ---------------------------------------------------------------------------


def run(sessions: sessionmaker[Session], export_id: str, context: Context) -> None:
    """Write the export's NDJSON files, type by type, committing each file; stop when it
    is cancelled; on an error mark it failed (the log names the export, no data)."""
    try:
        with transaction(sessions) as session:
            job = session.get(BulkExport, export_id)
            if job is None or job.status != "queued":
                return
            job.status, types, since = "running", list(job.types), job.since
        for n, kind in enumerate(types, start=1):
            if not _set_progress(sessions, export_id, f"{kind} ({n} of {len(types)})"):
                return
            _write_type(sessions, export_id, context, kind, since)
        with transaction(sessions) as session:
            job = session.get(BulkExport, export_id)
            if job is not None and job.status == "running":
                job.status, job.progress = "done", "done"
    except Exception:
        log.exception("FHIR bulk export %s failed", export_id)
        with transaction(sessions) as session:
            job = session.get(BulkExport, export_id)
            if job is not None and job.status == "running":
                job.status, job.error = "failed", "the export failed; the server log says why"


def _set_progress(sessions: sessionmaker[Session], export_id: str, progress: str) -> bool:
    """Record how far the export is; False when it was cancelled meanwhile."""
    with transaction(sessions) as session:
        job = session.get(BulkExport, export_id)
        if job is None or job.status != "running":
            return False
        job.progress = progress
        return True


def _write_type(
    sessions: sessionmaker[Session],
    export_id: str,
    context: Context,
    kind: str,
    since: datetime | None,
) -> None:
    lines: list[str] = []
    for resource in _resources(sessions, context, kind, since):
        lines.append(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
        if len(lines) >= FILE_MAX:
            _store(sessions, export_id, kind, lines)
            lines = []
    if lines:
        _store(sessions, export_id, kind, lines)


def _store(sessions: sessionmaker[Session], export_id: str, kind: str, lines: list[str]) -> None:
    with transaction(sessions) as session:
        job = session.get(BulkExport, export_id)
        if job is None or job.status != "running":
            return
        session.add(
            BulkExportFile(
                export_id=export_id,
                resource_type=kind,
                count=len(lines),
                content="\n".join(lines) + "\n",
            )
        )


def _resources(
    sessions: sessionmaker[Session], context: Context, kind: str, since: datetime | None
) -> Iterator[dict[str, Any]]:
    statement, key = _statement(context, kind, since)
    with reading(sessions)() as session:
        last: Any = None
        while True:
            page = statement if last is None else statement.where(key > last)
            rows = session.execute(page.order_by(key).limit(CHUNK)).all()
            if not rows:
                return
            for row in rows:
                yield _resource(context, kind, row)
            last = rows[-1].id


def _resource(context: Context, kind: str, row: Any) -> dict[str, Any]:
    if kind == "Patient":
        return resources.patient(
            row.id, row.name, row.national_id, row.sex, row.birth_date, row.updated_at
        )
    if kind == "Specimen":
        return resources.specimen(
            row.id,
            row.person_id,
            row.barcode,
            row.sample_type,
            row.collected_at,
            row.received_at,
            row.updated_at,
        )
    if kind == "Condition":
        return resources.condition(row, context.profile(row.disease))
    if kind == "Observation":
        return resources.observation(row)
    return resources.encounter(row)


def _statement(context: Context, kind: str, since: datetime | None) -> tuple[Select[Any], Any]:
    """The scoped rows of one resource type, changed since ``since`` when given."""
    actor = context.actor
    found: Select[Any]
    if kind == "Patient":
        people = union(
            actor.restrict(select(Case.person_id), Case),
            actor.restrict(select(Sample.person_id), Sample),
            actor.restrict(select(Admission.person_id), Admission),
        ).subquery()
        found = select(
            Person.id,
            Person.name,
            Person.national_id,
            Person.sex,
            Person.birth_date,
            Person.updated_at,
        ).where(Person.id.in_(select(people.c[0])))
        model: Any = Person
    elif kind == "Specimen":
        model = Sample
        found = actor.restrict(
            select(
                Sample.id,
                Sample.person_id,
                Sample.barcode,
                Sample.sample_type,
                Sample.collected_at,
                Sample.received_at,
                Sample.updated_at,
            ),
            Sample,
        )
    elif kind == "Condition":
        found, model = actor.restrict(_case_columns(), Case), Case
    elif kind == "Observation":
        found, model = actor.restrict(_result_columns(), LabResult), LabResult
    else:
        found, model = actor.restrict(_admission_columns(), Admission), Admission
    if since is not None:
        found = found.where(model.updated_at >= since)
    return found, model.id


def _case_columns() -> Select[Any]:
    return select(
        Case.id,
        Case.person_id,
        Case.disease,
        Case.classification,
        Case.date_onset,
        Case.date_reporting,
        Case.outcome,
        Case.date_outcome,
        Case.updated_at,
    )


def _result_columns() -> Select[Any]:
    return (
        select(
            LabResult.id,
            LabResult.sample_id,
            LabResult.test_type,
            LabResult.outcome,
            LabResult.resulted_at,
            LabResult.status,
            LabResult.code_system,
            LabResult.code,
            LabResult.targets,
            LabResult.lab,
            LabResult.external_id,
            LabResult.updated_at,
            Sample.person_id,
            Sample.collected_at,
        )
        .join(Sample, Sample.id == LabResult.sample_id)
        .where(LabResult.current.is_(True))
    )


def _admission_columns() -> Select[Any]:
    return select(
        Admission.id,
        Admission.person_id,
        Admission.case_id,
        Admission.admitted_at,
        Admission.discharged_at,
        Admission.updated_at,
        Hospital.name.label("hospital"),
    ).join(Hospital, Hospital.id == Admission.hospital_id)
