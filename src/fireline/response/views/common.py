"""What the response pages share: the context, settings, labels, names and the unread count.

Pages query nothing themselves: the services read through the context's actor, so scope
stays in one place; lists and boards read the chosen jurisdiction's subtree
(``page.context``), a record opened by its number the user's whole scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Final

from fireline.context import Context
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.listing import ListQuery
from fireline.places.models import Jurisdiction
from fireline.response import deps, inbox, names
from fireline.response.lights import utc
from fireline.response.settings import ResponseSettings
from fireline.web.deps import Page
from fireline.web.deps import actor_of as actor_of
from fireline.web.deps import form_int as form_int
from fireline.web.deps import session_of as session_of  # re-exported for this package's views
from fireline.web.i18n import N_

# Labels of the coded values the pages show; msgids are translated in the templates.
TASK_TYPES: Final = {
    "isolate_case": N_("Isolate the case"),
    "notify_authority": N_("Report to the authority"),
    "interview_case": N_("Interview the case"),
    "list_contacts": N_("List contacts"),
    "quarantine_contacts": N_("Quarantine contacts"),
    "sample_contacts": N_("Sample contacts"),
    "disinfect_venues": N_("Disinfect venues"),
    "draw_zones": N_("Draw risk zones"),
    "start_screening": N_("Start mass screening"),
}
TRIGGERS: Final = {
    "case_confirmed": N_("Confirmed case"),
    "alert": N_("Alert"),
    "cluster": N_("Cluster"),
}
EVIDENCE: Final = {
    "contacts": N_("Contacts listed"),
    "quarantine_orders": N_("Quarantine orders issued"),
    "samples": N_("Samples taken"),
    "isolation_order": N_("Isolation order issued"),
    "user": N_("Completed by hand"),
}
CHANGED: Final = N_(
    "Someone else changed this after you opened the page. Nothing was saved: the page now "
    "shows the current state. Check it and try again."
)
NOT_OPEN: Final = N_("This task is no longer open: it was completed or cancelled meanwhile.")
ALREADY_CLOSED: Final = N_("This response is already closed.")
NOT_FOUND: Final = N_("Not found in your jurisdiction.")
NOT_VALID: Final = N_("This could not be saved: %(detail)s")


def context_of(page: Page) -> Context:
    """The page's context: the user narrowed to the chosen jurisdiction, the app's clock."""
    return page.context


def record_context(page: Page) -> Context:
    """The context over the user's whole scope, for a record opened by its number (a link,
    a bookmark): whether it opens does not depend on the jurisdiction chosen in the
    switcher."""
    return Context.build(actor_of(page), page.state.settings, page.clock)


def settings_of(page: Page) -> ResponseSettings:
    return deps.response_settings(page.request)


def profiles_of(page: Page) -> Mapping[str, DiseaseProfile]:
    return page.context.profiles


def disease_names(page: Page) -> dict[str, str]:
    return {
        code: profile.names.zh if page.language == "zh" else profile.names.en
        for code, profile in profiles_of(page).items()
    }


def places(page: Page, ids: Iterable[int]) -> dict[int, Jurisdiction]:
    """Jurisdictions by id (names are not personal data; ids come from scoped rows)."""
    return names.places(session_of(page), ids)


def usernames(page: Page, ids: Iterable[int | None]) -> dict[int, str]:
    return names.staff_names(session_of(page), ids)


def assignable_users(page: Page) -> list[tuple[int, str]]:
    """Active users in the chosen jurisdiction's subtree (and the actor's scope)."""
    return names.assignable_staff(session_of(page), page.context)


def shared(page: Page, subnav: str) -> dict[str, Any]:
    """What every response page template gets besides its own figures."""
    return {
        "nav": "response",
        "subnav": subnav,
        "today": page.today(),
        "now": page.clock.now(),
        "unread": inbox.unread_count(session_of(page), page.context),
        "can_write": actor_of(page).can("cases:write"),
        "type_labels": TASK_TYPES,
        "trigger_labels": TRIGGERS,
        "evidence_labels": EVIDENCE,
        "hours": hours_between,
    }


def hours_between(start: datetime, end: datetime) -> float:
    """Hours from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (utc(end) - utc(start)).total_seconds() / 3600


Message = tuple[str, dict[str, str]]


def problem_message(problem: Problem) -> Message:
    """A page message (msgid, values) for a refused write."""
    detail = problem.detail or ""
    if problem.status == 409:
        if "already closed" in detail:
            return ALREADY_CLOSED, {}
        if " is done" in detail or " is cancelled" in detail:
            return NOT_OPEN, {}
        return CHANGED, {}
    if problem.status == 404:
        return NOT_FOUND, {}
    # The services' 422 details name fields and codes, which read the same in both languages.
    return NOT_VALID, {"detail": detail}


def page_numbers(query: ListQuery, total: int) -> dict[str, int]:
    """The pager's ``number`` (this page, from 1) and ``pages`` (how many) of a list."""
    return {"number": query.offset // query.limit + 1, "pages": max(1, -(-total // query.limit))}
