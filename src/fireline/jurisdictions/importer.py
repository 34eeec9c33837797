"""Import a jurisdiction tree from CSV: every bad row reported, nothing partial stored.

Columns: ``code,name_zh,name_en,level,parent_code,population_2020,lat,lon`` and
optionally ``timezone`` (``population`` is accepted for ``population_2020``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.auth import audit
from fireline.auth.scope import Actor
from fireline.places import DATA_DIR
from fireline.places.models import Jurisdiction, child_path

REQUIRED = ("code", "name_zh", "name_en", "level", "parent_code")
DEFAULT_TIMEZONE = "Asia/Shanghai"


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class JurisdictionImportError(ValueError):
    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"line {first.line}: {first.message}{more}")


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 (with or without BOM) or GB18030 CSV into dicts."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes every byte string
        raise JurisdictionImportError([RowError(1, "the file is neither UTF-8 nor GB18030")])
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise JurisdictionImportError([RowError(1, f"missing columns: {', '.join(missing)}")])
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _number(row: dict[str, str], name: str, kind: type[int] | type[float]) -> int | float | None:
    value = row.get(name, "")
    return kind(value) if value else None


def _check(rows: list[dict[str, str]], known_codes: set[str]) -> list[RowError]:
    errors: list[RowError] = []
    codes_in_file: set[str] = set()
    for line, row in enumerate(rows, start=2):
        code = row["code"]
        if not code or not row["name_en"] or not row["name_zh"] or not row["level"]:
            errors.append(RowError(line, "code, name_zh, name_en and level are required"))
        if code in codes_in_file:
            errors.append(RowError(line, f"code {code} appears twice"))
        codes_in_file.add(code)
        try:
            _number(row, "population_2020" if "population_2020" in row else "population", int)
            _number(row, "lat", float)
            _number(row, "lon", float)
        except ValueError:
            errors.append(RowError(line, "population, lat and lon must be numbers"))
    for line, row in enumerate(rows, start=2):
        parent = row["parent_code"]
        if parent and parent not in codes_in_file and parent not in known_codes:
            errors.append(RowError(line, f"unknown parent code {parent}"))
    return errors


def _in_tree_order(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Parents before children, whatever order the file has (a cycle never resolves)."""
    by_code = {row["code"]: row for row in rows}
    ordered: list[dict[str, str]] = []
    placed: set[str] = set()
    pending = list(rows)
    while pending:
        ready = [
            r for r in pending if r["parent_code"] not in by_code or r["parent_code"] in placed
        ]
        if not ready:
            raise JurisdictionImportError(
                [RowError(0, f"parent codes form a cycle among {pending[0]['code']}…")]
            )
        ordered.extend(ready)
        placed.update(r["code"] for r in ready)
        pending = [r for r in pending if r["code"] not in placed]
    return ordered


def import_jurisdictions(session: Session, actor: Actor, path: Path) -> ImportReport:
    """Create or update the jurisdictions of a CSV file in one transaction."""
    actor.require("jurisdictions:write")
    rows = read_rows(path)
    existing = {j.code: j for j in session.scalars(select(Jurisdiction))}
    errors = _check(rows, set(existing))
    if errors:
        raise JurisdictionImportError(errors)
    report = ImportReport()
    for row in _in_tree_order(rows):
        _upsert(session, existing, row, report)
    audit.record(
        session,
        actor,
        "import",
        "jurisdiction",
        created=report.created,
        updated=report.updated,
        file=path.name,
    )
    return report


def _upsert(
    session: Session, existing: dict[str, Jurisdiction], row: dict[str, str], report: ImportReport
) -> None:
    parent = existing.get(row["parent_code"]) if row["parent_code"] else None
    record = existing.get(row["code"])
    if record is None:
        record = Jurisdiction(code=row["code"])
        session.add(record)
        existing[row["code"]] = record
        report.created += 1
    else:
        if record.parent_id != (parent.id if parent else None):
            raise JurisdictionImportError(
                [RowError(0, f"{record.code} cannot move to another parent by import")]
            )
        report.updated += 1
    population = row.get("population_2020") or row.get("population") or ""
    record.name_en, record.name_zh, record.level = row["name_en"], row["name_zh"], row["level"]
    record.population = int(population) if population else None
    record.lat = float(row["lat"]) if row.get("lat") else None
    record.lon = float(row["lon"]) if row.get("lon") else None
    record.timezone = row.get("timezone") or DEFAULT_TIMEZONE
    record.parent_id = parent.id if parent else None
    record.path = child_path(parent.path if parent else "/", row["code"])
    record.depth = parent.depth + 1 if parent else 0
    session.flush()


def bundled_divisions() -> Path:
    """The demo province: Zhejiang's 102 divisions (see data/PROVENANCE.md)."""
    return DATA_DIR / "zhejiang_divisions.csv"
