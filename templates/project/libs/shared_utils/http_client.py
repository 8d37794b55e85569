"""`PeerClient`: how a service calls the other services of the project."""

import ssl
from collections.abc import Mapping
from functools import cache
from typing import Any, Self

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.trace import TracerProvider

from shared_config.constants import REQUEST_ID_HEADER
from shared_utils.request_context import get_authorization, get_request_id


@cache
def _tls_context() -> ssl.SSLContext:
    """The certificates peers are verified with, loaded once per process: loading them
    costs ~15 ms of CPU, paid on every application startup (and in every test) otherwise."""
    return httpx.create_ssl_context()


class UnknownPeerError(LookupError):
    """The service has no URL configured for this peer."""


class PeerClient:
    """Calls peers by name over one shared `httpx.AsyncClient` (one connection pool).

    Every call carries the current request id (and the caller's Authorization header,
    when the request being handled had one that was checked), so the logs of both services can be
    matched; with a tracer provider, it is also a span of the current trace, whose context
    the peer receives (W3C traceparent header). Create one per application at startup and
    close it at shutdown.
    """

    def __init__(self, peers: Mapping[str, str], client: httpx.AsyncClient) -> None:
        self._peers = dict(peers)
        self._client = client

    @classmethod
    def create(
        cls,
        peers: Mapping[str, str],
        timeout_seconds: float,
        tracer_provider: TracerProvider | None = None,
    ) -> Self:
        client = httpx.AsyncClient(timeout=timeout_seconds, verify=_tls_context())
        if tracer_provider is not None:
            HTTPXClientInstrumentor.instrument_client(client, tracer_provider=tracer_provider)
        return cls(peers, client)

    @property
    def peers(self) -> dict[str, str]:
        """Peer name -> base URL."""
        return dict(self._peers)

    def url_of(self, peer: str) -> str:
        try:
            return self._peers[peer]
        except KeyError:
            raise UnknownPeerError(f"no URL configured for peer {peer!r}") from None

    async def request(self, peer: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request to `peer`; raises `httpx.HTTPError` when it cannot be reached."""
        headers = httpx.Headers(kwargs.pop("headers", None))
        request_id = get_request_id()
        if request_id is not None:
            headers[REQUEST_ID_HEADER] = request_id
        # The caller's token, when the request being handled was authenticated: the peer
        # checks it too, rather than trusting this service.
        authorization = get_authorization()
        if authorization is not None and "Authorization" not in headers:
            headers["Authorization"] = authorization
        url = self.url_of(peer).rstrip("/") + path
        return await self._client.request(method, url, headers=headers, **kwargs)

    async def request_url(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send a request to a URL given whole (one a setting names), over the same pool,
        with the request id; raises `httpx.HTTPError` when it cannot be reached."""
        headers = httpx.Headers(kwargs.pop("headers", None))
        request_id = get_request_id()
        if request_id is not None:
            headers[REQUEST_ID_HEADER] = request_id
        return await self._client.request(method, url, headers=headers, **kwargs)

    async def get(self, peer: str, path: str, **kwargs: Any) -> httpx.Response:
        return await self.request(peer, "GET", path, **kwargs)

    async def aclose(self) -> None:
        await self._client.aclose()
