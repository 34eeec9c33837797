"""A deployment folder (``FIRELINE_DISEASE_DIR``) that adds a disease, ``testpox``, which
the shipped profiles do not know."""

from __future__ import annotations

import shutil
from pathlib import Path

ADDED = "testpox"
MINIMAL = Path(__file__).parents[1] / "diseases" / "data" / "minimal.yaml"


def deployment_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "diseases"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / f"{ADDED}.yaml")
    return folder
