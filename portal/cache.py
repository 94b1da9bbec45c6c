"""The cache: Django's Redis cache, except that an unreachable Redis is an empty cache.

Everything Nyttig keeps in the cache can be rebuilt or done without (login rate limits,
cached fragments), so while Redis is down or hangs a page must not fail because of it: a
read finds nothing, a write is dropped, and a warning is logged (at most every 30 s). The
connection and socket timeouts in `CACHES` bound how long a hanging Redis can hold a request.

What that means for the login cool-off: while Redis is unreachable, failed logins cannot be
counted and are not limited (the password is still checked). Availability wins over a lockout
that nobody can count; the log says when it happens.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("nyttig.cache")
WARN_EVERY = 30.0
_last_warning = 0.0


def _unreachable(error: Exception) -> None:
    global _last_warning  # noqa: PLW0603  # one clock for the process
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY:
        _last_warning = now
        logger.warning("Redis cache unreachable, answering as an empty cache: %s", error)


class ResilientRedisCache(RedisCache):
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        try:
            return bool(super().add(key, value, timeout, version))
        except RedisError as error:
            # An empty cache takes the value (and forgets it at once): a lock taken with
            # add() (allauth's rate limits take one) is granted, so nothing waits on a cache
            # that is not there.
            _unreachable(error)
            return True

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _unreachable(error)
            return default

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _unreachable(error)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))
        except RedisError as error:
            _unreachable(error)
            return False

    def delete(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except RedisError as error:
            _unreachable(error)
            return False

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys, version))
        except RedisError as error:
            _unreachable(error)
            return {}

    def has_key(self, key: Any, version: Any = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except RedisError as error:
            _unreachable(error)
            return False

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        try:
            return int(super().incr(key, delta, version))
        except RedisError as error:
            _unreachable(error)
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).") from error

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))
        except RedisError as error:
            _unreachable(error)
            return list(data)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        try:
            super().delete_many(keys, version)
        except RedisError as error:
            _unreachable(error)

    def clear(self) -> None:
        try:
            super().clear()
        except RedisError as error:
            _unreachable(error)
