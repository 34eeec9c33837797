"""Read errors: msgids that format with their values, English in ``str(error)``."""

from __future__ import annotations

import re

import pytest

from fireline.interop import messages
from fireline.interop.messages import DUPLICATE_HEADER, EMPTY, TOO_MANY_ENTRIES, ReadError

PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MSGIDS = {
    name: value
    for name, value in vars(messages).items()
    if name.isupper() and isinstance(value, str)
}


def test_the_error_keeps_its_msgid_and_values_and_reads_in_english() -> None:
    error = ReadError(TOO_MANY_ENTRIES, entries=12_001, limit=10_000)
    assert isinstance(error, ValueError)
    assert error.message is TOO_MANY_ENTRIES  # the msgid a page translates
    assert error.values == {"entries": 12_001, "limit": 10_000}
    assert str(error) == (
        "The Bundle has 12001 entries; the limit is 10000. Split it into smaller Bundles."
    )


def test_without_values_the_message_is_left_as_it_is() -> None:
    assert str(ReadError(EMPTY)) == "The file is empty or has no header line."
    # A msgid with a placeholder but no values is not formatted (and does not fail).
    assert str(ReadError(DUPLICATE_HEADER)) == DUPLICATE_HEADER


@pytest.mark.parametrize("name", sorted(MSGIDS))
def test_every_message_formats_with_exactly_its_placeholders(name: str) -> None:
    msgid = MSGIDS[name]
    values = {key: 7 for key in PLACEHOLDER.findall(msgid)}
    text = str(ReadError(msgid, **values)) if values else msgid % {}
    assert "%" not in text  # no placeholder left over and no stray percent sign
    assert text.endswith(".") and text[0].isupper()
