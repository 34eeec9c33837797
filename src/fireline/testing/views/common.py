"""What the testing pages share: the session, the actor, the clock, paging, page messages.

The pages query nothing themselves: the services read through the page's context (the
actor narrowed to the jurisdiction shown), where scope is decided.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Final

from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.web.deps import Page
from fireline.web.deps import actor_of as actor_of
from fireline.web.deps import form_int as form_int
from fireline.web.deps import session_of as session_of
from fireline.web.deps import whole_scope as whole_scope  # re-exported for this package's views
from fireline.web.i18n import N_

PER_PAGE: Final = 50
NOT_SAVED: Final = N_("Nothing was saved: %(n)s problem(s).")
# Service messages that a page shows in its own language: (pattern, msgid with %(code)s).
KNOWN: Final = (
    (re.compile(r"barcode (\S+) is scanned twice"), N_("Barcode %(code)s is scanned twice.")),
    (
        re.compile(r"pool tube (\S+) is already registered"),
        N_("Tube %(code)s is already registered."),
    ),
    (
        re.compile(r"sample (\S+): this person is already in a pool"),
        N_("Sample %(code)s: this person is already in another pool of this round."),
    ),
    (
        re.compile(r"sample (\S+) is not on file"),
        N_("Sample %(code)s is not on file: scan the person's ID card first, then the tube."),
    ),
    (
        re.compile(r"sample (\S+) is on file for another person"),
        N_("Sample %(code)s is registered to another person."),
    ),
    (re.compile(r"no pool tube (\S+) is registered"), N_("No pool tube %(code)s is registered.")),
)


def now(page: Page) -> datetime:
    """The app's injectable clock, never the wall clock."""
    return page.clock.now()


def today(page: Page) -> date:
    """Today in the chosen jurisdiction's time zone."""
    return page.today()


def shared(page: Page, subnav: str) -> dict[str, Any]:
    """What every testing page template gets besides its own figures."""
    return {
        "nav": "testing",
        "subnav": subnav,
        "today": today(page),
        "can_write": actor_of(page).can("samples:write"),
    }


def pager(query: ListQuery, total: int) -> dict[str, int]:
    """What the pager shows: the total, this page's number and how many pages there are."""
    return {
        "total": total,
        "number": query.offset // query.limit + 1,
        "pages": max(1, -(-total // query.limit)),
    }


def form_float(value: object) -> float | None:
    try:
        return float(str(value or "").strip())
    except ValueError:
        return None


def problem_lines(page: Page, problem: Problem) -> list[tuple[str, str]]:
    """(path, message) of every problem, known service messages in the page's language."""
    errors = problem.extensions.get("errors") or [{"path": "", "message": problem.detail}]
    return [(str(e.get("path", "")), localise(page, str(e.get("message", "")))) for e in errors]


def localise(page: Page, message: str) -> str:
    for pattern, msgid in KNOWN:
        found = pattern.search(message)
        if found:
            return page.gettext(msgid) % {"code": found.group(1)}
    return message
