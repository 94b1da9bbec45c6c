"""The Redis cache while Redis is down: an empty cache, quickly, never an error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal import cache as cache_module
from portal.cache import ResilientRedisCache
from tests.celery_helpers import REDIS_SERVER, PrivateRedis

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server (Redis)")


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def cache_on(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_an_unreachable_redis_is_an_empty_cache_then_a_cache_again(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_last_warning", 0.0)  # the warning is once per 30 s
    cache = cache_on(private_redis.url)
    cache.set("a", 1)
    assert cache.get("a") == 1
    assert cache.incr("a") == 2

    private_redis.stop()
    started = time.monotonic()
    assert cache.get("a", "none") == "none"
    cache.set("b", 2)  # dropped, no error
    assert cache.add("c", 3) is True  # taken, and forgotten: a lock is granted
    assert cache.get("c") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("a") is False
    assert cache.delete("a") is False
    assert cache.set_many({"d": 4}) == ["d"]
    cache.delete_many(["a"])
    with pytest.raises(ValueError, match="not found"):
        cache.incr("a")
    assert time.monotonic() - started < 5
    assert "Redis cache unreachable" in caplog.text

    private_redis.start()
    cache.set("e", 5)
    assert cache.get("e") == 5
