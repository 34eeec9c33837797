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
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Final

import annotated_types
from pydantic import AfterValidator

INT64_MAX: Final = 2**63 - 1
MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100

Int64 = Annotated[int, annotated_types.Interval(ge=-(2**63), le=INT64_MAX)]
"""Any integer a 64-bit SQL column can hold."""

Id = Annotated[int, annotated_types.Interval(ge=1, le=INT64_MAX)]
"""A record's id: ids start at 1 on both backends."""

Count = Annotated[int, annotated_types.Interval(ge=0, le=INT64_MAX)]
"""A version, a count or an offset: never negative."""


def in_years(value: date) -> date:
    """``value`` if its year is in MIN_YEAR..MAX_YEAR (a datetime keeps its time)."""
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"dates are accepted from {MIN_YEAR} to {MAX_YEAR}")
    return value


Day = Annotated[date, AfterValidator(in_years)]
"""A calendar date in 1900–2100."""

Instant = Annotated[datetime, AfterValidator(in_years)]
"""An instant in 1900–2100."""
