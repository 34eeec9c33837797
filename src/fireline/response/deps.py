"""What the response routes need from the app: the clock, the profiles, the settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from fastapi import Request

from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.response.settings import ResponseSettings


def now(request: Request) -> datetime:
    """The app's (injectable) clock."""
    moment: datetime = request.app.state.clock.now()
    return moment


def profiles(request: Request) -> Mapping[str, DiseaseProfile]:
    return load_profiles(request.app.state.settings.disease_dir)


def response_settings(request: Request) -> ResponseSettings:
    """Read once per app from FIRELINE_RESPONSE_*; tests may set app.state.response_settings."""
    state = request.app.state
    if getattr(state, "response_settings", None) is None:
        state.response_settings = ResponseSettings()
    found: ResponseSettings = state.response_settings
    return found
