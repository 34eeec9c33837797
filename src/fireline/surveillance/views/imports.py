"""The import wizard: upload → map columns → check (the report) → load → done.

Each step is its own address, so the browser's back button and a reload work, and a
batch left half-way can be picked up from the list of imports.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.surveillance.intake import batches, columns, mappings
from fireline.surveillance.models import ImportBatch
from fireline.surveillance.views.common import actor_of, all_disease_options, session_of
from fireline.web import uploads
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
PROBLEMS_PER_PAGE: Final = 50
IMPORTS_SHOWN: Final = 30
OPEN: Final = ("validated", "needs_mapping", "refused")
NO_FILE: Final = N_("Choose a file to upload.")
UNREADABLE: Final = N_("The file could not be read: %(detail)s")
HAS_BAD_ROWS: Final = N_(
    "Nothing was loaded: %(n)s rows have problems. Fix the file and upload it again, "
    "or tick “Load the good rows only”."
)
NEEDS_MAPPING: Final = N_("Map the required fields first: %(fields)s.")


def _missing(page: Page, batch: ImportBatch) -> tuple[str, dict[str, str]]:
    """The required fields without a column, named in the page's language."""
    labels = {t.name: t.label_zh if page.language == "zh" else t.label_en for t in columns.TARGETS}
    names = [labels[name] for name in columns.missing_required(batch.mapping)]
    separator = "、" if page.language == "zh" else ", "
    return NEEDS_MAPPING, {"fields": separator.join(names)}


def _shown(page: Page) -> ListQuery:
    """The newest imports the list page shows."""
    return page.list_query(batches.BATCH_FILTERS, IMPORTS_SHOWN).with_page(1)


def _batch(page: Page, batch_id: int) -> ImportBatch:
    return batches.get_batch(session_of(page), actor_of(page), batch_id)


@router.get("/surveillance/imports")
def import_list(page: PageContext) -> Response:
    actor_of(page).require("cases:write")
    rows, total = batches.list_batches(session_of(page), actor_of(page), _shown(page))
    return page.render(
        "surveillance/imports.html",
        nav="surveillance",
        subnav="imports",
        today=page.today(),
        batches=rows,
        total=total,
        error=None,
        diseases=all_disease_options(page),
        saved=mappings.list_mappings(session_of(page), actor_of(page)),
    )


@router.post("/surveillance/imports")
def upload(
    page: PageContext,
    file: Annotated[UploadFile | None, File()] = None,
    disease: Annotated[str, Form()] = "",
    default_classification: Annotated[str, Form()] = "suspected",
    mapping_name: Annotated[str, Form()] = "",
) -> Response:
    """Step 1: store the file as a batch with its first report, then go to the mapping."""
    session, actor = session_of(page), actor_of(page)
    actor.require("cases:write")
    content = file.file.read() if file is not None else b""
    error: tuple[str, dict[str, str]] | None = None
    if file is None or not file.filename or not content:
        error = (NO_FILE, {})
    else:
        options = batches.ImportOptions(
            disease=disease,
            source="file",
            default_classification=default_classification,
            mapping_name=mapping_name or None,
            limits=page.state.settings.file_limits(),
        )
        try:
            with session.begin_nested():  # a refused file leaves no batch behind
                batch = batches.start_import(
                    session, page.context, filename=file.filename, content=content, options=options
                )
            return RedirectResponse(f"/surveillance/imports/{batch.id}/mapping", 303)
        except Problem as problem:
            error = uploads.refusal(problem) or (UNREADABLE, {"detail": problem.detail})
    rows, total = batches.list_batches(session, actor, _shown(page))
    return page.render(
        "surveillance/imports.html",
        status_code=422,
        nav="surveillance",
        subnav="imports",
        today=page.today(),
        batches=rows,
        total=total,
        error=error,
        diseases=all_disease_options(page),
        saved=mappings.list_mappings(session, actor),
    )


@router.get("/surveillance/imports/{batch_id}/mapping")
def mapping_step(batch_id: int, page: PageContext) -> Response:
    return _mapping_page(page, _batch(page, batch_id))


def _mapping_page(
    page: Page,
    batch: ImportBatch,
    status: int = 200,
    error: tuple[str, dict[str, str]] | None = None,
) -> Response:
    return page.render(
        "surveillance/import_mapping.html",
        status_code=status,
        nav="surveillance",
        subnav="imports",
        today=page.today(),
        batch=batch,
        targets=columns.TARGETS,
        missing=columns.missing_required(batch.mapping),
        error=error,
        saved=mappings.list_mappings(session_of(page), actor_of(page)),
        step=2,
    )


@router.post("/surveillance/imports/{batch_id}/mapping")
def map_columns(batch_id: int, page: PageContext, form: PostedForm) -> Response:
    """Step 2: validate again with the chosen headers; optionally save them by name."""
    session, actor = session_of(page), actor_of(page)
    saved_name = str(form.get("use_mapping") or "")
    chosen = {t.name: str(form.get(f"map_{t.name}") or "") for t in columns.TARGETS}
    try:
        if saved_name:  # a saved mapping replaces what the form shows
            batch = batches.remap(
                session, page.context, batch_id, mapping={}, mapping_name=saved_name
            )
            return RedirectResponse(f"/surveillance/imports/{batch_id}/mapping", 303)
        batch = batches.remap(session, page.context, batch_id, mapping=chosen)
        name = str(form.get("save_as") or "").strip()[:100]
        if name:
            mappings.save_mapping(session, actor, name=name, columns=dict(batch.mapping))
    except Problem as problem:
        if problem.status == 404:
            raise
        return _mapping_page(
            page, _batch(page, batch_id), 422, ("%(detail)s", {"detail": problem.detail})
        )
    if batch.status == "needs_mapping":
        return _mapping_page(page, batch, 422, _missing(page, batch))
    return RedirectResponse(f"/surveillance/imports/{batch_id}", 303)


@router.get("/surveillance/imports/{batch_id}")
def report_step(batch_id: int, page: PageContext, request: Request) -> Response:
    return _report_page(page, _batch(page, batch_id), request)


def _report_page(
    page: Page,
    batch: ImportBatch,
    request: Request,
    status: int = 200,
    error: tuple[str, dict[str, str]] | None = None,
) -> Response:
    """Step 3 (the report and the load form), or the done page once committed."""
    try:
        number = max(1, int(request.query_params.get("page") or 1))
    except ValueError:
        number = 1
    query = ListQuery(limit=PROBLEMS_PER_PAGE).with_page(number)
    problems, total = batches.problems_page(session_of(page), actor_of(page), batch.id, query)
    return page.render(
        "surveillance/import_report.html",
        status_code=status,
        nav="surveillance",
        subnav="imports",
        today=page.today(),
        batch=batch,
        problems=problems,
        problem_total=total,
        number=number,
        pages=max(1, -(-total // PROBLEMS_PER_PAGE)),
        error=error,
        step=4 if batch.status == "committed" else 3,
        is_open=batch.status in OPEN,
    )


@router.post("/surveillance/imports/{batch_id}/commit")
def commit(
    batch_id: int,
    page: PageContext,
    request: Request,
    good_rows_only: Annotated[str, Form()] = "",
) -> Response:
    """Step 4: load; with bad rows nothing is loaded unless the good rows only are asked."""
    try:
        batches.commit_import(
            session_of(page), page.context, batch_id, good_rows_only=good_rows_only == "1"
        )
    except Problem as problem:
        if problem.status not in (409, 422):
            raise
        batch = _batch(page, batch_id)
        if batch.status == "needs_mapping":
            message = _missing(page, batch)
        elif batch.status == "refused":
            message = (HAS_BAD_ROWS, {"n": str(batch.bad_rows)})
        else:
            message = ("%(detail)s", {"detail": problem.detail})
        return _report_page(page, batch, request, problem.status, message)
    return RedirectResponse(f"/surveillance/imports/{batch_id}", 303)


@router.post("/surveillance/imports/{batch_id}/discard")
def discard(batch_id: int, page: PageContext) -> Response:
    batches.discard_import(session_of(page), actor_of(page), batch_id)
    return RedirectResponse("/surveillance/imports", 303)


@router.get("/surveillance/imports/{batch_id}/report.csv")
def report_csv(batch_id: int, page: PageContext) -> Response:
    """The whole report (UTF-8 with BOM, so that Excel shows Chinese text)."""
    text = batches.report_csv(session_of(page), actor_of(page), batch_id)
    headers = {"Content-Disposition": f'attachment; filename="import-{batch_id}-report.csv"'}
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8", headers=headers)
