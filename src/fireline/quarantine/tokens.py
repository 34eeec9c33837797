"""Self-report tokens and the rate limit of the self-report page.

A token is 32 random bytes (``secrets.token_urlsafe``); only its SHA-256 is stored,
so a copy of the database opens no link. The row is found by the hash (an index
lookup, which learns nothing about the token's bytes) and the digest is compared
again with ``hmac.compare_digest``. A forged token, an expired one and one for an
order no longer active all get the same answer (:class:`InvalidLink`), so the
answer tells nobody whether a person exists or is under an order.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from fireline.errors import Problem
from fireline.places.models import Jurisdiction
from fireline.quarantine.models import QuarantineOrder

TOKEN_BYTES: Final = 32


class InvalidLink(Problem):
    """The one answer to every unusable link."""

    def __init__(self) -> None:
        super().__init__(404, "this link is not valid or has expired")


class TooManyRequests(Problem):
    def __init__(self) -> None:
        super().__init__(429, "too many requests; try again later", headers={"Retry-After": "60"})


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, digest(token)


def expires_at(order: QuarantineOrder, zone: str) -> datetime:
    """The end of the order's last day in its jurisdiction's time zone."""
    end = datetime.combine(order.end_date + timedelta(days=1), datetime.min.time())
    return end.replace(tzinfo=ZoneInfo(zone))


def resolve(session: Session, token: str, now: datetime) -> tuple[QuarantineOrder, Jurisdiction]:
    """The active order a token opens, or :class:`InvalidLink`."""
    if not token or len(token) > 100:
        raise InvalidLink()
    wanted = digest(token)
    row = session.execute(
        select(QuarantineOrder, Jurisdiction)
        .join(Jurisdiction, Jurisdiction.id == QuarantineOrder.jurisdiction_id)
        .where(QuarantineOrder.report_token_hash == wanted)
    ).first()
    stored = row[0].report_token_hash if row is not None else None
    if row is None or not hmac.compare_digest(stored or "", wanted):
        raise InvalidLink()
    order, place = row
    if order.status != "active" or now >= expires_at(order, place.timezone):
        raise InvalidLink()
    return order, place


class RateLimiter:
    """At most ``limit`` hits per key in a sliding ``window`` of seconds, in memory.

    One process's memory: enough to slow guessing and flooding from one address; a
    deployment with several workers puts a proxy limit in front as well.
    """

    def __init__(self, limit: int = 20, window: float = 600.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def check(self, *keys: str) -> None:
        """Refuse when any key is at its limit, without counting a hit."""
        now = time.monotonic()
        with self._lock:
            if any(len(self._recent(key, now)) >= self.limit for key in keys):
                raise TooManyRequests()

    def hit(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > 100_000:
                self._hits.clear()  # bounded memory under a flood of new keys
            for key in keys:
                hits = self._recent(key, now)
                if len(hits) >= self.limit:
                    raise TooManyRequests()
                hits.append(now)


def expiry_day(order: QuarantineOrder) -> date:
    return order.end_date
