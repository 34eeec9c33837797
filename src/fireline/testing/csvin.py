"""Lab results from a CSV file (UTF-8, UTF-8 with BOM or GB18030): one result per row.

Columns (header names, any order; only the first four are required):
``barcode, disease, outcome, resulted_at``, then ``test_type, loinc, result_id, status,
ct, ct_<gene>`` (one column per target gene, e.g. ``ct_N``, ``ct_ORF1ab``), ``lab``, and to
register an unknown sample: ``jurisdiction_code, sample_type, collected_at, received_at,
name, national_id, sex, birth_date, phone``. The file's SHA-256 is its message id unless
one is given, so the same file twice is a no-op. Every bad row is reported with its line
and column; nothing is stored while any row is bad.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from pydantic import ValidationError

from fireline.errors import Problem
from fireline.interop.encoding import csv_text
from fireline.interop.messages import ReadError
from fireline.testing.codes import LOINC
from fireline.testing.results import Incoming
from fireline.testing.schemas import PersonRef, ResultCreate, Target

REQUIRED = ("barcode", "disease", "outcome", "resulted_at")
PLAIN = (
    "test_type",
    "status",
    "lab",
    "jurisdiction_code",
    "sample_type",
    "collected_at",
    "received_at",
    "disease",
    "outcome",
    "resulted_at",
    "barcode",
)
PERSON = ("name", "national_id", "sex", "birth_date", "phone")


def _row_data(row: dict[str, str]) -> dict[str, Any]:
    value = {k: (v or "").strip() for k, v in row.items() if k}
    data: dict[str, Any] = {k: value[k] for k in PLAIN if value.get(k)}
    if value.get("loinc"):
        data["code"], data["code_system"] = value["loinc"], LOINC
    if value.get("result_id"):
        data["external_id"] = value["result_id"]
    if value.get("ct"):
        data["ct_value"] = value["ct"]
    data["targets"] = [
        Target(gene=k[3:], ct=float(v)) for k, v in value.items() if k.startswith("ct_") and v
    ]
    if value.get("name"):
        data["person"] = PersonRef(**{k: value[k] for k in PERSON if value.get(k)})
    return data


def parse(content: bytes) -> list[Incoming]:
    """The file's results, or 422 listing every bad row (line numbers count the header)."""
    reader = csv.DictReader(read_text(content))
    headers = [h.strip() for h in reader.fieldnames or []]
    missing = [h for h in REQUIRED if h not in headers]
    if missing:
        raise Problem(
            422,
            f"the file has no column {', '.join(missing)}",
            errors=[{"path": "line 1", "message": f"missing column {h}"} for h in missing],
        )
    reader.fieldnames = headers
    items, errors = [], []
    for line, row in enumerate(read_rows(reader), start=2):
        try:
            items.append(Incoming(f"line {line}", ResultCreate(**_row_data(row))))
        except (ValidationError, ValueError) as exc:
            errors.extend(_errors(line, exc))
    if errors:
        raise Problem(
            422, f"{len(errors)} problem(s) in the file; nothing was stored", errors=errors
        )
    if not items:
        raise Problem(422, "the file has no rows")
    return items


def read_text(content: bytes) -> io.StringIO:
    """The file as text, or 422 naming why it is not (binary, wrong encoding...)."""
    try:
        return csv_text(content)
    except ReadError as exc:
        raise Problem(422, str(exc), errors=[{"path": "file", "message": str(exc)}]) from exc


def read_rows(reader: csv.DictReader[str]) -> list[dict[str, str]]:
    """Every row, or 422 at the first line the ``csv`` module cannot split."""
    try:
        return list(reader)
    except csv.Error:
        where = f"line {reader.line_num}"
        raise Problem(
            422,
            f"{where}: the line is not valid CSV",
            errors=[{"path": where, "message": "not valid CSV"}],
        ) from None


def _errors(line: int, exc: Exception) -> list[dict[str, str]]:
    if isinstance(exc, ValidationError):
        return [
            {"path": f"line {line}." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
    return [{"path": f"line {line}", "message": str(exc)}]
