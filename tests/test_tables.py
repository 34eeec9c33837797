"""``fireline.tables`` registers every table, so metadata and Alembic see the whole schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Run in a fresh interpreter: in this one, other tests have imported models already.
TABLES_ALONE = """
import json
import fireline.tables
from fireline.db.base import Base
print(json.dumps(sorted(Base.metadata.tables)))
"""
EVERY_MODULE = """
import importlib, json, pkgutil
import fireline
from fireline.db.base import Base
for found in pkgutil.walk_packages(fireline.__path__, "fireline."):
    if found.name.endswith("__main__") or ".migrations" in found.name:
        continue
    importlib.import_module(found.name)
print(json.dumps(sorted(Base.metadata.tables)))
"""


def tables_after(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
    )
    names: list[str] = json.loads(done.stdout)
    return names


def test_no_table_is_defined_outside_the_registered_modules() -> None:
    registered = tables_after(TABLES_ALONE)
    assert {"jurisdictions", "persons", "cases", "users", "audit_events"} <= set(registered)
    assert tables_after(EVERY_MODULE) == registered


def test_each_table_module_is_registered() -> None:
    import fireline.tables as tables

    modules = {module.__name__ for name, module in vars(tables).items() if name.endswith("models")}
    on_disk = {
        ".".join(path.relative_to(SRC).with_suffix("").parts)
        for path in (SRC / "fireline").rglob("models.py")
    }
    assert modules == on_disk
