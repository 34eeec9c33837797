"""JSON routes for disease profiles (data, readable by every logged-in user)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from fireline.auth.deps import ApiActor
from fireline.diseases.loader import load_profiles
from fireline.errors import NotFound

router = APIRouter(tags=["diseases"])


def _profiles(request: Request) -> dict[str, Any]:
    return load_profiles(request.app.state.settings.disease_dir)


@router.get("/diseases")
def read_diseases(request: Request, actor: ApiActor) -> list[dict[str, Any]]:
    """Every disease profile in force, shipped or overridden."""
    return [p.model_dump(mode="json") for p in _profiles(request).values()]


@router.get("/diseases/{code}")
def read_disease(code: str, request: Request, actor: ApiActor) -> dict[str, Any]:
    profile = _profiles(request).get(code)
    if profile is None:
        raise NotFound(f"disease profile {code}")
    result: dict[str, Any] = profile.model_dump(mode="json")
    return result
