"""Utilities shared by every service."""

from shared_utils.http_client import PeerClient, UnknownPeerError
from shared_utils.request_context import (
    get_authorization,
    get_request_id,
    is_valid_request_id,
    new_request_id,
    request_id_from_headers,
    set_authorization,
    set_request_id,
)

__all__ = [
    "PeerClient",
    "UnknownPeerError",
    "get_authorization",
    "get_request_id",
    "is_valid_request_id",
    "new_request_id",
    "request_id_from_headers",
    "set_authorization",
    "set_request_id",
]
