"""Password hashing and access tokens."""

from datetime import timedelta

import pytest
from pwdlib.hashers.argon2 import Argon2Hasher

from app.utils.passwords import hash_password, verify_password
from app.utils.tokens import InvalidTokenError, create_access_token, decode_access_token

SECRET = "a-test-secret-that-is-at-least-32-bytes-long"


def test_a_password_is_hashed_with_argon2id_at_no_less_than_owasps_cost() -> None:
    password_hash = hash_password("correct horse battery staple")

    # $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>
    algorithm, _, parameters, salt, digest = password_hash.split("$")[1:]
    cost = {name: int(value) for name, value in (part.split("=") for part in parameters.split(","))}
    assert algorithm == "argon2id"
    assert cost["m"] >= 19_456 and cost["t"] >= 2  # 19 MiB, 2 passes: OWASP's minimum
    assert salt and digest and "correct horse" not in password_hash


def test_a_password_hash_verifies_only_its_password() -> None:
    # Verifying reads the cost from the hash: one made at the lowest cost keeps this fast
    # (hashing at the real cost takes ~0.1 s, which the test above spends once).
    cheap = Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1)
    password_hash = cheap.hash("correct horse battery staple")

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
