"""The crowd of `make bench`: users of every role browsing their pages (benchmarks/crowd.py).

Run by benchmarks/crowd.py as `locust --headless` against gunicorn on 127.0.0.1 only. The plan
(CROWD_PLAN, a JSON file written by crowd.py) gives each simulated user a signed-in session of
its role and the pages that role uses, with ids the role may open; a user thinks 3–10 s between
pages, as a person reading them does (at 1–3 s the two cores saturate: docs/performance.md).
Only HTTP here: no Django, no database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["CROWD_PLAN"]).read_text())
SESSIONS = itertools.cycle(PLAN["sessions"])


class PortalUser(HttpUser):
    wait_time = between(3, 10)

    def on_start(self) -> None:
        session = next(SESSIONS)
        self.role = session["role"]
        self.pages = PLAN["pages"][self.role]
        self.client.cookies.set(PLAN["cookie_name"], session["key"])
        # A connection per page, as browsers behind a proxy do: no race between gunicorn
        # closing an idle keep-alive connection and the next request on it.
        self.client.headers["Connection"] = "close"

    @task
    def browse(self) -> None:
        label, url = random.choice(self.pages)
        with self.client.get(
            url, name=label, allow_redirects=False, catch_response=True
        ) as response:
            # A redirect would be the login page or a two-factor step: a failure here.
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
