"""Validate a mapped text table column by column and build the typed rows to load.

Each check is one vectorised pass producing a mask; the report is built from the
masks (see ``report.Problems``). Nothing here touches the database: jurisdiction
codes arrive already resolved (one query, in ``batches``), and duplicates against
the database are found by the loader's staging join.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from fireline.diseases.schemas import DiseaseProfile
from fireline.interop.tables import TextTable
from fireline.surveillance.intake import values as v
from fireline.surveillance.intake.dates import parse_dates
from fireline.surveillance.intake.report import Problems

Getter = Callable[[str], pa.Array]
DATE_FIELDS = ("birth_date", "date_onset", "date_reporting", "date_confirmation", "date_outcome")
REQUIRED_VALUES = ("external_id", "name", "jurisdiction", "date_reporting")
LIMITS = {"external_id": 100, "name": 200, "address": 500}


@dataclass(frozen=True)
class Context:
    profile: DiseaseProfile
    default_classification: str
    # code -> jurisdiction id, or None when the code exists outside the user's scope
    jurisdictions: dict[str, int | None]
    # Dates after it are refused (people.validation: nothing is recorded before it happens).
    today: date | None = None


@dataclass
class Validated:
    rows: pa.Table
    problems: Problems

    @property
    def bad(self) -> npt.NDArray[np.bool_]:
        return self.problems.bad


def distinct_codes(text: TextTable, mapping: dict[str, str]) -> list[str]:
    """The jurisdiction codes a file uses, to resolve them in one query."""
    header = mapping.get("jurisdiction")
    if header is None:
        return []
    return [c for c in pc.unique(text.table.column(header)).to_pylist() if c is not None]


def validate(text: TextTable, mapping: dict[str, str], context: Context) -> Validated:
    problems = Problems(text.lines)
    problems.add_lines([p.line for p in text.problems], [p.message for p in text.problems])
    get = _getter(text, mapping)

    def header(target: str) -> str:
        return mapping.get(target, target)

    for target in REQUIRED_VALUES:
        problems.add(~v.present(get(target)), header(target), None, "a value is required")
    rows: dict[str, pa.Array] = {"line": pa.array(text.lines, pa.int64())}
    rows.update(_texts(get, header, problems))
    rows.update(_dates(get, header, problems, rows["national_id"], context.today))
    rows.update(_codes(get, header, problems, context))
    rows["jurisdiction_id"] = _jurisdictions(get("jurisdiction"), header, problems, context)
    late = v.mask(pc.greater(rows["date_onset"], rows["date_reporting"]))
    problems.add(
        late, header("date_onset"), get("date_onset"), "the onset date is after the report date"
    )
    born_late = v.mask(pc.greater(rows["birth_date"], rows["date_onset"]))
    problems.add(
        born_late, header("birth_date"), get("birth_date"), "the birth date is after the onset"
    )
    _duplicates(rows["external_id"], text.lines, header("external_id"), problems)
    return Validated(pa.table(rows), problems)


def _getter(text: TextTable, mapping: dict[str, str]) -> Getter:
    count = text.table.num_rows

    def get(target: str) -> pa.Array:
        name = mapping.get(target)
        if name is None:
            return pa.nulls(count, pa.string())
        return text.table.column(name).combine_chunks()

    return get


def _texts(get: Getter, header: Callable[[str], str], problems: Problems) -> dict[str, pa.Array]:
    out = {name: get(name) for name in ("external_id", "name", "address")}
    for name, limit in LIMITS.items():
        problems.add(
            v.too_long(out[name], limit), header(name), out[name], f"longer than {limit} characters"
        )
    ids = v.national_ids(get("national_id"))
    problems.add(
        ids.bad,
        header("national_id"),
        get("national_id"),
        "not a valid resident ID (GB 11643: 18 characters, a province code, the right check "
        "character)",
    )
    phones = v.phones(get("phone"))
    problems.add(
        phones.bad,
        header("phone"),
        get("phone"),
        "not a phone number: a mobile (11 digits) or a landline with its area code",
    )
    out["national_id"] = pc.if_else(pa.array(ids.bad), pa.scalar(None, pa.string()), ids.values)
    out["phone"] = phones.values
    return out


def _dates(
    get: Getter,
    header: Callable[[str], str],
    problems: Problems,
    national_ids: pa.Array,
    today: date | None,
) -> dict[str, pa.Array]:
    out: dict[str, pa.Array] = {}
    for name in DATE_FIELDS:
        parsed = parse_dates(get(name))
        problems.add(parsed.bad, header(name), get(name), "not a date (write it as YYYY-MM-DD)")
        if today is not None:
            future = v.mask(pc.greater(parsed.dates, pa.scalar(today, pa.date32())))
            problems.add(future, header(name), get(name), f"after today ({today.isoformat()})")
        out[name] = parsed.dates
    from_ids = parse_dates(v.birth_dates_from_ids(national_ids))
    problems.add(
        from_ids.bad, header("national_id"), national_ids, "the birth date in the ID is not real"
    )
    if today is not None:
        future = v.mask(pc.greater(from_ids.dates, pa.scalar(today, pa.date32())))
        problems.add(
            future, header("national_id"), national_ids, "the birth date in the ID is after today"
        )
    typed = out["birth_date"]
    differs = v.mask(pc.not_equal(typed, from_ids.dates))
    problems.add(differs, header("birth_date"), get("birth_date"), "does not match the resident ID")
    out["birth_date"] = pc.coalesce(typed, from_ids.dates)
    return out


def _codes(
    get: Getter, header: Callable[[str], str], problems: Problems, context: Context
) -> dict[str, pa.Array]:
    table = v.classification_table(context.profile)
    specs: list[tuple[str, dict[str, object], pa.DataType, object]] = [
        ("sex", dict(v.SEX), pa.string(), None),
        ("imported", dict(v.YES_NO), pa.bool_(), False),
        ("outcome", dict(v.OUTCOMES), pa.string(), None),
        ("classification", table, pa.string(), context.default_classification),
    ]
    out: dict[str, pa.Array] = {}
    for name, vocabulary, value_type, default in specs:
        found = v.lookup(get(name), vocabulary, value_type)
        expected = ", ".join(dict.fromkeys(str(x) for x in vocabulary.values()))
        problems.add(
            found.bad, header(name), get(name), f"unknown value; expected one of {expected}"
        )
        values = found.values
        if default is not None:
            values = pc.fill_null(values, pa.scalar(default, value_type))
        out[name] = values
    return out


def _jurisdictions(
    codes: pa.Array, header: Callable[[str], str], problems: Problems, context: Context
) -> pa.Array:
    known = [c for c, i in context.jurisdictions.items() if i is not None]
    outside = pa.array([c for c, i in context.jurisdictions.items() if i is None], pa.string())
    index = pc.index_in(codes, value_set=pa.array(known, pa.string()))
    ids = pc.take(pa.array([context.jurisdictions[c] for c in known], pa.int64()), index)
    is_outside = v.mask(pc.is_in(codes, value_set=outside))
    unknown = v.present(codes) & ~v.present(ids) & ~is_outside
    problems.add(unknown, header("jurisdiction"), codes, "unknown jurisdiction code")
    problems.add(
        is_outside, header("jurisdiction"), codes, "this jurisdiction is outside your jurisdiction"
    )
    return ids


def _duplicates(
    ids: pa.Array, lines: npt.NDArray[np.int64], column: str, problems: Problems
) -> None:
    """Every repeat of an external ID after its first line is refused, naming that line."""
    encoded = pc.dictionary_encode(ids)
    codes = np.asarray(pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False))
    if codes.size == 0:
        return
    distinct, first_rows = np.unique(codes, return_index=True)
    first = np.zeros(len(encoded.dictionary), dtype=np.int64)
    first[distinct[distinct >= 0]] = first_rows[distinct >= 0]
    first_of_row = first[np.maximum(codes, 0)]
    repeat = (codes >= 0) & (first_of_row != np.arange(codes.size))
    first_lines = pc.cast(pa.array(lines[first_of_row[repeat]]), pa.string())
    message = pc.binary_join_element_wise("this ID is also on line ", first_lines, "")
    problems.add(repeat, column, ids, message)
