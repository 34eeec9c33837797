"""Settings of the quarantine mechanism, from ``FIRELINE_QUARANTINE_*`` variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class QuarantineSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIRELINE_QUARANTINE_", extra="ignore")

    # 37.3 °C is the fever threshold of China's COVID-19 prevention and control plan
    # (NHC plan, 9th edition, 2022: "发热（腋下体温≥37.3℃）"); Sara Alert's default is
    # 100.4 °F (38.0 °C). A deployment sets its own.
    fever_celsius: float = Field(default=37.3, ge=35, le=42)
    # The rule: no report for 24 h flags the person (Sara Alert's "non-reporting"
    # line list works on the same one-day scale).
    non_reporting_hours: float = Field(default=24, gt=0)
    report_limit: int = Field(default=20, ge=1, description="Self-report hits per window.")
    report_window_seconds: float = Field(default=600, gt=0)
    # Time ("HH:MM", in the root jurisdiction's zone) of the daily completion run in
    # ``fireline worker``: after midnight, so orders that ended yesterday close before
    # the day's first list.
    completion_time: str = Field(default="00:30", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
