"""`make demo`: the whole portal on one machine, with embedded PostgreSQL and Redis by default.

Starts the database and Redis (unless DATABASE_URL / REDIS_URL point elsewhere), migrates, seeds
the demo data, then runs the web server (gunicorn), a Celery worker and Celery beat together.
Ctrl-C stops all of them and the embedded servers cleanly; the data stays under var/.

Migrations run as the database's owner role (DATABASE_OWNER_URL); the seeding and the three
processes as the application's role (DATABASE_URL), which cannot alter the audit log.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.devservices import VAR, service_env, stop_postgres, stop_redis  # noqa: E402

BIN = Path(sys.executable).parent
HOST = os.environ.get("PORTAL_HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def secret_key() -> str:
    path = VAR / "demo_secret_key"
    if not path.exists():
        VAR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    external_db = bool(os.environ.get("DATABASE_URL"))
    external_redis = bool(os.environ.get("REDIS_URL"))
    env = {**os.environ, **service_env()}
    # The application's processes never hold the owner's credentials.
    owner_url = env.pop("DATABASE_OWNER_URL")
    env.setdefault("DJANGO_SECRET_KEY", secret_key())
    env.setdefault("DJANGO_SECURE_COOKIES", "0")  # plain http on loopback
    env.setdefault("PORTAL_DEMO", "1")
    # The demo city: Kyiv's magnitudes since 2022, loaded once (PORTAL_DEMO_CITY=0: a small demo).
    env.setdefault("PORTAL_DEMO_CITY", "1")
    # The demo accounts sign in with a password only; production requires TOTP for coordinators,
    # the secretariat and administrators (see README).
    env.setdefault("PORTAL_TWO_FACTOR_ROLES", "")
    env.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    (VAR / "mail").mkdir(parents=True, exist_ok=True)
    (VAR / "static").mkdir(parents=True, exist_ok=True)
    env["PYTHONUNBUFFERED"] = "1"

    def manage(*args: str, as_owner: bool = False) -> None:
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env={**env, "DATABASE_URL": owner_url} if as_owner else env,
            check=True,
        )

    manage("migrate", "--no-input", "-v", "0", as_owner=True)
    # Rows only, no DDL: the application's role is enough.
    manage("seed_demo")
    # The statistics rollups of every day the seeding changed, before the first page asks.
    manage("statistics_rollups", "refresh")

    processes = {
        "web": [
            str(BIN / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "3"),
            "--timeout",
            "120",
            # No access log: search terms (names) can appear in URLs.
        ],
        # Two workers, as in production (docs/deployment.md): notices and everyday tasks never
        # wait behind a PDF that the reports worker is rendering.
        "worker": [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "-l",
            "info",
            "-Q",
            "notices,default",
            "--concurrency",
            "1",
            "-n",
            "demo@%h",
        ],
        "worker-reports": [
            str(BIN / "celery"),
            "-A",
            "portal",
            "worker",
            "-l",
            "info",
            "-Q",
            "reports",
            "--concurrency",
            "1",
            "-n",
            "demo-reports@%h",
        ],
        "beat": [
            str(BIN / "celery"),
            "-A",
            "portal",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(VAR / "celerybeat-schedule"),
        ],
    }
    running = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        for name, command in processes.items()
    }
    print(
        f"\n  Kyiv coordination portal: http://{HOST}:{PORT}/   (Ctrl-C stops everything)\n",
        flush=True,
    )

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in running.items():
            if process.poll() is not None:
                print(
                    f"demo: {name} exited with {process.returncode}; stopping the rest",
                    file=sys.stderr,
                )
                exit_code = 1
                stopping = True
        time.sleep(0.5)

    for process in running.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in running.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    if not external_redis:
        stop_redis()
    if not external_db:
        stop_postgres()
    print("demo: stopped; data kept under var/", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
