"""Settings of the response mechanism, from ``FIRELINE_RESPONSE_*`` environment variables.

Kept in this package (the shared ``fireline.settings`` belongs to the whole app);
built when asked for, never at import time.
"""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ResponseSettings(BaseSettings):
    """Escalation delays, response levels, targets and notification channels."""

    model_config = SettingsConfigDict(env_prefix="FIRELINE_RESPONSE_", extra="ignore")

    levels: tuple[str, ...] = Field(
        default=("IV", "III", "II", "I"),
        description="Response levels, lowest first (China's four-level emergency grading).",
    )
    default_level: str = "IV"
    parent_delay_hours: float = Field(
        default=0, ge=0, description="Hours after the deadline before the parent sees a task."
    )
    grandparent_delay_hours: float = Field(
        default=24, ge=0, description="Hours after the deadline before the grandparent sees it."
    )
    sweep_seconds: float = Field(default=60, gt=0, description="Period of the sweep job.")
    evidence_full_check_minutes: float = Field(
        default=60,
        gt=0,
        description="How often a running worker re-checks every open task's evidence; "
        "between, only the cases with new contacts, orders, samples or tasks.",
    )
    # Resolve to Save Lives sets 80% as the target of its contact tracing indicators
    # ("Contact tracing key performance indicators", RTSL playbook, 2020).
    target_share: float = Field(default=0.8, ge=0, le=1)
    webhook_url: str | None = Field(
        default=None, description="POST a JSON message per escalation to this URL (any chat tool)."
    )
    webhook_timeout: float = Field(default=5, gt=0)
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "fireline@localhost"
    email_to: str | None = Field(default=None, description="Where escalation e-mails go.")
    base_url: str = Field(default="", description="Prefix of links in notifications.")

    @model_validator(mode="after")
    def _known_level(self) -> ResponseSettings:
        if self.default_level not in self.levels:
            raise ValueError(f"default level {self.default_level!r} is not one of {self.levels}")
        return self
