"""City-wide aggregates for dashboards, cached briefly in Redis.

Counting a million cases on every dashboard view is wasteful; these figures are the same for
every coordinator, so they are computed at most once a minute and the panel says when.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

DASHBOARD_TTL = 60


def cached_aggregate(key: str, compute: Callable[[], Any], ttl: int = DASHBOARD_TTL) -> Any:
    value = cache.get(f"aggregate:{key}")
    if value is None:
        value = {"value": compute(), "computed_at": timezone.now()}
        cache.set(f"aggregate:{key}", value, ttl)
    return value
