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
from collections.abc import Callable
from functools import wraps
from typing import Any

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


def _or(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The method of RedisCache, or `fallback(*args, **kwargs)` (what an empty cache would
    answer) while Redis is unreachable."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def guarded(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                _unreachable(error)
                return fallback(*args, **kwargs)

        return guarded

    return decorate


def _missing_key(key: Any, *_args: Any, **_kwargs: Any) -> int:
    raise ValueError(f"Key '{key}' not found (the cache is unreachable).")


class ResilientRedisCache(RedisCache):
    # An empty cache takes a value and forgets it at once: add() is True, so a lock taken
    # with it (allauth's rate limits take one) is granted and nothing waits on a cache that
    # is not there.
    add = _or(lambda *a, **k: True)(RedisCache.add)
    get = _or(lambda key, default=None, *a, **k: k.get("default", default))(RedisCache.get)
    set = _or(lambda *a, **k: None)(RedisCache.set)
    touch = _or(lambda *a, **k: False)(RedisCache.touch)
    delete = _or(lambda *a, **k: False)(RedisCache.delete)
    get_many = _or(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _or(lambda *a, **k: False)(RedisCache.has_key)
    incr = _or(_missing_key)(RedisCache.incr)
    set_many = _or(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _or(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _or(lambda *a, **k: None)(RedisCache.clear)
