"""Keyset pages: the order a list's sort gives, and the rows after a cursor in it.

A page that follows another starts after the previous page's last row, found by its
sort values (``WHERE (date, id) < (:date, :id)``): an index seek, however deep the page,
where ``OFFSET 100000`` reads and throws away 100,000 rows. Every order ends with a
unique column (the row's id if the sort gives none), so that the cursor names one row.

Empty values sort the same on SQLite and PostgreSQL: a plain nullable column as
PostgreSQL's own default (empty values the largest: last going up, first going down),
which keeps its b-tree indexes usable both ways; a :class:`NullsLast` column last either
way. The predicate after a cursor follows the same rule.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final, Literal

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    and_,
    false,
    inspect,
    literal,
    or_,
    true,
    tuple_,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression

Nulls = Literal["never", "largest", "last"]
MAX_TOKEN: Final = 2000


class BadCursor(ValueError):
    """A cursor token that is not one this machinery wrote."""


class NullsLast:
    """A sort column whose empty values go last whichever way the list is sorted (a case
    without an onset is not the earliest nor the latest one)."""

    def __init__(self, column: Any) -> None:
        self.column = column

    def asc(self) -> Any:
        return self.column.asc().nulls_last()

    def desc(self) -> Any:
        return self.column.desc().nulls_last()


@dataclass(frozen=True)
class Key:
    """One column of a list's order and how its empty values sort."""

    expression: Any
    nulls: Nulls

    def order(self, descending: bool) -> Any:
        clause = self.expression.desc() if descending else self.expression.asc()
        if self.nulls == "last":
            return clause.nulls_last()
        if self.nulls == "largest":
            return clause.nulls_first() if descending else clause.nulls_last()
        return clause

    def python_type(self) -> type | None:
        try:
            found: type = self.expression.type.python_type
        except (AttributeError, NotImplementedError):
            return None
        return found

    def inline(self, value: Any) -> Any:
        """``value`` written into the statement with this column's type, not bound.

        A bound cursor makes every deep page the same statement text, which psycopg
        prepares after five runs; PostgreSQL may then plan it once for any cursor (a
        generic plan), and it chose a scan of the subtree and a sort: 570 ms where the
        index walk takes 1 ms (100,000 cases, "Lists", docs/benchmarks.md). Inline, each cursor is
        planned for its values. The values are typed by the key (Cursor.fits)."""
        return literal(value, self.expression.type, literal_execute=True)

    def equal(self, value: Any) -> ColumnElement[bool]:
        if value is None:
            return self.expression.is_(None)  # type: ignore[no-any-return]
        return self.expression == self.inline(value)  # type: ignore[no-any-return]

    def beyond(self, value: Any, descending: bool) -> ColumnElement[bool]:
        """The rows whose value in this column comes strictly after ``value``."""
        empty_first = self.nulls == "largest" and descending
        if value is None:
            return self.expression.is_not(None) if empty_first else false()
        value = self.inline(value)
        strictly: ColumnElement[bool] = (
            self.expression < value if descending else self.expression > value
        )
        if self.nulls == "never" or empty_first:
            return strictly
        return or_(strictly, self.expression.is_(None))


def _column(expression: Any) -> Column[Any] | None:
    found = getattr(expression, "expression", expression)
    return found if isinstance(found, Column) else None


def _nulls(entry: Any) -> tuple[Any, Nulls]:
    """The expression of a sort entry and how its empty values sort."""
    if isinstance(entry, NullsLast):
        column = _column(entry.column)
        return entry.column, "never" if column is not None and not column.nullable else "last"
    column = _column(entry)
    if column is not None:
        return entry, "largest" if column.nullable else "never"
    if isinstance(entry, BinaryExpression) and entry.operator in (operators.is_, operators.is_not):
        return entry, "never"  # ``x IS NOT NULL`` is true or false, never empty
    return entry, "largest"


def _unique(entry: Any) -> bool:
    column = _column(entry.column if isinstance(entry, NullsLast) else entry)
    return column is not None and bool(column.primary_key or column.unique)


def grouped(statement: Select[Any]) -> bool:
    """Whether ``statement`` groups its rows (its sort values are then aggregates, which
    a WHERE cannot compare: such a list pages by offset)."""
    return bool(statement._group_by_clauses)


def keys_of(sort: Sequence[Any], statement: Select[Any]) -> list[Key]:
    """A sort's columns as keys, with the statement's first table's id appended when the
    last column is not unique (ties in a date would otherwise make a cursor ambiguous)."""
    keys = [Key(*_nulls(entry)) for entry in sort]
    if not sort or not _unique(sort[-1]):
        entity = statement.column_descriptions[0].get("entity")
        if entity is not None:
            keys += [Key(c, "never") for c in inspect(entity).primary_key]
    return keys


def after(keys: Sequence[Key], values: Sequence[Any], descending: bool) -> ColumnElement[bool]:
    """The rows that come after ``values`` in the order of ``keys``."""
    if all(k.nulls == "never" for k in keys) and len(keys) > 1:
        # A row value: one index seek on SQLite (3.15+) and PostgreSQL.
        row = tuple_(*(k.expression for k in keys))
        cursor = tuple_(*(k.inline(v) for k, v in zip(keys, values, strict=True)))
        return row < cursor if descending else row > cursor
    choices: list[ColumnElement[bool]] = []
    for i, key in enumerate(keys):
        same = [k.equal(v) for k, v in zip(keys[:i], values[:i], strict=True)]
        choices.append(and_(true(), *same, key.beyond(values[i], descending)))
    found: ColumnElement[bool] = or_(*choices)
    first, value = keys[0], values[0]
    if first.nulls == "never":
        # The leading column's bound alone, so that the index seeks to it.
        value = first.inline(value)
        found = and_(first.expression <= value if descending else first.expression >= value, found)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    return value


def _instant(text: str) -> datetime:
    """An instant as the database compares it, in UTC (a naive one taken as UTC); a
    value that cannot be one fails here, not when the statement runs."""
    value = datetime.fromisoformat(text)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _number(text: str) -> Decimal:
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError("not a finite number")
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        readers: dict[str, Callable[[str], Any]] = {
            "t": _instant,
            "d": date.fromisoformat,
            "n": _number,
        }
        if tag in readers and isinstance(text, str):
            return readers[tag](text)
    if isinstance(value, float) and not math.isfinite(value):
        raise BadCursor("not a finite number")
    if value is None or isinstance(value, str | int | float):
        return value
    raise BadCursor("a value of an unknown kind")


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the sort it belongs to, the previous row's sort values, and
    the page's offset (so that "rows 101-150" and page numbers still read right)."""

    sort: str
    descending: bool
    values: tuple[Any, ...]
    offset: int

    def encode(self) -> str:
        """An opaque, URL-safe token (base64url JSON)."""
        data = [self.sort, int(self.descending), [_plain(v) for v in self.values], self.offset]
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """The cursor a token holds; :class:`BadCursor` for anything else."""
        if len(token) > MAX_TOKEN:
            raise BadCursor("too long")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            sort, descending, values, offset = json.loads(raw)
            typed = tuple(_typed(v) for v in values)
        except (ValueError, TypeError, ArithmeticError, binascii.Error) as bad:
            raise BadCursor("not a cursor of this list") from bad
        kinds_ok = isinstance(sort, str) and descending in (0, 1) and isinstance(offset, int)
        if not kinds_ok or isinstance(offset, bool) or not 0 <= offset < 2**63:
            raise BadCursor("not a cursor of this list")
        return cls(sort, bool(descending), typed, offset)

    def fits(self, keys: Sequence[Key]) -> bool:
        """Whether the values are one per key, each of the key's kind (or empty)."""
        if len(self.values) != len(keys):
            return False
        for key, value in zip(keys, self.values, strict=True):
            kind = key.python_type()
            if value is None or kind is None:
                continue
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                continue
            if kind is date and isinstance(value, datetime):
                return False
            if not isinstance(value, kind):
                return False
        return True
