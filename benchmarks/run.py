"""`make bench`: server times, query counts, statistics, PDF, routing and throughput at scale.

Run through scripts/bench.sh, which prepares the `portal_bench` database. Prints a table with the
targets beside the figures and writes var/bench/latest.json (and a timestamped copy).
"""

from __future__ import annotations

import json
import os
import random
import statistics as stats
import sys
import threading
import time
import urllib.request
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from urllib.parse import quote

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402

# Server times are taken in this process: it loads the portal as a server process does
# (portal.wsgi), its code left out of garbage collection.
import portal.wsgi  # noqa: E402, F401
from portal.models import User  # noqa: E402

REPEATS = int(os.environ.get("BENCH_REPEATS", "15"))
RESULTS: list[dict] = []


def record(
    name: str, values_ms: list[float], target_ms: float | None, queries=None, unit: str = "ms"
) -> None:
    values = sorted(values_ms)
    median = stats.median(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    row = {
        "name": name,
        "median": round(median, 1),
        "p95": round(p95, 1),
        "unit": unit,
        "target": target_ms,
        "queries": queries,
        "status": "n/a" if target_ms is None else ("PASS" if p95 <= target_ms else "MISS"),
    }
    RESULTS.append(row)
    print(
        f"{name:<48} median {median:8.1f} {unit}  p95 {p95:8.1f} {unit}  "
        f"target {target_ms or '—':>6}  queries {queries if queries is not None else '—':>4}  "
        f"{row['status']}",
        flush=True,
    )


def time_page(
    client: Client, name: str, url: str, target: float, headers: dict | None = None
) -> None:
    response = client.get(url, headers=headers)  # warm caches once
    if response.status_code != 200:
        RESULTS.append({"name": name, "status": f"n/a (HTTP {response.status_code})"})
        print(f"{name:<48} HTTP {response.status_code}: not measured", flush=True)
        return
    # The test client resets connection.queries at each request, so count with a wrapper.
    executed = []
    with connection.execute_wrapper(
        lambda execute, sql, *a: (executed.append(sql), execute(sql, *a))[1]
    ):
        client.get(url, headers=headers)
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        client.get(url, headers=headers)
        timings.append((time.perf_counter() - started) * 1000)
    record(name, timings, target, queries=len(executed))


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def pages() -> None:
    from cases.models import Case, Participant

    for role in ["worker", "police", "coordinator", "secretariat", "provider", "executor"]:
        time_page(client_for(role), f"dashboard: {role}", "/", 100)
    coordinator = client_for("coordinator")
    time_page(coordinator, "case list (coordinator, whole city)", "/cases/", 100)
    time_page(
        coordinator,
        "case list: district + period",
        "/cases/?district=darnytskyi&date_from=01.01.2023&date_to=31.03.2023",
        100,
    )
    time_page(coordinator, "case list: misspelled surname", "/cases/?q=Шевчнко", 200)
    case = Case.objects.order_by("-reported_at").first()
    # The other two things a worker types in the box: a victim's phone, a part of a number.
    phone = (
        Participant.objects.filter(case=case, role="victim")
        .values_list("person__phone", flat=True)
        .first()
    )
    if phone:
        time_page(coordinator, "case list: a phone", f"/cases/?q={quote(phone)}", 100)
    time_page(coordinator, "case list: part of a case number", f"/cases/?q={case.number[-7:]}", 100)
    time_page(coordinator, "case page", f"/cases/{case.pk}/", 100)
    time_page(client_for("provider"), "provider inbox", "/referrals/", 100)
    time_page(client_for("police"), "orders list (police)", "/orders/", 100)
    time_page(
        client_for("secretariat"),
        "statistics page, 9 months",
        "/programme/statistics/?kind=9months&year=2024",
        100,
    )
    new_pages()


def new_pages() -> None:
    """The pages of issues 8–14, at the target every page now has."""
    from django.db.models import Count

    from cases.selectors import CaseFilters, case_list
    from cases.team.models import CaseTeam
    from programme.council.models import Meeting
    from programme.models import Programme

    head, worker = client_for("head"), client_for("worker")
    coordinator, secretariat = client_for("coordinator"), client_for("secretariat")
    time_page(head, "dashboard: head (workload, duplicates)", "/", 100)
    time_page(worker, "case list: my cases", "/cases/?mine=1", 100)
    time_page(coordinator, "referrals: city coordination", "/referrals/", 100)
    time_page(coordinator, "orders list (coordinator, whole city)", "/orders/", 100)
    # The bench's "case page" is the newest synthetic case, with little on it; a worker's
    # fullest case has something in every tab (plans, team, orders, measures, referrals,
    # lead). The tabs that other apps add are read when opened (cases:section): each is timed
    # as the browser asks for it.
    fullest = (
        case_list(user=User.objects.get(username="worker"), filters=CaseFilters())
        .annotate(entries=Count("events"))
        .order_by("-entries", "pk")
        .first()
    )
    if fullest is not None:
        time_page(worker, "case page: the worker's fullest case", f"/cases/{fullest.pk}/", 100)
        for key in ("plans", "team", "referrals", "orders"):
            time_page(
                worker,
                f"  its tab: {key}",
                f"/cases/{fullest.pk}/tabs/{key}/",
                100,
                headers={"HX-Request": "true"},
            )
    team = CaseTeam.objects.order_by("pk").first()
    if team is not None:
        time_page(worker, "case team page", f"/cases/teams/{team.pk}/", 100)
    time_page(secretariat, "programme index", "/programme/", 100)
    time_page(secretariat, "council meetings", "/programme/council/", 100)
    meeting = Meeting.objects.order_by("-pk").first()
    if meeting is not None:
        time_page(
            secretariat, "council meeting page", f"/programme/council/meetings/{meeting.pk}/", 100
        )
    programme = Programme.objects.order_by("-pk").first()
    if programme is not None:
        time_page(secretariat, "programme editor", f"/programme/programmes/{programme.pk}/", 100)


def computations() -> None:
    from programme.figures import period_for
    from programme.report import render_pdf
    from programme.statistics import statistics

    period = period_for("months", 2024, months=9)
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        statistics(period)
        timings.append((time.perf_counter() - started) * 1000)
    record("9-month statistics (computed, not cached)", timings, 500)
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        render_pdf(period)
        timings.append((time.perf_counter() - started) * 1000)
    record("9-month report to PDF", timings, 3000)


def routing() -> None:
    from datetime import UTC

    from referrals.routing import Catalogue, Provider, facts_from_dict, plan, policy_from_dict
    from referrals.routing.engine import DISTRICTS, SERVICES

    rng = random.Random(5)
    rules = json.loads((ROOT / "referrals" / "policy_v1.json").read_text())["rules"]
    while len(rules) < 50:
        base = dict(rng.choice(rules[:13]))
        base["id"] = f"X{len(rules)}"
        base["service"] = rng.choice(SERVICES)
        rules.append(base)
    policy = policy_from_dict({"version": 9, "rules": rules})
    providers = tuple(
        Provider(
            code=f"p{i:03d}",
            name=f"p{i}",
            kind="x",
            services=frozenset(rng.sample(SERVICES, 2)),
            districts=frozenset(rng.sample(sorted(DISTRICTS), 1)) if i % 3 else frozenset(),
            capacity_total=10 if i % 7 == 0 else None,
            capacity_free=rng.randint(0, 3) if i % 7 == 0 else None,
            open_referrals=rng.randint(0, 20),
            always_open=bool(i % 2),
            opening_hours=tuple((d, dtime(9), dtime(18)) for d in range(5)),
        )
        for i in range(500)
    )
    catalogue = Catalogue(providers)
    facts = facts_from_dict(
        {
            "reported_at": "2024-10-17T10:00:00+03:00",
            "district": "darnytskyi",
            "victim": {"age": 34},
            "risk_level": "high",
            "consent": True,
            "needs": ["shelter", "legal", "psychological", "medical"],
            "child_witness": True,
            "injuries": True,
            "forms": ["sexual"],
        }
    )
    now = datetime(2024, 10, 17, 8, tzinfo=UTC)
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        plan(facts, catalogue, policy, now)
        timings.append((time.perf_counter() - started) * 1000)
    record("routing plan(): 500 providers, 50 rules", timings, 20)


def _load(url: str, cookie: str, seconds: float, threads: int = 8) -> float:
    """Requests per second from a bounded load on loopback: `threads` clients, `seconds` long."""
    done, stop = [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", cookie)]
        count = 0
        while time.monotonic() < stop:
            with opener.open(url, timeout=10) as response:
                response.read()
            count += 1
        with lock:
            done[0] += count

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return done[0] / seconds


def throughput() -> None:
    from benchmarks.crowd import gunicorn, session_key

    with gunicorn() as port:
        cookie = f"{settings.SESSION_COOKIE_NAME}={session_key('coordinator')}"
        seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "10"))
        trivial = _load(f"http://127.0.0.1:{port}/healthz", cookie, seconds)
        case_list = _load(f"http://127.0.0.1:{port}/cases/", cookie, seconds)
    ratio = case_list / trivial if trivial else 0
    RESULTS.append(
        {
            "name": "throughput: case list / trivial view",
            "case_list_rps": round(case_list, 1),
            "trivial_rps": round(trivial, 1),
            "ratio": round(ratio, 2),
            "target": 0.4,
            "status": "PASS" if ratio >= 0.4 else "MISS",
        }
    )
    print(
        f"{'throughput: case list / trivial view':<48} {case_list:7.1f} / {trivial:7.1f} req/s"
        f" = {ratio:.2f}  target ≥ 0.40  {'PASS' if ratio >= 0.4 else 'MISS'}",
        flush=True,
    )


def main() -> int:
    from cases.models import Case

    settings.DEBUG = False
    cases = Case.objects.count()
    print(
        f"Benchmark on {cases} cases ({connection.settings_dict['NAME']}), "
        f"{REPEATS} repeats per page\n",
        flush=True,
    )
    reset_queries()
    pages()
    computations()
    routing()
    if os.environ.get("BENCH_SKIP_LOAD") != "1":
        throughput()
    if os.environ.get("BENCH_SKIP_CROWD") != "1":
        from benchmarks.crowd import run as crowd

        crowd(int(os.environ.get("BENCH_CROWD_SECONDS", "120")), RESULTS.append)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    payload = {
        "cases": cases,
        "when": datetime.now().isoformat(timespec="seconds"),
        "results": RESULTS,
    }
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for name in (f"results-{stamp}.json", "latest.json"):
        (out / name).write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    missed = [r["name"] for r in RESULTS if r.get("status") == "MISS"]
    print(f"\nwritten var/bench/latest.json; missed: {', '.join(missed) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
