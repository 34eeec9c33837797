"""Imports as the pages and the CLI use them: validate into a batch, then commit.

Step 1 (``start_import``) reads the file, maps its columns, validates every row and
stores a batch with its report; nothing else is written. Step 2 (``commit_import``)
validates again against the database as it is now and loads the rows, all or none
unless the user asks for the good rows only. ``import_file`` does both in one go
(the CLI and the benchmark). A batch is visible in the importing user's subtree.

The functions that check a disease take the request's ``Context``, so a disease the
deployment's folder adds (``FIRELINE_DISEASE_DIR``) is known to the import as to the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import pyarrow as pa
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.context import Context
from fireline.db import bulk
from fireline.db.base import utcnow
from fireline.errors import Problem
from fireline.interop.limits import DEFAULT_LIMITS, FileLimits
from fireline.interop.tables import ReadError, TextTable, read_table
from fireline.listing import ListQuery, ListSpec, search_filter_sort_paginate
from fireline.places.models import Jurisdiction
from fireline.surveillance.intake import columns, load, report
from fireline.surveillance.intake.mappings import find_mapping, home_jurisdiction_id
from fireline.surveillance.intake.validate import Context as RowChecks
from fireline.surveillance.intake.validate import Validated, distinct_codes, validate
from fireline.surveillance.models import ImportBatch, ImportProblem
from fireline.surveillance.service import check_classification, known_profile


@dataclass
class ImportOptions:
    disease: str
    source: str = "file"
    default_classification: str = "suspected"
    mapping: dict[str, str] = field(default_factory=dict)  # target -> header, over defaults
    mapping_name: str | None = None
    limits: FileLimits = DEFAULT_LIMITS  # what an uploaded file may unpack to


def _new_batch(
    session: Session,
    context: Context,
    filename: str,
    options: ImportOptions,
    content: bytes | None,
) -> ImportBatch:
    actor = context.actor
    actor.require("cases:write")
    profile = known_profile(context.profiles, options.disease)
    check_classification(profile, options.default_classification)
    batch = ImportBatch(
        jurisdiction_id=home_jurisdiction_id(session, actor),
        user_id=actor.user_id,
        filename=filename[:300],
        source=options.source,
        disease=profile.code,
        default_classification=options.default_classification,
        status="validated",
        content=content,
    )
    session.add(batch)
    session.flush()
    return batch


def start_import(
    session: Session,
    context: Context,
    *,
    filename: str,
    content: bytes,
    options: ImportOptions,
) -> ImportBatch:
    """Validate a file into a new batch with its report (nothing else is stored)."""
    actor = context.actor
    batch = _new_batch(session, context, filename, options, content)
    _run(
        session,
        context,
        batch,
        content,
        _explicit(session, actor, options),
        commit=False,
        limits=options.limits,
    )
    audit.record(
        session,
        actor,
        "validate",
        "case_import_batch",
        [batch.id],
        jurisdiction_id=batch.jurisdiction_id,
        rows=batch.total_rows,
        bad=batch.bad_rows,
    )
    return batch


def import_file(
    session: Session,
    context: Context,
    *,
    filename: str,
    content: bytes,
    options: ImportOptions,
    good_rows_only: bool = False,
    prepared: Prepared | None = None,
) -> ImportBatch:
    """Validate and load in one pass and one transaction; with bad rows the batch is
    ``refused`` (its report kept, no case stored) unless ``good_rows_only``. With
    ``prepared`` (``prepare_file``), the file is not read and validated again."""
    batch = _new_batch(session, context, filename, options, None)
    explicit = {} if prepared else _explicit(session, context.actor, options)
    _run(
        session,
        context,
        batch,
        content,
        explicit,
        commit=True,
        good_rows_only=good_rows_only,
        limits=options.limits,
        prepared=prepared,
    )
    return batch


def remap(
    session: Session,
    context: Context,
    batch_id: int,
    *,
    mapping: dict[str, str],
    mapping_name: str | None = None,
) -> ImportBatch:
    """Validate an uncommitted batch again with another column mapping (the wizard's step 2)."""
    actor = context.actor
    batch = _open_batch(session, actor, batch_id)
    options = ImportOptions(batch.disease, mapping=mapping, mapping_name=mapping_name)
    _run(session, context, batch, _content(batch), _explicit(session, actor, options), commit=False)
    return batch


def commit_import(
    session: Session, context: Context, batch_id: int, *, good_rows_only: bool = False
) -> ImportBatch:
    """Load a validated batch; with bad rows refuse (422) unless ``good_rows_only``."""
    batch = _open_batch(session, context.actor, batch_id)
    content = _content(batch)
    _run(
        session,
        context,
        batch,
        content,
        dict(batch.mapping),
        commit=True,
        good_rows_only=good_rows_only,
    )
    if batch.status != "committed":
        raise Problem(422, _refused_message(batch), bad_rows=batch.bad_rows)
    return batch


def discard_import(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    batch = _open_batch(session, actor, batch_id)
    batch.status, batch.content = "discarded", None
    audit.record(
        session,
        actor,
        "discard",
        "case_import_batch",
        [batch.id],
        jurisdiction_id=batch.jurisdiction_id,
    )
    session.flush()
    return batch


def _refused_message(batch: ImportBatch) -> str:
    if batch.status == "needs_mapping":
        return "map the required columns first: " + ", ".join(
            columns.missing_required(batch.mapping)
        )
    return (
        f"{batch.bad_rows} rows have problems and nothing was imported; fix the file, "
        "or import the good rows only"
    )


def _explicit(session: Session, actor: Actor, options: ImportOptions) -> dict[str, str]:
    """A saved mapping by name, overridden pair by pair by an explicit one."""
    saved = (
        dict(find_mapping(session, actor, options.mapping_name).columns)
        if options.mapping_name
        else {}
    )
    return {**saved, **options.mapping}


def _open_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    actor.require("cases:write")
    batch: ImportBatch = actor.get(session, ImportBatch, batch_id, f"import {batch_id}")
    if batch.status not in ("validated", "needs_mapping", "refused"):
        raise Problem(409, f"import {batch_id} is {batch.status} already")
    return batch


def _content(batch: ImportBatch) -> bytes:
    if batch.content is None:
        raise Problem(409, f"import {batch.id} no longer holds its file; upload it again")
    return batch.content


@dataclass
class Prepared:
    """A file read, mapped and validated ahead of the transaction that loads it."""

    text: TextTable
    mapping: dict[str, str]
    validated: Validated | None  # None: required columns are not mapped


def prepare_file(
    session: Session,
    context: Context,
    *,
    filename: str,
    content: bytes,
    options: ImportOptions,
) -> Prepared:
    """Read, map and validate a file. It only reads the database, so the CLI runs it
    before its write transaction and holds SQLite's write lock only to load."""
    context.actor.require("cases:write")
    profile = known_profile(context.profiles, options.disease)
    check_classification(profile, options.default_classification)
    text = _read(content, filename, options.limits)
    mapping = columns.resolve(text.headers, _explicit(session, context.actor, options))
    validated = _validate(session, context, text, mapping, options)
    return Prepared(text, mapping, validated)


def _read(content: bytes, filename: str, limits: FileLimits = DEFAULT_LIMITS) -> TextTable:
    try:
        return read_table(content, filename, limits)
    except ReadError as exc:
        raise Problem(422, f"{filename}: {exc}") from exc


def _validate(
    session: Session,
    context: Context,
    text: TextTable,
    mapping: dict[str, str],
    options: ImportOptions,
) -> Validated | None:
    if columns.missing_required(mapping):
        return None
    return validate(text, mapping, _row_checks(session, context, options, text, mapping))


def _run(
    session: Session,
    context: Context,
    batch: ImportBatch,
    content: bytes,
    explicit: dict[str, str],
    *,
    commit: bool,
    good_rows_only: bool = False,
    prepared: Prepared | None = None,
    limits: FileLimits = DEFAULT_LIMITS,
) -> None:
    """Read, map, validate and (when asked and allowed) load; the report replaces the last."""
    if prepared is None:
        text = _read(content, batch.filename, limits)
        mapping = columns.resolve(text.headers, explicit)
        options = ImportOptions(batch.disease, batch.source, batch.default_classification)
        prepared = Prepared(text, mapping, _validate(session, context, text, mapping, options))
    text, validated = prepared.text, prepared.validated
    batch.encoding, batch.headers, batch.mapping = text.encoding, text.headers, prepared.mapping
    session.execute(delete(ImportProblem).where(ImportProblem.batch_id == batch.id))
    if validated is None:
        batch.status, batch.total_rows = "needs_mapping", text.table.num_rows + len(text.problems)
        return
    good = validated.rows.filter(pa.array(~validated.bad))
    batch.total_rows = text.table.num_rows + len({p.line for p in text.problems})
    with bulk.bulk_settings(session):
        _check_and_load(session, context.actor, batch, validated, good, commit, good_rows_only)


def _check_and_load(
    session: Session,
    actor: Actor,
    batch: ImportBatch,
    validated: Validated,
    good: pa.Table,
    commit: bool,
    good_rows_only: bool,
) -> None:
    """Rows imported before are reported; the report is stored; then (maybe) the load."""
    known = load.find_known(session, actor, good, batch.source)
    id_header = batch.mapping["external_id"]
    batch.duplicate_rows = load.report_known(good, known, validated.problems, id_header)
    problems = validated.problems.table()
    _store_problems(session, batch, problems)
    batch.bad_rows = report.bad_line_count(problems)
    batch.status = "validated"
    if commit:
        _commit(session, actor, batch, good, known, good_rows_only)


def _row_checks(
    session: Session,
    context: Context,
    options: ImportOptions,
    text: TextTable,
    mapping: dict[str, str],
) -> RowChecks:
    """The deployment's profile of the disease, and the jurisdiction codes of the file
    resolved in one query; scope by the actor's path."""
    actor = context.actor
    codes = distinct_codes(text, mapping)
    found: list[tuple[str, int, str]] = []
    if codes:
        found = list(
            session.execute(
                select(Jurisdiction.code, Jurisdiction.id, Jurisdiction.path).where(
                    Jurisdiction.code.in_(codes)
                )
            ).tuples()
        )
    resolved = {code: (ident if actor.covers_path(path) else None) for code, ident, path in found}
    profile = known_profile(context.profiles, options.disease)
    return RowChecks(profile, options.default_classification, resolved, context.today())


def _commit(
    session: Session,
    actor: Actor,
    batch: ImportBatch,
    good: pa.Table,
    known: load.Known,
    good_rows_only: bool,
) -> None:
    if batch.bad_rows and not good_rows_only:
        batch.status = "refused"
        return
    loaded = load.write(session, actor, batch, good, known)
    batch.cases_created, batch.persons_created = loaded.cases_created, loaded.persons_created
    batch.persons_reused, batch.matches_proposed = loaded.persons_reused, loaded.matches_proposed
    batch.status, batch.committed_at, batch.content = "committed", utcnow(), None
    audit.record(
        session,
        actor,
        "import",
        "case",
        [],
        jurisdiction_id=batch.jurisdiction_id,
        batch=batch.id,
        cases=loaded.cases_created,
        persons=loaded.persons_created,
        reused=loaded.persons_reused,
        skipped=loaded.duplicates,
        bad=batch.bad_rows,
    )
    session.flush()


def _store_problems(session: Session, batch: ImportBatch, problems: pa.Table) -> None:
    count = problems.num_rows
    if count:
        rows = problems.append_column(
            "batch_id", pa.array(np.full(count, batch.id, dtype=np.int64))
        )
        bulk.insert_rows(session, "case_import_problems", rows)


BATCH_FILTERS: Final = ("status", "disease")
BATCHES: Final = ListSpec(
    sorts={"newest": (ImportBatch.id,)},
    default_sort="newest",
    filters={
        "status": lambda text: ImportBatch.status == text,
        "disease": lambda text: ImportBatch.disease == text,
    },
    search=lambda text: [ImportBatch.filename.contains(text, autoescape=True)],
)


def list_batches(session: Session, actor: Actor, query: ListQuery) -> tuple[list[ImportBatch], int]:
    """One page of the imports in scope, newest first (the page's list and the API's)."""
    actor.require("cases:read")
    statement = actor.restrict(select(ImportBatch), ImportBatch)
    return search_filter_sort_paginate(session, statement, BATCHES, query)


def get_batch(session: Session, actor: Actor, batch_id: int) -> ImportBatch:
    actor.require("cases:read")
    batch: ImportBatch = actor.get(session, ImportBatch, batch_id, f"import {batch_id}")
    return batch


PROBLEMS = ListSpec(
    sorts={
        "line": (ImportProblem.line, ImportProblem.id),
        "column": (ImportProblem.column, ImportProblem.line),
    },
    default_sort="line",
    filters={"severity": lambda text: ImportProblem.severity == text},
    search=lambda text: [
        ImportProblem.message.icontains(text, autoescape=True),
        ImportProblem.column.icontains(text, autoescape=True),
    ],
)


def problems_page(
    session: Session, actor: Actor, batch_id: int, query: ListQuery
) -> tuple[list[ImportProblem], int]:
    """A page of the report (``severity``; ``q`` in the message or column), in line order
    unless sorted; its values may be personal data, so the read is audited."""
    batch = get_batch(session, actor, batch_id)
    if not query.sort:
        query = replace(query, sort="line", descending=False)
    statement = select(ImportProblem).where(ImportProblem.batch_id == batch.id)
    rows, total = search_filter_sort_paginate(session, statement, PROBLEMS, query)
    audit.record(
        session,
        actor,
        "read",
        "case_import_report",
        [batch.id],
        jurisdiction_id=batch.jurisdiction_id,
        offset=query.offset,
    )
    return rows, total


def report_csv(session: Session, actor: Actor, batch_id: int) -> str:
    """The whole report as CSV (line, column, value, message, severity); audited."""
    batch = get_batch(session, actor, batch_id)
    rows = session.execute(
        select(
            ImportProblem.line,
            ImportProblem.column,
            ImportProblem.value,
            ImportProblem.message,
            ImportProblem.severity,
        )
        .where(ImportProblem.batch_id == batch.id)
        .order_by(ImportProblem.line, ImportProblem.id)
    ).tuples()
    audit.record(
        session,
        actor,
        "read",
        "case_import_report",
        [batch.id],
        jurisdiction_id=batch.jurisdiction_id,
        format="csv",
    )
    return report.to_csv(list(rows))


def first_problems(session: Session, batch: ImportBatch, limit: int = 10) -> list[ImportProblem]:
    statement = (
        select(ImportProblem)
        .where(ImportProblem.batch_id == batch.id)
        .order_by(ImportProblem.line, ImportProblem.id)
        .limit(limit)
    )
    return list(session.scalars(statement))


def problem_count(session: Session, batch: ImportBatch) -> int:
    statement = select(func.count()).where(ImportProblem.batch_id == batch.id)
    return int(session.scalar(statement) or 0)
