"""The exports page (``/exports``): the pseudonymised line list and the DHIS2 weekly
figures as downloads, with what each holds said on the page. Epidemiologists and
administrators only (``exports:run``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.errors import Forbidden, Problem
from fireline.exports import dhis2, linelist
from fireline.exports.api import linelist_response
from fireline.listing import ListQuery
from fireline.surveillance.models import CLASSIFICATIONS
from fireline.surveillance.views.common import all_disease_options
from fireline.translatable import N_
from fireline.web.deps import Page, PageContext, session_of

router = APIRouter()
FILTERS: Final = ("classification", "disease", "reported_from", "reported_to", "imported", "area")
MESSAGES: Final = {
    "format": N_("Choose CSV, XLSX or Parquet."),
    "key": N_("A key name is 1 to 64 letters, digits, dots, dashes or underscores."),
    "rows": N_("Too many cases for one sheet: choose CSV or Parquet."),
    "week": N_("Enter an ISO week such as 2026W49."),
}


@dataclass(frozen=True)
class Asked:
    """The forms' values as typed, shown again when one is refused."""

    format: str = "csv"
    key: str = ""
    weeks: bool = False
    classification: str = ""
    disease: str = ""
    reported_from: str = ""
    reported_to: str = ""
    imported: str = ""
    area: str = ""
    week: str = ""

    @classmethod
    def of(cls, page: Page) -> Asked:
        given = page.request.query_params
        values = {name: given.get(name, "")[:100] for name in (*FILTERS, "key", "week")}
        return cls(
            format=given.get("format", "csv")[:10], weeks=given.get("weeks") == "1", **values
        )

    def query(self) -> ListQuery:
        chosen = {name: getattr(self, name) for name in FILTERS}
        return ListQuery(filters={k: v for k, v in chosen.items() if v})


def _require(page: Page) -> None:
    if not linelist.may_export(page.context):
        raise Forbidden(f"the {page.context.actor.role} role does not allow exports")


def _render(page: Page, asked: Asked, errors: dict[str, str], status: int = 200) -> Response:
    return page.render(
        "exports/exports.html",
        status_code=status,
        nav="surveillance",
        today=page.today(),
        asked=asdict(asked),
        errors=errors,
        classifications=CLASSIFICATIONS,
        diseases=all_disease_options(page),
        last_week=dhis2.last_week(page.today()),
        week_system=page.context.settings.week_system,
    )


@router.get("/exports")
def exports_page(page: PageContext) -> Response:
    """The page; with ``download=linelist`` (its form's button) the line list as a file,
    or the page again with the refused field marked."""
    _require(page)
    asked = Asked.of(page)
    if page.request.query_params.get("download") != "linelist":
        return _render(page, asked, {})
    ask = linelist.Ask(asked.format, asked.key, asked.weeks, asked.query())
    wrong = linelist.check(ask)
    if wrong:
        return _render(page, asked, {w["field"]: MESSAGES[w["field"]] for w in wrong}, 422)
    try:
        plan = linelist.plan(session_of(page), page.context, ask)
    except Problem as problem:
        if problem.status != 422:
            raise
        return _render(page, asked, {"format": MESSAGES["rows"]}, 422)
    stem = f"linelist-{page.here.code}-{asked.key}"
    return linelist_response(page.request, plan, stem)


@router.get("/exports/dhis2.json")
def dhis2_download(page: PageContext) -> Response:
    """The week's DHIS2 data value set for the chosen jurisdiction, as a JSON file."""
    _require(page)
    asked = Asked.of(page)
    settings = page.context.settings
    mapping = dhis2.read_mapping(
        (settings.dhis2_mapping or dhis2.shipped_mapping()).read_text(encoding="utf-8")
    )
    try:
        dhis2.week_of(asked.week)
    except Problem:
        return _render(page, asked, {"week": MESSAGES["week"]}, 422)
    found: dict[str, Any] = dhis2.data_value_set(
        session_of(page), page.context, page.here.code, asked.week, mapping
    )
    filename = f"dhis2-{page.here.code}-{found['period']}.json"
    return Response(
        json.dumps(found, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
