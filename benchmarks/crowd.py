"""A crowd of 50 users of every role for two minutes against gunicorn on this machine.

`make bench` runs it after the page timings (benchmarks/run.py). Each simulated user has its
own signed-in session and opens the pages of its role — dashboards, lists, a case, an order, a
referral, the statistics — with ids its role may open, thinking 3–10 s between pages
(benchmarks/locustfile.py, Locust, talking only to 127.0.0.1). Measured: p95 over every
request (target 300 ms), errors (target none) and the audit log: every page that shows personal
data writes its audit event, so the events written during the crowd must be at least the sum,
over the requests served, of what one request of that page writes (measured beforehand).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
# How many simulated users of each role (50 in all): workers most, as in the city.
CROWD = {
    "worker": 16,
    "provider": 10,
    "police": 8,
    "coordinator": 6,
    "secretariat": 4,
    "head": 4,
    "executor": 2,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 2, threads: int = 4) -> Iterator[int]:
    """The portal under gunicorn on a free loopback port, for as long as the block runs."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def session_key(username: str) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    from portal.models import User

    user = User.objects.get(username=username)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def pages() -> dict[str, list[tuple[str, str]]]:
    """Each role's pages, with ids that role may open (found through its own selectors)."""
    from cases.selectors import CaseFilters, case_list
    from orders.selectors import orders_visible_to
    from portal.models import User
    from referrals.selectors import inbox_for

    def user(name: str):
        return User.objects.get(username=name)

    def cases_of(name: str, n: int = 5) -> list[int]:
        return list(
            case_list(user=user(name), filters=CaseFilters()).values_list("pk", flat=True)[:n]
        )

    plan = {
        "worker": [
            ("worker: dashboard", "/"),
            ("worker: case list", "/cases/"),
            ("worker: my cases", "/cases/?mine=1"),
        ],
        "provider": [("provider: dashboard", "/"), ("provider: inbox", "/referrals/")],
        "police": [("police: dashboard", "/"), ("police: orders", "/orders/")],
        "coordinator": [
            ("coordinator: dashboard", "/"),
            ("coordinator: case list", "/cases/"),
            ("coordinator: surname search", "/cases/?q=Шевчнко"),
            ("coordinator: orders", "/orders/"),
            ("coordinator: referrals", "/referrals/"),
        ],
        "secretariat": [
            ("secretariat: dashboard", "/"),
            ("secretariat: programme", "/programme/"),
            ("secretariat: statistics", "/programme/statistics/?kind=9months&year=2024"),
            ("secretariat: council", "/programme/council/"),
        ],
        "head": [("head: dashboard", "/"), ("head: case list", "/cases/")],
        "executor": [("executor: dashboard", "/"), ("executor: programme", "/programme/")],
    }
    for role in ("worker", "coordinator", "head"):
        plan[role] += [(f"{role}: case page", f"/cases/{pk}/") for pk in cases_of(role)]
    for pk in (
        orders_visible_to(user("police")).order_by("-starts_at").values_list("pk", flat=True)[:5]
    ):
        plan["police"].append(("police: order page", f"/orders/{pk}/"))
    for pk in inbox_for(user("provider")).values_list("pk", flat=True)[:5]:
        plan["provider"].append(("provider: referral page", f"/referrals/{pk}/"))
    return plan


def audit_per_request(plan: dict[str, list[tuple[str, str]]]) -> dict[str, float]:
    """How many audit events one request of each page writes (the same for every id)."""
    from portal.models import AuditEvent, User

    per_label: dict[str, list[int]] = {}
    for role, role_pages in plan.items():
        client = Client()
        client.force_login(User.objects.get(username=role))
        for label, url in role_pages:
            before = AuditEvent.objects.count()
            assert client.get(url).status_code == 200, url
            per_label.setdefault(label, []).append(AuditEvent.objects.count() - before)
    return {label: sum(n) / len(n) for label, n in per_label.items()}


def warm_up(port: int, plan: dict[str, list[tuple[str, str]]], keys: dict[str, str]) -> None:
    """Every page a few times before the crowd comes, so that the steady state is measured,
    not each gunicorn worker's first import, template compilation and database connection."""
    for _ in range(4):
        for role, role_pages in plan.items():
            opener = urllib.request.build_opener()
            opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={keys[role]}")]
            for _label, url in role_pages:
                address = f"http://127.0.0.1:{port}{urllib.parse.quote(url, safe='/?=&')}"
                with opener.open(address, timeout=30) as response:
                    response.read()


def run(seconds: int, record) -> None:
    from portal.models import AuditEvent

    plan = pages()
    audits = audit_per_request(plan)
    sessions = [
        {"role": role, "key": session_key(role)} for role, n in CROWD.items() for _ in range(n)
    ]
    out = ROOT / "var" / "bench"
    plan_file = out / "crowd-plan.json"
    plan_file.write_text(
        json.dumps(
            {"cookie_name": settings.SESSION_COOKIE_NAME, "sessions": sessions, "pages": plan},
            ensure_ascii=False,
        )
    )
    prefix = out / "crowd"
    with gunicorn() as port:
        warm_up(port, plan, {role: session_key(role) for role in plan})
        before = AuditEvent.objects.count()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--users",
                str(len(sessions)),
                "--spawn-rate",
                "10",
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            env={**os.environ, "CROWD_PLAN": str(plan_file)},
            check=False,
        )
        time.sleep(1)
        written = AuditEvent.objects.count() - before
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    served = {
        row["Name"]: int(row["Request Count"]) - int(row["Failure Count"])
        for row in rows
        if row["Name"] != "Aggregated"
    }
    expected = round(sum(audits.get(name, 0) * n for name, n in served.items()))
    p95, errors = float(total["95%"]), int(total["Failure Count"])
    requests = int(total["Request Count"])
    ok = p95 <= 300 and errors == 0 and written >= expected and requests > 0
    record(
        {
            "name": f"crowd: {len(sessions)} users of 7 roles, {seconds} s, gunicorn 2×4",
            "requests": requests,
            "rps": round(float(total["Requests/s"]), 1),
            "median": float(total["50%"]),
            "p95": p95,
            "max": float(total["Max Response Time"]),
            "errors": errors,
            "audit_events_written": written,
            "audit_events_expected": expected,
            "target": "p95 ≤ 300 ms, 0 errors, every audit event",
            "status": "PASS" if ok else "MISS",
        }
    )
    slowest = sorted(
        (row for row in rows if row["Name"] != "Aggregated"), key=lambda row: -float(row["95%"])
    )[:3]
    print(
        f"{'crowd: 50 users, ' + str(seconds) + ' s':<48} {requests} requests, "
        f"median {total['50%']} ms, p95 {p95:.0f} ms, errors {errors}, audit events "
        f"{written} of {expected}  target p95 ≤ 300, 0 errors  {'PASS' if ok else 'MISS'}\n"
        + "".join(f"    slowest p95: {row['Name']} {row['95%']} ms\n" for row in slowest),
        flush=True,
    )
