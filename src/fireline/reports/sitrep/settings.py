"""Settings of the daily situation report, from ``FIRELINE_SITREP_*`` variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class SitrepSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIRELINE_SITREP_", extra="ignore")

    # After the 06:00 signal run, before an 08:00 meeting: the report then holds the
    # day's alerts and can be read before the command centre meets.
    time: str = Field(
        default="07:00",
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description="Local time (HH:MM, root jurisdiction's zone) of the daily report run.",
    )
    disease: str = Field(default="covid19", description="The disease the report is about.")
    languages: str = Field(default="zh,en", description="Languages the worker archives.")
    # A PDF leaves the server: its links to the pages need the server's address. The API
    # and the page use the request's; commands and the worker this one.
    base_url: str | None = Field(
        default=None, description="Address of the Fireline server, for the PDF's links."
    )
