"""A refused upload on a page: the reason in the user's language, from its ``ReadError``.

Services raise ``Problem`` (the API's English detail) from the reader's ``ReadError``;
pages look at that cause, whose message is a msgid with plain values (numbers and
encoding names), so the page never shows the English detail.
"""

from __future__ import annotations

from fireline.errors import Problem
from fireline.interop.messages import ReadError
from fireline.web.deps import Page


def refusal(problem: Problem) -> tuple[str, dict[str, str]] | None:
    """(msgid, values) of a file the reader refused, else None."""
    cause = problem.__cause__
    if not isinstance(cause, ReadError):
        return None
    return cause.message, {name: str(value) for name, value in cause.values.items()}


def refusal_text(page: Page, problem: Problem) -> str | None:
    """The refusal translated for the page, else None."""
    found = refusal(problem)
    if found is None:
        return None
    message, values = found
    return page.gettext(message) % values if values else page.gettext(message)
