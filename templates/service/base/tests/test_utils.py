"""Password hashing and access tokens."""

from datetime import timedelta

import pytest

from app.utils.passwords import hash_password, verify_password
from app.utils.tokens import InvalidTokenError, create_access_token, decode_access_token

SECRET = "a-test-secret-that-is-at-least-32-bytes-long"


def test_a_password_hash_verifies_only_its_password() -> None:
    password_hash = hash_password("correct horse battery staple")

    assert password_hash != "correct horse battery staple"
    assert verify_password("correct horse battery staple", password_hash)
    assert not verify_password("wrong", password_hash)


def test_a_token_carries_its_subject() -> None:
    token = create_access_token("42", SECRET)

    assert decode_access_token(token, SECRET)["sub"] == "42"


def test_an_expired_token_is_refused() -> None:
    token = create_access_token("42", SECRET, lifetime=timedelta(seconds=-1))

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, SECRET)


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = create_access_token("42", "another-secret-that-is-also-32-bytes-long")

    with pytest.raises(InvalidTokenError):
        decode_access_token(token, SECRET)
