"""What the quarantine routes need from the app: the clock, profiles, settings, rate limit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from fastapi import Request

from fireline.diseases.loader import load_profiles
from fireline.diseases.schemas import DiseaseProfile
from fireline.quarantine.settings import QuarantineSettings
from fireline.quarantine.tokens import RateLimiter


def now(request: Request) -> datetime:
    """The app's injectable clock."""
    moment: datetime = request.app.state.clock.now()
    return moment


def profiles(request: Request) -> Mapping[str, DiseaseProfile]:
    return load_profiles(request.app.state.settings.disease_dir)


def settings(request: Request) -> QuarantineSettings:
    """Read once per app; tests may set ``app.state.quarantine_settings``."""
    state = request.app.state
    if getattr(state, "quarantine_settings", None) is None:
        state.quarantine_settings = QuarantineSettings()
    found: QuarantineSettings = state.quarantine_settings
    return found


def limiter(request: Request) -> RateLimiter:
    state = request.app.state
    if getattr(state, "self_report_limiter", None) is None:
        config = settings(request)
        state.self_report_limiter = RateLimiter(config.report_limit, config.report_window_seconds)
    found: RateLimiter = state.self_report_limiter
    return found
