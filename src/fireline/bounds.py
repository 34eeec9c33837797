"""Bounded request values: 64-bit integers, record ids, and dates in 1900–2100.

Every integer a client sends ends up as a 64-bit SQL parameter (BIGINT on
PostgreSQL, INTEGER on SQLite: sqlite.org/datatype3.html). A larger one made
the driver raise (OverflowError, psycopg's NumericValueOutOfRange) and the
client got a 500; bounding it in the schema answers 422 before any query and
says so in the OpenAPI description (OWASP ASVS 4.0, V5.1.4: "structured data is
strongly typed and validated against a defined schema including ... range").

Dates and instants are accepted from 1900 to 2100 on every path, the API and
the case import alike (surveillance/intake/dates.py reads the same years): no
outbreak record lies outside it, and the date arithmetic of reports (week
starts, the days before a start) stays inside Python's ``date`` range.

Pydantic's lax mode also read ``0`` as 1970-01-01, ``false`` as the integer 0 and
``1.0`` as 1; a value of the wrong JSON type is refused instead, as the OpenAPI
description promises (RFC 3339 section 5.6 for dates and instants).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Final

import annotated_types
from pydantic import AfterValidator, BeforeValidator

INT64_MAX: Final = 2**63 - 1
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}.*")


def whole_number(value: Any) -> Any:
    """Refuse a boolean or a float where an integer belongs (a path or query gives text)."""
    if isinstance(value, bool | float):
        raise ValueError("an integer is written as digits, without a fraction")
    return value


def date_text(value: Any) -> Any:
    """Refuse anything but YYYY-MM-DD (or a date from Python code)."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


def instant_text(value: Any) -> Any:
    """Refuse anything but an RFC 3339 date-time (or a datetime from Python code)."""
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_INSTANT.fullmatch(value)):
        return value
    raise ValueError("an instant is written YYYY-MM-DDTHH:MM:SS+HH:MM")


Whole = Annotated[int, BeforeValidator(whole_number)]
"""An integer bounded by its field's own ``Field(ge=..., le=...)``."""

# The bounds come first so that they appear in the JSON schema as minimum and maximum; a
# BeforeValidator listed after them still runs before them (pydantic docs, "Validators").
Int64 = Annotated[
    int, annotated_types.Interval(ge=-(2**63), le=INT64_MAX), BeforeValidator(whole_number)
]
"""Any integer a 64-bit SQL column can hold."""

Id = Annotated[int, annotated_types.Interval(ge=1, le=INT64_MAX), BeforeValidator(whole_number)]
"""A record's id: ids start at 1 on both backends."""

Count = Annotated[int, annotated_types.Interval(ge=0, le=INT64_MAX), BeforeValidator(whole_number)]
"""A version, a count or an offset: never negative."""


def in_years(value: date) -> date:
    """``value`` if its year is in MIN_YEAR..MAX_YEAR (a datetime keeps its time)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"dates are accepted from {MIN_YEAR} to {MAX_YEAR}")
    return value


Day = Annotated[date, BeforeValidator(date_text), AfterValidator(in_years)]
"""A calendar date in 1900–2100."""

Instant = Annotated[datetime, BeforeValidator(instant_text), AfterValidator(in_years)]
"""An instant in 1900–2100."""
