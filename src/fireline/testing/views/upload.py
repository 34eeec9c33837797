"""Upload lab results (a FHIR R4 Bundle or a CSV file) or pool results (CSV), and see what
they changed, or every problem with its path (FHIRPath for FHIR, line and column for CSV).
A refused file stores nothing: the intake runs in a SAVEPOINT that a problem rolls back."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from fireline.errors import Problem
from fireline.testing import csvin
from fireline.testing.fhir import parse as fhir
from fireline.testing.pooling.ingest import ingest_rows, read_pool_csv
from fireline.testing.results import digest, ingest
from fireline.testing.samples import require_write
from fireline.testing.views import common
from fireline.web import uploads
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
KINDS: Final = ("auto", "fhir", "csv", "pools")
NO_FILE: Final = N_("Choose a file to upload.")


def _render(page: Page, status: int = 200, **values: Any) -> Response:
    values.setdefault("kind", "auto")
    return page.render(
        "testing/upload.html",
        status_code=status,
        **common.shared(page, "upload"),
        kinds=KINDS,
        **values,
    )


@router.get("/testing/upload")
def upload_form(page: PageContext) -> Response:
    require_write(common.actor_of(page))
    return _render(page)


def _kind(asked: str, name: str, content: bytes) -> str:
    if asked in ("fhir", "csv", "pools"):
        return asked
    return "fhir" if name.lower().endswith(".json") or content.lstrip()[:1] == b"{" else "csv"


def _lab_results(page: Page, kind: str, name: str, content: bytes) -> dict[str, Any]:
    session, context = common.session_of(page), common.whole_scope(page)
    if kind == "fhir":
        limit = context.settings.fhir_max_entries
        parsed = fhir.parse(content, page.here.code, context.profiles, max_entries=limit)
        items, message_id = parsed.items, parsed.message_id or digest(content)
    else:
        items, message_id = csvin.parse(content), digest(content)
    message, repeated = ingest(
        session, context, source=kind, message_id=message_id, fmt=kind, content=content, items=items
    )
    return {"message": message, "repeated": repeated}


def _pool_results(page: Page, name: str, content: bytes) -> dict[str, Any]:
    rows = read_pool_csv(content)
    found = ingest_rows(
        common.session_of(page),
        common.actor_of(page),
        rows,
        batch=name or "upload",
        now=common.now(page),
    )
    return {"pools": found}


@router.post("/testing/upload")
def upload(page: PageContext, form: PostedForm) -> Response:
    actor = common.actor_of(page)
    require_write(actor)
    asked = str(form.get("kind") or "auto")
    file = form.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        return _render(page, 422, kind=asked, error=page.gettext(NO_FILE))
    content, name = file.file.read(), file.filename
    kind = _kind(asked, name, content)
    session = common.session_of(page)
    try:
        with session.begin_nested():
            if kind == "pools":
                report = _pool_results(page, name, content)
            else:
                report = _lab_results(page, kind, name, content)
    except Problem as problem:
        refused = uploads.refusal_text(page, problem)  # the file itself, not its rows
        return _render(
            page,
            problem.status,
            kind=asked,
            name=name,
            detected=kind,
            error=refused,
            problems=[] if refused else common.problem_lines(page, problem),
        )
    return _render(page, kind=asked, name=name, detected=kind, **report)
