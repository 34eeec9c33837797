"""Throttling failed log-ins per account and per client address, kept in the database so
that every web worker and a restart see the same counts.

NIST SP 800-63B §5.2.2 requires rate limiting of failed authentication attempts (at most
100 in a row per account); OWASP's Authentication Cheat Sheet ("Account Lockout")
suggests a lock that grows with each failure and ends by itself, so an attacker cannot
lock a user out for good. After a few free failures each one locks the key for a delay
that doubles, capped; attempts while locked are refused without checking the password
and do not lengthen the lock. An address gets more free failures than an account, as
many staff may share one office address.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fireline.auth.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    free: int  # failures allowed before the first lock
    first_lock: timedelta
    longest_lock: timedelta


ACCOUNT: Final = Rule(free=5, first_lock=timedelta(seconds=30), longest_lock=timedelta(minutes=15))
ADDRESS: Final = Rule(free=20, first_lock=timedelta(seconds=30), longest_lock=timedelta(minutes=15))
# A key with no failure for this long starts again from zero.
FORGET_AFTER: Final = timedelta(hours=24)


def account_key(username: str) -> str:
    return "account:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def address_key(address: str) -> str:
    return "address:" + hashlib.sha256(address.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    # SQLite returns naive datetimes; they are UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lock_for(rule: Rule, failures: int) -> timedelta | None:
    """How long a key is locked after its ``failures``-th failure in a row."""
    if failures < rule.free:
        return None
    doublings = min(failures - rule.free, 20)
    return min(rule.first_lock * (1 << doublings), rule.longest_lock)


def locked_for(session: Session, keys: list[str], now: datetime) -> timedelta | None:
    """The longest remaining lock among ``keys``, or None when none is locked."""
    until = session.scalars(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.key.in_(keys), LoginThrottle.locked_until.is_not(None)
        )
    ).all()
    left = [_utc(u) - now for u in until if u is not None and _utc(u) > now]
    return max(left) if left else None


def _count(session: Session, key: str, now: datetime) -> int:
    """Add one failure to ``key`` in one statement, so concurrent workers lose none."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = LoginThrottle.__table__
    insert = dialect.insert(table).values(key=key, failures=1, last_failure_at=now)
    stale = table.c.last_failure_at < now - FORGET_AFTER
    upsert = insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": case((stale, 1), else_=table.c.failures + 1),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    return int(session.execute(upsert).scalar_one())


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    """Count a failed log-in against the account and the address, locking them if due."""
    for key, rule in ((account_key(username), ACCOUNT), (address_key(address), ADDRESS)):
        failures = _count(session, key, now)
        lock = lock_for(rule, failures)
        if lock is not None:
            row = session.get_one(LoginThrottle, key, populate_existing=True)
            row.locked_until = now + lock
    session.flush()


def record_success(session: Session, username: str) -> None:
    """A right password ends the account's run of failures; the address's count stays,
    so logging in to one's own account does not reset a guessing run on others."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(username)))
