"""The deployment's zone levels and their rules, from ``levels.yaml`` or the file that
``FIRELINE_ZONES_LEVELS_FILE`` names (YAML or JSON, same shape; sources in the YAML).

Levels are listed highest first: a step down goes to the next level in the list, and
the last level lifts. Nothing is read at import time.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class LevelError(Exception):
    """A levels file that cannot be used; ``str`` names the file."""


class Names(BaseModel):
    en: str
    zh: str


class Rule(BaseModel):
    """Clean days (no new case among residents) and whether a negative round is needed."""

    clean_days: int = Field(ge=0, le=365)
    screening_round: bool = False


class LevelRule(Rule):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    names: Names
    colour: str = "#98a2b3"
    # The rule when the zone came to this level by a step down (9th plan: 3 clean days
    # for a former high-risk area), instead of being drawn at it.
    after_step_down: Rule | None = None
    # The plan's low-risk areas end when no higher zone remains in the jurisdiction.
    lifts_with_higher: bool = False

    def name(self, language: str) -> str:
        return self.names.zh if language == "zh" else self.names.en

    def rule(self, stepped_down: bool) -> Rule:
        return self.after_step_down if stepped_down and self.after_step_down else self


class Levels(BaseModel):
    levels: list[LevelRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Levels:
        codes = [level.code for level in self.levels]
        if len(set(codes)) != len(codes):
            raise ValueError("level codes must be unique")
        return self

    @property
    def codes(self) -> list[str]:
        return [level.code for level in self.levels]

    def get(self, code: str) -> LevelRule:
        for level in self.levels:
            if level.code == code:
                return level
        raise LookupError(f"unknown zone level {code!r}; levels are {', '.join(self.codes)}")

    def rank(self, code: str) -> int:
        """0 for the highest level."""
        return self.codes.index(code)

    def below(self, code: str) -> str | None:
        """The level a step down goes to; None: the zone lifts."""
        at = self.rank(code)
        return self.codes[at + 1] if at + 1 < len(self.codes) else None


# Half-width of the box around a jurisdiction's seat that a zone must touch when the
# jurisdiction has no outline: a deployment default sized to Zhejiang's divisions
# (a county spans about 30-60 km, a city about 150 km).
SEAT_BOX_KM = {"province": 400.0, "city": 150.0, "county": 50.0}
OTHER_BOX_KM = 20.0


class ZonesSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIRELINE_ZONES_", extra="ignore")

    levels_file: Path | None = None
    seat_box_km: dict[str, float] = Field(default_factory=lambda: dict(SEAT_BOX_KM))

    def box_km(self, level: str) -> float:
        return self.seat_box_km.get(level, OTHER_BOX_KM)


def parse_levels(text: str, where: str) -> Levels:
    try:
        data: Any = json.loads(text) if where.endswith(".json") else yaml.safe_load(text)
        return Levels.model_validate(data)
    except (ValueError, yaml.YAMLError, ValidationError) as exc:
        raise LevelError(f"{where}: {exc}") from exc


@functools.cache
def _load(path: str | None) -> Levels:
    if path is None:
        shipped = resources.files("fireline.zones") / "levels.yaml"
        return parse_levels(shipped.read_text(encoding="utf-8"), "levels.yaml")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise LevelError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return parse_levels(text, path)


def load_levels(settings: ZonesSettings | None = None) -> Levels:
    """The deployment's levels (read once per file)."""
    chosen = (settings or ZonesSettings()).levels_file
    return _load(str(chosen) if chosen else None)
