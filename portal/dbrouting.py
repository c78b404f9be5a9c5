"""Where the reads of statistics, reports and exports go: to a PostgreSQL streaming replica when
one is configured (DATABASE_REPLICA_URL) and fresh, otherwise to the primary.

Reports and exports are the heavy readers; a replica keeps them from ever slowing down intake.
They are marked, not guessed: the code that computes figures runs inside `reporting_reads()`
(or under `@for_reporting`), and only there does the router send ORM reads to the replica; raw
SQL of the statistics takes `reporting_connection()`. Everything else, and every write, stays on
the primary. A replica that lags more than PORTAL_REPLICA_MAX_LAG_SECONDS, or does not answer,
is skipped: the primary serves, and the log says why (docs/deployment.md).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
_reads: ContextVar[str | None] = ContextVar("portal_reporting_reads", default=None)
_checked: dict[str, tuple[float, str]] = {}  # alias → (when checked, alias to use)

LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float | None:
    """How far the replica is behind the primary, in seconds; None when it does not answer."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except Exception as error:  # any connection or server error: the replica is not usable
        logger.warning("Replica unavailable (%s); reports read from the primary", error)
        connections[REPLICA].close()
        return None


def reporting_alias() -> str:
    """The database reports read from now: the replica when configured and fresh enough."""
    if not replica_configured():
        return DEFAULT_DB_ALIAS
    checked = _checked.get(REPLICA)
    if checked and time.monotonic() - checked[0] < settings.PORTAL_REPLICA_CHECK_SECONDS:
        return checked[1]
    lag = replica_lag_seconds()
    alias = REPLICA
    if lag is None:
        alias = DEFAULT_DB_ALIAS
    elif lag > settings.PORTAL_REPLICA_MAX_LAG_SECONDS:
        logger.warning(
            "Replica lags %.1f s (more than %s s); reports read from the primary",
            lag,
            settings.PORTAL_REPLICA_MAX_LAG_SECONDS,
        )
        alias = DEFAULT_DB_ALIAS
    _checked[REPLICA] = (time.monotonic(), alias)
    return alias


@contextmanager
def reporting_reads() -> Iterator[str]:
    """Inside this block ORM reads go to the reporting database (see the module's docstring)."""
    if _reads.get() is not None:  # nested: keep the outer choice
        yield _reads.get()
        return
    alias = reporting_alias()
    token = _reads.set(alias)
    try:
        yield alias
    finally:
        _reads.reset(token)


def for_reporting(function):
    """Run `function` inside `reporting_reads()`."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with reporting_reads():
            return function(*args, **kwargs)

    return wrapper


def reporting_connection():
    """The connection for raw SQL of the statistics: the one `reporting_reads()` chose."""
    return connections[_reads.get() or DEFAULT_DB_ALIAS]


class ReplicaRouter:
    """Reads inside `reporting_reads()` go where it chose; everything else is the primary's."""

    def db_for_read(self, model, **hints):
        return _reads.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
