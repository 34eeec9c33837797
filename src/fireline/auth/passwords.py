"""Password hashing with argon2id (RFC 9106, via argon2-cffi's recommended profile)."""

from __future__ import annotations

import os
import threading
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 8  # NIST SP 800-63B §5.1.1.2: at least 8 characters
CHEAP_HASHES_FOR_TESTS = "FIRELINE_TEST_CHEAP_PASSWORD_HASHES"


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


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")
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
