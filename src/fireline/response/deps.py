"""What the response routes need from the app besides the request context: the response
settings (the clock and the profiles come with ``Context``)."""

from __future__ import annotations

from fastapi import Request

from fireline.response.settings import ResponseSettings


def response_settings(request: Request) -> ResponseSettings:
    """Read once per app from FIRELINE_RESPONSE_*; tests may set app.state.response_settings."""
    state = request.app.state
    if getattr(state, "response_settings", None) is None:
        state.response_settings = ResponseSettings()
    found: ResponseSettings = state.response_settings
    return found
