"""Screening campaigns: the list, and the set-up form (target, sites with capacity, pool
size from the expected prevalence by the Dorfman or matrix optimum capped by the disease
profile, or by hand). "Preview" shows the chosen size without saving.

The form may come prefilled from its query (the zone page's "Screen the zone's residents"
link: ``target_kind``, ``zone_id``, ``jurisdiction_code``, ``population``, ``name``). A
zone is read again through the user's scope: its jurisdiction and resident count replace
the query's; a zone not found in scope, or lifted, is left out with a note."""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from fireline.analytics.pooling import PoolChoice, choose_pool_size
from fireline.errors import Problem
from fireline.testing.pooling import campaigns, lists
from fireline.testing.pooling.models import TARGET_KINDS
from fireline.testing.pooling.schemas import CampaignCreate, SiteCreate
from fireline.testing.samples import require_write
from fireline.testing.views import common
from fireline.web.deps import Page, PageContext, PostedForm
from fireline.web.i18n import N_

router = APIRouter()
FIELDS: Final = (
    "name",
    "disease",
    "jurisdiction_code",
    "target_kind",
    "zone_id",
    "population",
    "design",
    "prevalence",
    "pool_size",
    "hold_days",
    "starts_on",
    "sites",
    "people",
)
BAD_SITE: Final = N_("Line %(n)s of the sites: write CODE, name, people per hour.")
INCOMPLETE: Final = N_("Check the form: %(detail)s")
PREFILLED: Final = ("name", "target_kind", "zone_id", "jurisdiction_code", "population")
ZONE_LEFT_OUT: Final = N_(
    "Risk zone %(zone)s is not among the active zones of your "
    "jurisdictions, so the form does not target it."
)
ZONE_TARGET: Final = N_("Target: the %(n)s residents of risk zone %(zone)s (number %(id)s).")
CAMPAIGN_FILTERS: Final = ("disease", "status", "target_kind", "design")


@router.get("/testing/campaigns")
def campaigns_page(page: PageContext) -> Response:
    query = page.list_query(CAMPAIGN_FILTERS, per_page=common.PER_PAGE)
    rows, total = lists.list_campaigns(common.session_of(page), page.context, query)
    return page.render(
        "testing/campaigns.html",
        **common.shared(page, "campaigns"),
        rows=rows,
        **common.pager(query, total),
    )


def _values(page: Page, source: dict[str, str]) -> dict[str, str]:
    values = {name: (source.get(name) or "").strip() for name in FIELDS}
    values["jurisdiction_code"] = values["jurisdiction_code"] or page.here.code
    values["disease"] = values["disease"] or "covid19"
    values["target_kind"] = values["target_kind"] or "jurisdiction"
    values["design"] = "matrix" if values["design"] == "matrix" else "dorfman"
    values["hold_days"] = values["hold_days"] or "3"
    values["starts_on"] = values["starts_on"] or common.today(page).isoformat()
    return values


def _render(page: Page, values: dict[str, str], status: int = 200, **extra: Any) -> Response:
    profiles = page.context.profiles
    names = {c: (p.names.zh if page.language == "zh" else p.names.en) for c, p in profiles.items()}
    return page.render(
        "testing/campaign_new.html",
        status_code=status,
        **common.shared(page, "new"),
        values=values,
        places=page.switcher_options(),
        diseases=sorted(names.items(), key=lambda i: i[1]),
        **extra,
    )


def _from_query(page: Page) -> dict[str, str]:
    """The prefilled fields, each checked; anything else in the query is ignored."""
    query = {k: v[:200] for k, v in page.request.query_params.items() if k in PREFILLED}
    values = _values(page, query)
    if values["target_kind"] not in TARGET_KINDS:
        values["target_kind"] = "jurisdiction"
    if values["jurisdiction_code"] not in {code for code, _ in page.switcher_options()}:
        values["jurisdiction_code"] = page.here.code
    if common.form_int(values["population"]) is None:
        values["population"] = ""
    return values


def _zone(page: Page, values: dict[str, str]) -> campaigns.ZoneTarget | None:
    """The zone the query targets, in scope and active; None (and a plain form) otherwise."""
    wanted = common.form_int(values["zone_id"])
    target = campaigns.zone_target(common.session_of(page), common.actor_of(page), wanted)
    if target is None:
        values.update(target_kind="jurisdiction", zone_id="", population="")
        return None
    values.update(
        zone_id=str(target.zone.id),
        population=str(target.residents),
        jurisdiction_code=target.jurisdiction_code,
        name=values["name"] or page.gettext("Screening of %(zone)s") % {"zone": target.zone.name},
    )
    return target


@router.get("/testing/campaigns/new")
def new_campaign(page: PageContext) -> Response:
    require_write(common.actor_of(page))
    values = _from_query(page)
    if values["target_kind"] != "zone":
        values["zone_id"] = ""
        return _render(page, values)
    asked = values["zone_id"]
    target = _zone(page, values)
    if target is None:
        return _render(page, values, warning=page.gettext(ZONE_LEFT_OUT) % {"zone": asked or "–"})
    return _render(
        page,
        values,
        info=page.gettext(ZONE_TARGET)
        % {"n": values["population"], "zone": target.zone.name, "id": target.zone.id},
    )


def _percent(value: str) -> float | None:
    found = common.form_float(value)
    return found / 100 if found is not None else None


def _body(values: dict[str, str]) -> CampaignCreate:
    people = [line for line in values["people"].splitlines() if line.strip()]
    population = (
        len(people)
        if values["target_kind"] == "list"
        else common.form_int(values["population"]) or 0
    )
    return CampaignCreate.model_validate(
        {
            **{
                k: values[k]
                for k in (
                    "name",
                    "disease",
                    "jurisdiction_code",
                    "target_kind",
                    "design",
                    "starts_on",
                )
            },
            "zone_id": common.form_int(values["zone_id"])
            if values["target_kind"] == "zone"
            else None,
            "population": population,
            "prevalence": _percent(values["prevalence"]),
            "pool_size": common.form_int(values["pool_size"]),
            "hold_days": common.form_int(values["hold_days"]) or 3,
        }
    )


def _sites(values: dict[str, str]) -> list[SiteCreate]:
    sites = []
    for n, line in enumerate(values["sites"].splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        capacity = common.form_int(parts[2]) if len(parts) > 2 else 0
        if len(parts) < 2 or not parts[0] or not parts[1] or capacity is None:
            raise ValueError(str(n))
        sites.append(SiteCreate(code=parts[0], name=parts[1], capacity_per_hour=capacity))
    return sites


def _preview(page: Page, body: CampaignCreate) -> PoolChoice:
    cap = campaigns.disease_profile(page.context.profiles, body.disease).max_pool_size
    return choose_pool_size(body.prevalence or 0.0, cap, body.design, body.pool_size)


@router.post("/testing/campaigns/new")
def create_campaign(page: PageContext, form: PostedForm) -> Response:
    actor, session = common.actor_of(page), common.session_of(page)
    require_write(actor)
    values = _values(page, {k: str(v) for k, v in form.items() if isinstance(v, str)})
    try:
        body, sites = _body(values), _sites(values)
        if form.get("action") == "preview":
            return _render(page, values, choice=_preview(page, body))
        with session.begin_nested():
            made = campaigns.create_campaign(session, common.whole_scope(page), body)
            for site in sites:
                campaigns.add_site(session, actor, made.id, site)
    except ValidationError as exc:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _render(page, values, 422, error=page.gettext(INCOMPLETE) % {"detail": detail})
    except ValueError as exc:
        message = BAD_SITE if str(exc).isdigit() else INCOMPLETE
        return _render(
            page, values, 422, error=page.gettext(message) % {"n": str(exc), "detail": str(exc)}
        )
    except Problem as problem:
        lines = common.problem_lines(page, problem)
        return _render(
            page,
            values,
            problem.status,
            error=page.gettext(INCOMPLETE)
            % {"detail": "; ".join(f"{p}: {m}" if p else m for p, m in lines)},
        )
    return RedirectResponse(f"/testing/campaigns/{made.id}?done=created", status_code=303)
