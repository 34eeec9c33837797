"""A deployment folder (``FIRELINE_DISEASE_DIR``) that adds a disease, ``testpox``, which
the shipped profiles do not know."""

from __future__ import annotations

import shutil
from pathlib import Path

from fireline.auth.scope import Actor
from fireline.clock import SystemClock
from fireline.context import Context
from fireline.settings import Settings

ADDED = "testpox"
MINIMAL = Path(__file__).parents[1] / "diseases" / "data" / "minimal.yaml"


def deployment_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "diseases"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / f"{ADDED}.yaml")
    return folder


def acting(actor: Actor, disease_dir: Path | None = None) -> Context:
    """``actor``'s context in a service test: the system clock, the shipped profiles plus
    any deployment folder."""
    return Context.build(actor, Settings(disease_dir=disease_dir), SystemClock())
