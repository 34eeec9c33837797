"""The quarantine landing page: active orders at home and in facilities, releases due."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from fastapi import APIRouter
from fastapi.responses import Response

from fireline.quarantine.models import QuarantineOrder
from fireline.web import landing
from fireline.web.deps import PageContext

router = APIRouter()

# Releases due within this many days are listed so that release tests can be planned.
DUE_DAYS: Final = 3


@router.get("/quarantine")
def quarantine_page(page: PageContext) -> Response:
    today = page.today()
    active = QuarantineOrder.status == "active"
    kinds = landing.grouped(page, QuarantineOrder, (QuarantineOrder.kind,), active)
    return page.render(
        "quarantine/landing.html",
        nav="quarantine",
        today=today,
        due_days=DUE_DAYS,
        active=sum(kinds.values()),
        home=kinds.get("home", 0),
        facility=kinds.get("facility", 0),
        due=landing.count(
            page, QuarantineOrder, active,
            QuarantineOrder.end_date >= today,
            QuarantineOrder.end_date < today + timedelta(days=DUE_DAYS),
        ),
        overdue=landing.count(page, QuarantineOrder, active, QuarantineOrder.end_date < today),
        statuses=landing.grouped(page, QuarantineOrder, (QuarantineOrder.status,)),
        areas=landing.by_child(page, QuarantineOrder, active),
    )
