"""Request ids (shared_utils.request_context): the caller's id is kept when it is valid,
anything else gets a new id, unique across requests and processes."""

import os
import re
import string

import pytest
from shared_utils import is_valid_request_id, new_request_id, request_id_from_headers

NEW_ID = re.compile(r"[0-9a-f]{32}")
ALLOWED = set(string.ascii_letters + string.digits + "._-")


def test_new_ids_are_32_hex_digits_and_never_repeat() -> None:
    ids = [new_request_id() for _ in range(10_000)]

    assert all(NEW_ID.fullmatch(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


def test_a_forked_process_makes_ids_of_its_own() -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write_end, new_request_id().encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    child_id = os.read(read_end, 64).decode()
    os.close(read_end)

    parent_ids = {new_request_id() for _ in range(3)}
    assert NEW_ID.fullmatch(child_id)
    assert child_id not in parent_ids
    # Not only another counter value: another per-process prefix.
    assert child_id[:16] not in {request_id[:16] for request_id in parent_ids}


@pytest.mark.parametrize("code", range(256))
def test_one_character_id_is_kept_exactly_when_allowed(code: int) -> None:
    value = bytes([code])
    kept = request_id_from_headers([(b"x-request-id", value)]) == value.decode("latin-1")

    assert kept == (chr(code) in ALLOWED)
    assert is_valid_request_id(chr(code)) == kept


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([(b"x-request-id", b"abc-123")], "abc-123"),
        ([(b"x-request-id", b"A.b_c-9")], "A.b_c-9"),
        ([(b"x-request-id", b"x" * 128)], "x" * 128),
        ([(b"host", b"test"), (b"x-request-id", b"after-others")], "after-others"),
        ([(b"x-request-id", b"first"), (b"x-request-id", b"second")], "first"),
    ],
)
def test_a_valid_incoming_id_is_kept(headers: list[tuple[bytes, bytes]], expected: str) -> None:
    assert request_id_from_headers(headers) == expected


@pytest.mark.parametrize(
    "value",
    [b"", b"x" * 129, b"no spaces", b"tab\there", b"new\nline", b"caf\xc3\xa9", b"a;b", b"a/b"],
)
def test_an_invalid_incoming_id_is_replaced_by_a_new_one(value: bytes) -> None:
    assert NEW_ID.fullmatch(request_id_from_headers([(b"x-request-id", value)]))


@pytest.mark.parametrize("headers", [[], [(b"host", b"test")], [(b"x-request-ids", b"abc")]])
def test_without_an_incoming_id_a_new_one_is_made(headers: list[tuple[bytes, bytes]]) -> None:
    assert NEW_ID.fullmatch(request_id_from_headers(headers))
