"""Password hashing: argon2id with argon2-cffi's recommended parameters in a deployment,
the cheapest ones only when the test suite asks; either kind verifies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import extract_parameters, profiles

from fireline.auth import passwords


@pytest.fixture
def fresh_hasher() -> Iterator[None]:
    passwords._hasher.cache_clear()
    yield
    passwords._hasher.cache_clear()


def test_a_deployment_hashes_with_the_recommended_parameters(
    monkeypatch: pytest.MonkeyPatch, fresh_hasher: None
) -> None:
    monkeypatch.delenv(passwords.CHEAP_HASHES_FOR_TESTS, raising=False)
    stored = passwords.hash_password("correct horse")
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    assert passwords.verify_password(stored, "correct horse")


def test_cheap_test_hashes_still_verify_and_refuse(
    monkeypatch: pytest.MonkeyPatch, fresh_hasher: None
) -> None:
    monkeypatch.setenv(passwords.CHEAP_HASHES_FOR_TESTS, "1")
    stored = passwords.hash_password("correct horse")
    assert extract_parameters(stored) == profiles.CHEAPEST
    assert passwords.verify_password(stored, "correct horse")
    assert not passwords.verify_password(stored, "wrong horse")


def test_a_password_under_twelve_characters_is_refused() -> None:
    with pytest.raises(passwords.WeakPassword) as refused:
        passwords.hash_password("elevenchars")
    assert refused.value.reason == "short"
    assert passwords.hash_password("twelve chars")


@pytest.mark.parametrize("common", ["qwerty123456", "QAZWSXEDCRFV", "LeaveMeAlone"])
def test_a_common_password_of_twelve_characters_is_refused_whatever_its_case(
    common: str,
) -> None:
    with pytest.raises(passwords.WeakPassword) as refused:
        passwords.hash_password(common)
    assert refused.value.reason == "common"


def test_the_issue_examples_are_refused() -> None:
    for weak in ("password", "12345678"):
        with pytest.raises(passwords.WeakPassword):
            passwords.check_password(weak)


def test_a_password_containing_the_user_name_is_refused() -> None:
    with pytest.raises(passwords.WeakPassword) as refused:
        passwords.check_password("Hangzhou-Admin-2026", username="hangzhou-admin")
    assert refused.value.reason == "username"
    passwords.check_password("Hangzhou-Admin-2026", username="someone-else")
