"""One settings object, read from ``FIRELINE_*`` environment variables when asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from fireline.interop.limits import DEFAULT_LIMITS, DEFAULT_MAX_UPLOAD_MB, MB, FileLimits


class Settings(BaseSettings):
    """Deployment settings. Build with ``Settings()``; nothing reads them at import time."""

    model_config = SettingsConfigDict(env_prefix="FIRELINE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/fireline.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    week_system: Literal["iso", "mmwr"] = Field(
        default="iso", description="ISO 8601 weeks or CDC/MMWR weeks (they differ at year edges)."
    )
    default_language: Literal["en", "zh"] = "en"
    session_hours: int = Field(default=12, ge=1, description="Lifetime of a page session.")
    token_hours: int = Field(default=24, ge=1, description="Lifetime of an API bearer token.")
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure; turn on behind HTTPS."
    )
    demo: bool = Field(default=False, description="Show the demo logins on the login page.")
    signals_time: str = Field(
        default="06:00",
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
        description="Time (HH:MM) of the daily signal run in `fireline worker`, in the root "
        "jurisdiction's time zone.",
    )
    max_upload_mb: int = Field(
        default=DEFAULT_MAX_UPLOAD_MB,
        ge=1,
        description="Largest request body (an upload with its form), in MB; larger gets 413.",
    )
    xlsx_max_ratio: int = Field(
        default=DEFAULT_LIMITS.xlsx_max_ratio,
        ge=1,
        description="An XLSX unpacking to more than this many times its size is refused.",
    )
    xlsx_max_unpacked_mb: int = Field(
        default=DEFAULT_LIMITS.xlsx_max_unpacked // MB,
        ge=1,
        description="An XLSX unpacking to more than this many MB is refused.",
    )
    fhir_max_entries: int = Field(
        default=DEFAULT_LIMITS.fhir_max_entries,
        ge=1,
        description="A FHIR Bundle with more entries is refused before it is validated.",
    )
    default_disease: str = Field(
        default="covid19",
        description="The disease a new case, the dashboard and the lists start on while "
        "no case in view says otherwise (a profile's code).",
    )
    export_keys: dict[str, SecretStr] = Field(
        default_factory=dict,
        description="Pseudonym keys for line-list exports, as JSON {name: secret}; a name "
        "not listed gets a random secret kept in the database on first use.",
    )
    dhis2_mapping: Path | None = Field(
        default=None,
        description="The DHIS2 mapping file (YAML) of GET /api/v1/exports/dhis2; the shipped "
        "one, with placeholder UIDs, when unset.",
    )
    disease_dir: Path | None = Field(
        default=None, description="A folder of YAML profiles that override the shipped ones."
    )
    # A page has 300 ms (issue #17): a figure that alone takes a third of it leaves no
    # room for the rest when many users ask at once (a wave county's league table, 0.15 s
    # alone, was made live 308 times in 90 s under 200 users).
    snapshot_after_s: float = Field(
        default=0.1,
        ge=0,
        description="A dashboard figure (a league table, a campaign's counts) that takes "
        "this many seconds or more to compute is remembered, shown with its time and "
        "refreshed by the worker's refresh-figures job.",
    )

    def file_limits(self) -> FileLimits:
        """What the file readers refuse, from these settings."""
        return FileLimits(
            xlsx_max_ratio=self.xlsx_max_ratio,
            xlsx_max_unpacked=self.xlsx_max_unpacked_mb * MB,
            fhir_max_entries=self.fhir_max_entries,
        )
