"""The administrator guide lists every setting, with its default, and every setting is
read by the code (a documented knob that nothing turns is worse than none)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings

from fireline.quarantine.settings import QuarantineSettings
from fireline.reports.sitrep.settings import SitrepSettings
from fireline.response.settings import ResponseSettings
from fireline.settings import Settings
from fireline.zones.levels import ZonesSettings

ROOT = Path(__file__).resolve().parents[1]
CLASSES: list[type[BaseSettings]] = [
    Settings,
    ResponseSettings,
    QuarantineSettings,
    ZonesSettings,
    SitrepSettings,
]
ROW = re.compile(r"^\| `(FIRELINE_[A-Z0-9_]+)` \| (.+?) \|", re.MULTILINE)


def _documented() -> dict[str, str]:
    guide = (ROOT / "docs" / "admin-guide.md").read_text("utf-8")
    section = guide.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return {name: default.strip("`") for name, default in ROW.findall(section)}


def _variables() -> dict[str, Any]:
    found = {}
    for cls in CLASSES:
        prefix = cls.model_config.get("env_prefix", "")
        for name, field in cls.model_fields.items():
            found[f"{prefix}{name}".upper()] = field.get_default(call_default_factory=True)
    return found


def _shown(value: Any) -> str:
    """A default as the guide writes it: — for none, JSON for lists and tables."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple | list):
        return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f'"{k}":{_shown(v)}' for k, v in value.items()) + "}"
    return str(value)


def test_the_admin_guide_lists_every_setting_and_no_other() -> None:
    assert set(_documented()) == set(_variables())


def test_each_documented_default_is_the_default() -> None:
    documented = _documented()
    wrong = {
        name: (documented[name], _shown(value))
        for name, value in _variables().items()
        if name in documented and documented[name] != _shown(value)
    }
    assert wrong == {}


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_setting_is_read_somewhere(cls: type[BaseSettings]) -> None:
    """Each field is read as ``.name`` somewhere in the code (its declaration,
    ``name: type = ...``, does not count)."""
    sources = [
        p.read_text("utf-8")
        for p in (ROOT / "src" / "fireline").rglob("*.py")
        if "migrations" not in p.parts
    ]
    unread = [
        name
        for name in cls.model_fields
        if not any(re.search(rf"\.{name}\b", text) for text in sources)
    ]
    assert unread == []
