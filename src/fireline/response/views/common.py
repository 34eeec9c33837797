"""What the response pages share: the clock, settings, labels, names and the unread count.

Scope stays in one place: every statement goes through ``actor.restrict`` (directly or
via ``fireline.web.landing.scoped``) and the services, which do the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fireline.auth.models import User
from fireline.auth.scope import Actor
from fireline.diseases.schemas import DiseaseProfile
from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.response import deps
from fireline.response.lights import utc
from fireline.response.models import ResponseNotification
from fireline.response.settings import ResponseSettings
from fireline.web import landing
from fireline.web.deps import Page
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


def session_of(page: Page) -> Session:
    assert page.session is not None
    return page.session


def actor_of(page: Page) -> Actor:
    assert page.actor is not None
    return page.actor


def now(page: Page) -> datetime:
    """The app's injectable clock (``app.state.clock``), never the wall clock."""
    return deps.now(page.request)


def today(page: Page) -> date:
    """Today by the app's clock, in the chosen jurisdiction's time zone."""
    return now(page).astimezone(ZoneInfo(page.here.timezone)).date()


def settings_of(page: Page) -> ResponseSettings:
    return deps.response_settings(page.request)


def profiles_of(page: Page) -> Mapping[str, DiseaseProfile]:
    return deps.profiles(page.request)


def disease_names(page: Page) -> dict[str, str]:
    return {
        code: profile.names.zh if page.language == "zh" else profile.names.en
        for code, profile in profiles_of(page).items()
    }


def places(session: Session, ids: Iterable[int]) -> dict[int, Jurisdiction]:
    """Jurisdictions by id (names are not personal data; ids come from scoped rows)."""
    wanted = set(ids)
    if not wanted:
        return {}
    found = session.scalars(select(Jurisdiction).where(Jurisdiction.id.in_(wanted)))
    return {j.id: j for j in found}


def usernames(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(User.id, User.full_name, User.username).where(User.id.in_(wanted))
    )
    return {i: full or name for i, full, name in rows}


def assignable_users(page: Page) -> list[tuple[int, str]]:
    """Active users in the chosen jurisdiction's subtree (and the actor's scope)."""
    statement = select(User).where(User.is_active.is_(True)).order_by(User.username)
    users = session_of(page).scalars(landing.scoped(page, statement, User)).all()
    return [(u.id, f"{u.full_name or u.username} ({u.username})") for u in users]


def unread_count(page: Page) -> int:
    """Unread escalations to the boards under the chosen jurisdiction."""
    statement = (
        select(func.count())
        .select_from(ResponseNotification)
        .where(ResponseNotification.read_at.is_(None))
    )
    return int(session_of(page).scalar(landing.scoped(page, statement, ResponseNotification)) or 0)


def shared(page: Page, subnav: str) -> dict[str, Any]:
    """What every response page template gets besides its own figures."""
    return {
        "nav": "response",
        "subnav": subnav,
        "today": today(page),
        "now": now(page),
        "unread": unread_count(page),
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


def form_int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
