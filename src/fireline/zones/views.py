"""The zone pages: ``/zones`` (map and list with computed lift dates and what is missing),
``/zones/new`` (draw: paste GeoJSON or addresses), ``/zones/{id}`` (rounds, step down,
lift, a link that sets up a screening campaign over the residents). Forms send the
version they read; CSRF is checked by page_context."""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.errors import Problem
from fireline.jurisdictions.service import children
from fireline.places.models import Jurisdiction
from fireline.web.deps import Page, PageContext, PostedForm, actor_of, form_int, session_of
from fireline.zones import charts, service
from fireline.zones.api import zone_levels, zone_settings
from fireline.zones.models import Zone
from fireline.zones.schemas import RoundCreate, ZoneCreate
from fireline.zones.status import resident_count, status

router = APIRouter()
ZONE_FILTERS: Final = ("active", "status", "level")
PER_PAGE: Final = 100


def _rows(page: Page, zones: list[Any]) -> list[dict[str, Any]]:
    session, levels, day = session_of(page), zone_levels(page.request), page.today()
    return [
        {
            "zone": z,
            "computed": status(session, z, levels, day),
            "residents": resident_count(session, z),
        }
        for z in zones
    ]


def _pager(page: Page, total: int, per_page: int) -> dict[str, Any]:
    """The pager's figures, and the link to page ``n`` keeping the filters."""
    query = page.list_query(ZONE_FILTERS, per_page=per_page)
    kept = {name: query.value(name) for name in ZONE_FILTERS if query.value(name)}
    return {
        "number": query.offset // per_page + 1,
        "pages": max(1, -(-total // per_page)),
        "total": total,
        "link": lambda n: f"?{urlencode({**kept, 'page': n})}",
    }


@router.get("/zones")
def zones_page(page: PageContext) -> Response:
    session, actor = session_of(page), actor_of(page)
    levels = zone_levels(page.request)
    query = page.list_query(ZONE_FILTERS, per_page=PER_PAGE)
    zones, total = service.zone_list(session, page.context, query)
    seats = [page.here, *children(session, actor, page.here.code)]
    spec = charts.zone_map(
        zones, seats, levels, page.language, page.gettext("Level"), page.gettext("Zone")
    )
    return page.render(
        "zones/zones.html",
        nav="quarantine",
        subnav="zones",
        today=page.today(),
        rows=_rows(page, zones),
        levels=levels,
        spec=spec,
        can_write=actor.can("cases:write"),
        paging=_pager(page, total, PER_PAGE),
    )


def _form_page(
    page: Page,
    status_code: int = 200,
    error: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return page.render(
        "zones/zone_new.html",
        status_code=status_code,
        nav="quarantine",
        subnav="zones",
        today=page.today(),
        levels=zone_levels(page.request),
        error=error,
        values=values or {},
    )


@router.get("/zones/new")
def new_zone_page(page: PageContext) -> Response:
    return _form_page(page)


def _body(page: Page, form: dict[str, str]) -> ZoneCreate:
    outline = form.get("geometry", "").strip()
    try:
        geometry = json.loads(outline) if outline else None
    except json.JSONDecodeError as exc:
        raise Problem(422, f"the outline is not JSON: {exc.msg} (line {exc.lineno})") from None
    return ZoneCreate(
        name=form.get("name", ""),
        jurisdiction_code=page.here.code,
        level=form.get("level", ""),
        geometry=geometry,
        addresses=form.get("addresses", "").splitlines(),
    )


@router.post("/zones/new")
def create_zone(page: PageContext, request: Request, posted: PostedForm) -> Response:
    form = {k: str(v) for k, v in posted.items() if k != "csrf_token"}
    try:
        zone = service.create_zone(
            session_of(page),
            actor_of(page),
            _body(page, form),
            today=page.today(),
            levels=zone_levels(request),
            settings=zone_settings(request),
        )
    except (Problem, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, Problem) else exc.errors()[0]["msg"]
        return _form_page(page, 422, detail, form)  # checks run before anything is added
    return RedirectResponse(f"/zones/{zone.id}?done=created", status_code=303)


def _screen_url(page: Page, zone: Zone, place: Jurisdiction, residents: int) -> str | None:
    """The campaign set-up page, prefilled for this zone's residents (a link to the testing
    pages: zones imports nothing from testing; the set-up page checks the zone again)."""
    if zone.status != "active" or not residents or not actor_of(page).can("samples:write"):
        return None
    query = {
        "target_kind": "zone",
        "zone_id": zone.id,
        "jurisdiction_code": place.code,
        "population": residents,
        "name": page.gettext("Screening of %(zone)s") % {"zone": zone.name},
    }
    return f"/testing/campaigns/new?{urlencode(query)}"


def _detail(page: Page, zone_id: int, status_code: int = 200, error: str | None = None) -> Response:
    session, actor = session_of(page), actor_of(page)
    zone = service.get_zone(session, actor, zone_id)
    levels = zone_levels(page.request)
    place = service.place_of(session, zone)
    row = _rows(page, [zone])[0]
    return page.render(
        "zones/zone.html",
        status_code=status_code,
        nav="quarantine",
        subnav="zones",
        today=page.today(),
        zone=zone,
        place=place,
        row=row,
        levels=levels,
        screen_url=_screen_url(page, zone, place, row["residents"]),
        rounds=service.rounds(session, zone),
        error=error,
        spec=charts.zone_map(
            [zone], [place], levels, page.language, page.gettext("Level"), page.gettext("Zone")
        ),
        can_write=actor.can("cases:write"),
        done=page.request.query_params.get("done"),
    )


@router.get("/zones/{zone_id}")
def zone_page(zone_id: int, page: PageContext) -> Response:
    return _detail(page, zone_id)


@router.post("/zones/{zone_id}/action")
def act(zone_id: int, page: PageContext, request: Request, form: PostedForm) -> Response:
    session, actor, day = session_of(page), actor_of(page), page.today()
    levels, action = zone_levels(request), str(form.get("action") or "")
    version = form_int(form.get("version")) or 0
    try:
        if action == "round":
            body = RoundCreate.model_validate(
                {
                    "day": str(form.get("day") or day),
                    "result": str(form.get("result")),
                    "tested": form_int(form.get("tested")),
                }
            )
            service.add_round(session, actor, zone_id, body)
        elif action in ("step_down", "lift"):
            move = service.step_down if action == "step_down" else service.lift
            move(session, actor, zone_id, version=version, today=day, levels=levels)
        else:
            raise Problem(422, f"unknown action {action!r}")
    except (Problem, ValidationError) as exc:
        detail = exc.detail if isinstance(exc, Problem) else exc.errors()[0]["msg"]
        session.expire_all()
        return _detail(page, zone_id, exc.status if isinstance(exc, Problem) else 422, detail)
    return RedirectResponse(f"/zones/{zone_id}?done={action}", status_code=303)
