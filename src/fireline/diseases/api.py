"""JSON routes for disease profiles (data, readable by every logged-in user)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from fireline.auth.deps import ApiActor
from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import NotFound
from fireline.pagination import Page, PageParams, make_page, page_params

router = APIRouter(tags=["diseases"])


def _profiles(request: Request) -> dict[str, DiseaseProfile]:
    """The profiles as the deployment loads them (this package lies below ``context``)."""
    return load_profiles(request.app.state.settings.disease_dir)


@router.get("/diseases", response_model=Page[dict[str, Any]])
def read_diseases(
    request: Request, actor: ApiActor, params: Annotated[PageParams, Depends(page_params)]
) -> Page[dict[str, Any]]:
    """Every disease profile in force, shipped or added or overridden by the deployment's
    folder (``FIRELINE_DISEASE_DIR``), by code."""
    profiles = sorted(_profiles(request).items())
    shown = [p.model_dump(mode="json") for _, p in profiles[params.offset :][: params.limit]]
    return make_page(shown, len(profiles), params)


@router.get("/diseases/{code}")
def read_disease(code: str, request: Request, actor: ApiActor) -> dict[str, Any]:
    profile = _profiles(request).get(code)
    if profile is None:
        raise NotFound(f"disease profile {code}")
    result: dict[str, Any] = profile.model_dump(mode="json")
    return result
