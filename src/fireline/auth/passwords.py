"""Password hashing with argon2id (RFC 9106, via argon2-cffi's recommended profile) and
the password policy of NIST SP 800-63B §5.1.1.2: a minimum length, no composition rules,
and a check against a list of commonly used passwords and context-specific words."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import Final

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn.matching import RANKED_DICTIONARIES

# NIST SP 800-63B §5.1.1.2 sets 8 as the floor; OWASP's Authentication Cheat Sheet and
# ASVS 4.0 V2.1.1 ask for 12 where, as here, there is no second factor.
MIN_LENGTH = 12
CHEAP_HASHES_FOR_TESTS = "FIRELINE_TEST_CHEAP_PASSWORD_HASHES"


REFUSALS: Final = {
    "short": f"a password needs at least {MIN_LENGTH} characters",
    "common": "this password is on a list of commonly used passwords; choose another",
    "username": "a password must not contain the user name",
}


class WeakPassword(ValueError):
    """A password the policy refuses; ``reason`` is a stable code for pages and the API."""

    def __init__(self, reason: str) -> None:
        super().__init__(REFUSALS[reason])
        self.reason = reason


def _common(password: str) -> bool:
    # zxcvbn ships the 30,000 most frequent passwords of leaked sets (lower-cased);
    # a password that is one of them, ignoring case, is refused.
    return password.lower() in RANKED_DICTIONARIES["passwords"]


def check_password(password: str, *, username: str = "") -> None:
    """Raise WeakPassword unless the password meets the policy."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("short")
    if _common(password):
        raise WeakPassword("common")
    name = username.strip().lower()
    if len(name) >= 3 and name in password.lower():
        raise WeakPassword("username")


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # The test suite hashes hundreds of passwords; argon2-cffi's CHEAPEST profile exists
    # for exactly that. Verification reads the parameters from each hash, so either
    # hasher checks either kind. A deployment never sets this variable.
    if os.environ.get(CHEAP_HASHES_FOR_TESTS) == "1":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@lru_cache(maxsize=1)
def hashing_slot() -> threading.BoundedSemaphore:
    """Held by a log-in around its password check (``with hashing_slot():``).

    Each hash takes 64 MiB and four lanes of work (RFC 9106 section 4, the profile
    argon2-cffi uses). Fifty log-ins at once would run 200 lanes on a small server and
    starve every other request; beyond one hash per core they only queue, and they
    queue before they take a database connection.
    """
    return threading.BoundedSemaphore(len(os.sched_getaffinity(0)))


def hash_password(password: str, *, username: str = "") -> str:
    """The argon2id hash of a password that meets the policy (else WeakPassword)."""
    check_password(password, username=username)
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash verified when the user does not exist, so that a wrong username takes
# as long as a wrong password (OWASP Authentication Cheat Sheet).
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")
