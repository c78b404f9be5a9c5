"""The settings the test suite runs with: portal.settings, read with the environment a test run
needs filled in first, so that a plain `pytest` works without scripts/test.sh.

pytest-django imports the settings before any conftest.py is loaded, so defaults set in a
conftest come too late for what portal/settings.py reads at import time (the secret key, the
secure-cookie switch and everything derived from it). Values already in the environment win;
settings that matter at request time are pinned again in tests/conftest.py.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent

for _name, _value in {
    "DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production-use-5f1c8e0b9a7d4e2f",
    # The test client speaks plain HTTP: no secure-only cookies, no redirect to HTTPS, no HSTS.
    "DJANGO_SECURE_COOKIES": "0",
    "PORTAL_TWO_FACTOR_ROLES": "",
    "PORTAL_DEMO": "1",
    "PORTAL_PRIVATE_ROOT": str(_ROOT / "var" / "test-private"),
}.items():
    os.environ.setdefault(_name, _value)

# Tests clear the cache and purge Celery queues: never on Redis database 0, the demo's (and
# production's). As scripts/test.sh does, a URL without a database, or with database 0, gets 15.
_redis = os.environ.get("REDIS_URL", "")
if _redis.startswith("unix://") and not re.search(r"[?&]db=[1-9]", _redis):
    os.environ["REDIS_URL"] = _redis.split("?", 1)[0] + "?db=15"
elif _redis.startswith("redis://") and not re.search(r"/[1-9][0-9]*$", _redis):
    os.environ["REDIS_URL"] = re.sub(r"(/0)?$", "/15", _redis, count=1)

from portal.settings import *  # noqa: E402, F403

# WhiteNoise warns when the collected-static directory is missing (a fresh clone has none).
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # noqa: F405
