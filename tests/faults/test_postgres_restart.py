"""PostgreSQL restarted under load: gunicorn serves the portal from a server of the test's own
(a copy of the test server made with pg_basebackup) while six clients browse and register cases;
the server is restarted in the middle. Requests caught by the restart get the Ukrainian error
page (503, never a trace), the application reconnects by itself, and no half-written case
exists: every intake is one transaction."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest
from django.conf import settings

from tests.cases.test_intake import _post as intake_post
from tests.faults.conftest import ROOT, kill, wait_for
from tests.faults.pgcluster import Cluster, require_embedded_superuser

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 6
LOAD_SECONDS = 12
RESTART_AFTER = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A signed-in client: the session cookie of a user, the CSRF token of the intake form."""

    def __init__(self, base: str, sessionid: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )
        cookie = http.cookiejar.Cookie(
            0,
            settings.SESSION_COOKIE_NAME,
            sessionid,
            None,
            False,
            "127.0.0.1",
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
        self.jar.set_cookie(cookie)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.base + path} if data is not None else {}
        try:
            with self.opener.open(
                urllib.request.Request(self.base + path, data=body, headers=headers),  # noqa: S310 — http://127.0.0.1 only
                timeout=30,
            ) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
            return 0, str(error)

    def register(self, form: dict) -> tuple[int, str]:
        status, page = self.request("/cases/new/")
        if status != 200:
            return status, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("/cases/new/", {**form, "csrfmiddlewaretoken": token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def signed_in(client, owner):
    """The owner's session, in the test server, before it is copied."""
    client.force_login(owner)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.fixture
def copy_of_the_server(signed_in):
    require_embedded_superuser()
    cluster = Cluster(standby=False)
    cluster.start()
    yield cluster
    cluster.remove()


def test_a_postgres_restart_under_load_shows_the_error_page_reconnects_and_leaves_no_half_case(
    signed_in, copy_of_the_server, tmp_path
):
    sessionid, cluster = signed_in, copy_of_the_server
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": cluster.url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_TWO_FACTOR_ROLES": "",
        "PORTAL_PRIVATE_ROOT": str(tmp_path),
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        probe = Browser(base, sessionid)
        wait_for(lambda: probe.request("/")[0] == 200, timeout=120, what="gunicorn to serve")

        # Made here: the load threads must not open database connections of their own.
        form = intake_post(**{"offender-unknown": "on"})
        results: list[tuple[float, str, int, str]] = []
        stop = threading.Event()

        def load(n: int) -> None:
            browser = Browser(base, sessionid)
            while not stop.is_set():
                if n % 2:
                    status, page = browser.register(form)
                    results.append((time.monotonic(), "intake", status, page))
                else:
                    status, page = browser.request("/cases/")
                    results.append((time.monotonic(), "list", status, page))

        threads = [threading.Thread(target=load, args=(n,)) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(RESTART_AFTER)
        restarted_at = time.monotonic()
        cluster.restart("fast")
        back_at = time.monotonic()
        time.sleep(LOAD_SECONDS - RESTART_AFTER)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        kill(web)
        log.close()

    statuses = {status for _at, _kind, status, _page in results}
    assert statuses <= {200, 302, 503}, statuses
    failed = [page for _at, _kind, status, page in results if status == 503]
    assert failed, "the restart caught no request: the test proved nothing"
    for page in failed:
        assert "Портал тимчасово недоступний" in page and "Traceback" not in page
    # Reconnected by itself: well after the restart, every request is served.
    settled = [r for r in results if r[0] > back_at + 2]
    assert settled and all(status in (200, 302) for _at, _kind, status, _page in settled)
    assert any(status in (200, 302) for at, _k, status, _p in results if at < restarted_at)

    registered = sum(
        1 for _at, kind, status, _page in results if kind == "intake" and status == 302
    )
    with psycopg.connect(**cluster.conninfo()) as conn:
        cases = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
        half = conn.execute(
            "SELECT count(*) FROM cases_case c WHERE NOT EXISTS (SELECT 1 FROM "
            "cases_participant p WHERE p.case_id = c.id AND p.role = 'victim') OR NOT EXISTS "
            "(SELECT 1 FROM cases_incident i WHERE i.case_id = c.id)"
        ).fetchone()[0]
    assert half == 0
    # A request cut between its commit and its answer may have saved a case the client did not
    # hear about; never the other way round.
    assert cases >= registered > 0
