"""The main navigation: one line per item, in the order shown.

A page names its item with ``nav=<key>`` when it renders; an item with a permission
is shown only to roles that have it (so no one is sent to a page that answers 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fireline.auth.scope import Actor
from fireline.web.i18n import N_


@dataclass(frozen=True)
class NavItem:
    key: str  # the ``nav`` value of the pages under this item
    href: str
    label: str  # an English msgid, translated where the page is rendered
    permission: str | None = None


MAIN_NAV: Final = (
    NavItem("work", "/work", N_("My work")),
    NavItem("overview", "/", N_("Overview")),
    NavItem("sitrep", "/sitrep", N_("Daily report")),
    NavItem("surveillance", "/surveillance", N_("Surveillance")),
    NavItem("response", "/response", N_("Response")),
    NavItem("investigation", "/investigation", N_("Investigation")),
    # venue check-ins name people too
    NavItem(
        "venue-exposures", "/investigation/venue-exposures", N_("Venue exposures"), "persons:read"
    ),
    NavItem("testing", "/testing", N_("Testing")),
    # the quarantine lists name people: a role that may not read persons is not sent there
    NavItem("quarantine", "/quarantine", N_("Quarantine"), "persons:read"),
    NavItem("care", "/care", N_("Care")),
)


def main_nav(actor: Actor | None, items: tuple[NavItem, ...] = MAIN_NAV) -> list[NavItem]:
    """The items ``actor`` may open, in order."""
    if actor is None:
        return []
    return [item for item in items if item.permission is None or actor.can(item.permission)]
