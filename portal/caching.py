"""City-wide aggregates for dashboards, cached briefly in Redis.

Counting a million cases on every dashboard view is wasteful; these figures are the same for
every coordinator, so they are computed at most once a minute and the panel says when.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

DASHBOARD_TTL = 60


def cached_aggregate(key: str, compute: Callable[[], Any], ttl: int = DASHBOARD_TTL) -> Any:
    value = cache.get(f"aggregate:{key}")
    if value is None:
        value = {"value": compute(), "computed_at": timezone.now()}
        cache.set(f"aggregate:{key}", value, ttl)
    return value


class FailOpenRedisCache(RedisCache):
    """Django's Redis cache that fails open: with Redis down a read is a miss and a write is
    dropped, so pages keep working (only slower); the cache only ever holds what can be
    recomputed. Sessions live in the database and the lock-out counters in the audit tables, so
    nothing that matters for safety is lost. The first failure of each minute is logged."""

    _last_logged = 0.0

    def _failed(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - FailOpenRedisCache._last_logged > 60:
            FailOpenRedisCache._last_logged = now
            logger.warning("Cache unavailable (%s: %s); serving without it", operation, error)


def _fail_open(name: str, default: Any = None, *, default_arg: bool = False):
    method = getattr(RedisCache, name)

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except REDIS_ERRORS as error:
            self._failed(name, error)
            if default_arg:  # get(key, default=None): a miss answers with the caller's default
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            return default() if callable(default) else default

    wrapper.__name__ = name
    wrapper.__doc__ = method.__doc__
    return wrapper


FailOpenRedisCache.get = _fail_open("get", default_arg=True)
FailOpenRedisCache.add = _fail_open("add", False)
FailOpenRedisCache.set = _fail_open("set")
FailOpenRedisCache.touch = _fail_open("touch", False)
FailOpenRedisCache.delete = _fail_open("delete", False)
FailOpenRedisCache.get_many = _fail_open("get_many", dict)
FailOpenRedisCache.has_key = _fail_open("has_key", False)
FailOpenRedisCache.set_many = _fail_open("set_many", list)
FailOpenRedisCache.delete_many = _fail_open("delete_many")
FailOpenRedisCache.clear = _fail_open("clear", False)
