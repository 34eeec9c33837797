"""Open a response by hand: for a cluster, or a confirmed case or an alert the sweep has not
reached; the playbook's tasks are due from now."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.errors import Problem
from fireline.response import service
from fireline.response.schemas import ResponseCreate
from fireline.response.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()

FIELDS: Final = ("jurisdiction_code", "disease", "trigger", "case_id", "alert_id", "level")
INCOMPLETE: Final = N_("Choose a jurisdiction and a disease; a case or an alert needs its number.")


def _values(page: Page, source: dict[str, str]) -> dict[str, str]:
    settings = common.settings_of(page)
    values = {name: (source.get(name) or "").strip() for name in FIELDS}
    values["jurisdiction_code"] = values["jurisdiction_code"] or page.here.code
    values["trigger"] = values["trigger"] if values["trigger"] in common.TRIGGERS else "cluster"
    values["level"] = values["level"] or settings.default_level
    if not values["disease"]:
        values["disease"] = next(iter(sorted(common.profiles_of(page))), "")
    return values


def _render(
    page: Page, values: dict[str, str], status: int = 200, error: common.Message | None = None
) -> Response:
    return page.render(
        "response/new.html",
        status_code=status,
        **common.shared(page, "new"),
        values=values,
        places=page.switcher_options(),
        diseases=sorted(common.disease_names(page).items(), key=lambda item: item[1]),
        levels=common.settings_of(page).levels,
        error=error,
    )


@router.get("/response/new")
def new_response(page: PageContext) -> Response:
    common.actor_of(page).require("cases:write")
    query = dict(page.request.query_params)
    if query.get("case_id"):
        query.setdefault("trigger", "case_confirmed")
    return _render(page, _values(page, query))


def _body(values: dict[str, str]) -> ResponseCreate:
    trigger = values["trigger"]
    return ResponseCreate(
        jurisdiction_code=values["jurisdiction_code"],
        disease=values["disease"],
        trigger=trigger,  # checked against TRIGGERS in _values
        case_id=common.form_int(values["case_id"]) if trigger == "case_confirmed" else None,
        alert_id=common.form_int(values["alert_id"]) if trigger == "alert" else None,
        level=values["level"] or None,
    )


@router.post("/response/new")
def open_response(page: PageContext, form: PostedForm) -> Response:
    common.actor_of(page).require("cases:write")
    values = _values(page, {k: str(v) for k, v in form.items() if isinstance(v, str)})
    try:
        record = service.open_response(
            common.session_of(page),
            common.record_context(page),
            _body(values),
            common.settings_of(page),
        )
    except ValidationError:
        return _render(page, values, 422, (INCOMPLETE, {}))
    except Problem as problem:  # raised before anything is written
        return _render(page, values, problem.status, common.problem_message(problem))
    return RedirectResponse(f"/response/{record.id}?done=opened", status_code=303)
