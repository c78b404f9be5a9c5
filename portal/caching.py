"""City-wide aggregates for dashboards, cached briefly in Redis.

Counting a million cases on every dashboard view is wasteful; these figures are the same for
every coordinator, so they are counted about once a minute, by the worker while the readers see
the previous count (RefreshedAggregate), and the panel says when.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)

DASHBOARD_TTL = 60


# A refreshed-ahead aggregate is kept this many times its freshness, so that a reader finds the
# previous figures while the worker counts anew; past that, a reader counts them itself.
KEPT_FOR = 5


class RefreshedAggregate:
    """A city-wide aggregate that no reader waits for once it has been counted: a reader who
    finds it older than `ttl` gets it as it is (the panel says when it was counted) and the
    worker counts it anew (`portal.tasks.refresh_aggregate`), once however many read it.

    Only a reader who finds nothing (the first of the day, after Redis was away, or when no
    worker has refreshed it for KEPT_FOR × ttl) counts it in the request. The computation's
    arguments are its cache key and the task's
    arguments, so they are plain values: ids, ISO dates, a language code."""

    def __init__(self, key: str, compute: Callable[..., Any], ttl: int) -> None:
        self.key = key
        self.compute = compute
        self.ttl = ttl
        self.path = f"{compute.__module__}.{compute.__qualname__}"

    def cache_key(self, params: dict[str, Any]) -> str:
        return ":".join(["aggregate", self.key, *(str(params[name]) for name in sorted(params))])

    def __call__(self, **params: Any) -> dict[str, Any]:
        """{"value": …, "computed_at": …} for these arguments."""
        key = self.cache_key(params)
        entry = cache.get(key)
        if entry is None:
            return self.refresh(**params)
        stale = timezone.now() - entry["computed_at"] >= timedelta(seconds=self.ttl)
        # One refresh per key: the first stale reader takes the mark. It lasts as long as
        # figures stay fresh, so it is gone when the refreshed ones grow old in their turn; the
        # task does not drop it (a reader who read the old figures just before the refresh
        # would take it again and ask for a second count).
        if stale and cache.add(f"{key}:refreshing", True, self.ttl) and not self._ask(params):
            return self.refresh(**params)
        return entry

    def refresh(self, **params: Any) -> dict[str, Any]:
        key = self.cache_key(params)
        entry = {"value": self.compute(**params), "computed_at": timezone.now()}
        cache.set(key, entry, self.ttl * KEPT_FOR)
        return entry

    def _ask(self, params: dict[str, Any]) -> bool:
        """Queue the refresh; False when the broker cannot take it now (it answers at once)."""
        from portal.tasks import refresh_aggregate

        try:
            refresh_aggregate.apply_async((self.path, params), retry=False)
        except Exception as error:  # the broker is Redis too; kombu raises its own errors
            logger.warning("Aggregate %s not queued (%s); counted in the request", self.key, error)
            return False
        return True


def refreshed_aggregate(key: str, ttl: int = DASHBOARD_TTL):
    """Decorator: the module-level computation `compute(**params)` as a RefreshedAggregate."""

    def wrap(compute: Callable[..., Any]) -> RefreshedAggregate:
        return RefreshedAggregate(key, compute, ttl)

    return wrap


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
