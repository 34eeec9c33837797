"""Cells that a spreadsheet will show as text, never run as a formula.

OWASP "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection): a cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab (0x09) or a carriage return
(0x0D) may be read by Excel, LibreOffice or WPS as a formula, which can call
out to the network or run a command (DDE). The guidance is to prefix such a
cell with a single quote so it is shown as text. openpyxl likewise stores a
string starting with ``=`` as a formula, so XLSX cells go through here too.

Numbers stay numbers: ints and floats pass through, and so does text that is
exactly a decimal number such as ``-3`` or ``+0.25`` (a spreadsheet reads it as
that number and nothing else), so signed figures are not turned into text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

TRIGGERS: Final = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def inert(value: object) -> object:
    """The value a CSV or XLSX writer may put in a cell without it becoming a formula."""
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def inert_row(row: Iterable[object]) -> list[object]:
    return [inert(value) for value in row]


def inert_rows(rows: Iterable[Sequence[object]]) -> list[list[object]]:
    return [inert_row(row) for row in rows]
