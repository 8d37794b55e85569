"""Calls to peers carry the caller's token: the peer checks it on its own."""

import httpx
from shared_utils import PeerClient, set_authorization


async def test_a_peer_call_forwards_the_authorization_of_the_request_being_handled() -> None:
    seen: list[str | None] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization"))
        return httpx.Response(200)

    client = PeerClient(
        {"peer": "http://peer.test"}, httpx.AsyncClient(transport=httpx.MockTransport(record))
    )
    try:
        set_authorization(None)
        await client.get("peer", "/x")
        set_authorization("Bearer caller-token")
        await client.get("peer", "/x")
        # A header the call sets itself wins.
        await client.get("peer", "/x", headers={"Authorization": "Bearer own"})
    finally:
        set_authorization(None)
        await client.aclose()
    assert seen == [None, "Bearer caller-token", "Bearer own"]
