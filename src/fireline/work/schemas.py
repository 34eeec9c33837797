"""API shapes of "My work": the sections of one user's day, each a capped page of items.

Each section is a page in the list envelope of docs/api.md (``items``, ``total``,
``limit``, ``offset``, ``next_offset``), with its key and the page where the whole list
is worked through (``href``). An item is one record to act on and the page where that
is done; which optional fields it fills depends on its section.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

from fireline.bounds import Int64

SectionKey = Literal[
    "cases_to_interview",
    "proposals",
    "contacts_to_call",
    "not_reporting",
    "lab_positives",
    "samples_waiting",
    "holds",
    "arrivals",
    "rooms",
    "releases_due",
    "open_alerts",
    "overdue_tasks",
    "cases_today",
    "under_quarantine",
]
Light = Literal["green", "yellow", "red"]


class WorkItem(BaseModel):
    """One thing to do. ``href`` opens the page where it is done."""

    id: Int64
    href: str
    # A person's name (never for a viewer), a sample barcode, a facility or a task name.
    label: str | None = None
    phone: str | None = None
    disease: str | None = None
    # A code the page translates: a classification, a contact category, an order's kind,
    # an alert's method, a task's type.
    code: str | None = None
    day: date | None = None  # reported, last exposure, quarantine start or end, signal day
    at: datetime | None = None  # proposed, received, resulted, last report
    due_at: datetime | None = None  # the response clock's deadline
    light: Light | None = None
    flags: list[str] = []  # test_due, symptomatic, non_reporting, mine
    capacity: Int64 | None = None
    occupied: Int64 | None = None
    place: str | None = None  # the jurisdiction's code (in the reader's scope)
    link_id: Int64 | None = None  # the case, response, campaign or order the item belongs to


class WorkSection(BaseModel):
    """One section: the first ``limit`` items of the list, and how many there are."""

    key: SectionKey
    href: str | None  # the page with the whole list (None: none the reader may open)
    items: list[WorkItem]
    total: Int64
    limit: Int64
    offset: Int64
    next_offset: Int64 | None


class WorkRead(BaseModel):
    """A user's work, by role, in the jurisdiction asked for (else the user's own)."""

    role: str
    jurisdiction: str
    day: date
    now: datetime
    sections: list[WorkSection]
