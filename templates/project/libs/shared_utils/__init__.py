"""Utilities shared by every service."""

from shared_utils.http_client import PeerClient, UnknownPeerError
from shared_utils.request_context import get_request_id, new_request_id, set_request_id

__all__ = [
    "PeerClient",
    "UnknownPeerError",
    "get_request_id",
    "new_request_id",
    "set_request_id",
]
