"""JSON routes for disease profiles (data, readable by every logged-in user)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request

from fireline.auth.deps import ApiActor
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.listing import ApiListQuery, page_of_items
from fireline.pagination import Page, make_page

router = APIRouter(tags=["diseases"])


def _profiles(request: Request) -> dict[str, DiseaseProfile]:
    """The profiles as the deployment loads them (this package lies below ``context``)."""
    return load_profiles(request.app.state.settings.disease_dir)


@router.get("/diseases", response_model=Page[dict[str, Any]])
def read_diseases(request: Request, actor: ApiActor, query: ApiListQuery) -> Page[dict[str, Any]]:
    """Every disease profile in force, shipped or added or overridden by the deployment's
    folder (``FIRELINE_DISEASE_DIR``), by code; ``q`` matches a code or a name."""
    if not query.sort:
        query = replace(query, descending=False)
    profiles, total = page_of_items(
        list(_profiles(request).values()),
        query,
        sorts={"code": lambda p: p.code},
        default_sort="code",
        text_of=lambda p: f"{p.code} {p.names.en} {p.names.zh}",
    )
    return make_page([p.model_dump(mode="json") for p in profiles], total, query)


@router.get("/diseases/{code}")
def read_disease(code: str, request: Request, actor: ApiActor) -> dict[str, Any]:
    profile = _profiles(request).get(code)
    if profile is None:
        raise NotFound(f"disease profile {code}")
    result: dict[str, Any] = profile.model_dump(mode="json")
    return result
