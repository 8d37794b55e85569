"""The identity service's public keys, fetched once and kept.

Tokens are checked against the cached keys, without calling the identity service on each
request. The set is fetched again when a token names a key it does not hold (a key
rotation), at most once per `min_refresh_seconds`, and when it is older than
`max_age_seconds`; when a fetch fails, the keys already held keep working.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from app.utils.access_tokens import PublicKey, UnknownKeyError, public_keys

logger = logging.getLogger(__name__)

FetchKeySet = Callable[[], Awaitable[Mapping[str, Any]]]


class KeySetUnavailableError(Exception):
    """No key has ever been fetched, and the identity service cannot be reached now."""


class KeyCache:
    def __init__(
        self,
        fetch: FetchKeySet,
        *,
        max_age_seconds: float = 300.0,
        min_refresh_seconds: float = 10.0,
    ) -> None:
        self._fetch = fetch
        self._max_age = max_age_seconds
        self._min_refresh = min_refresh_seconds
        self._keys: dict[str, PublicKey] = {}
        self._fetched_at: float | None = None
        self._tried_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, key_id: str) -> PublicKey:
        """The key named `key_id`; raises `UnknownKeyError` or `KeySetUnavailableError`."""
        now = time.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at > self._max_age
        if stale or key_id not in self._keys:
            await self._refresh()
        key = self._keys.get(key_id)
        if key is not None:
            return key
        if self._fetched_at is None:
            raise KeySetUnavailableError("the identity service's keys cannot be fetched")
        raise UnknownKeyError(f"no published key has the id {key_id!r}")

    async def _refresh(self) -> None:
        async with self._lock:
            now = time.monotonic()
            # Tokens naming unknown keys must not make the service call the identity service
            # on each request: one attempt per interval (concurrent callers share it).
            if self._tried_at is not None and now - self._tried_at < self._min_refresh:
                return
            self._tried_at = now
            try:
                document = await self._fetch()
            except Exception as error:  # any failure: keep the keys held
                logger.warning("cannot fetch the identity service's keys: %s", error)
                return
            self._keys = public_keys(document)
            self._fetched_at = now
