"""Extract translatable strings: portal + templates/ into locale/, each app into <app>/locale/.

Django's makemessages puts a file's messages into the `locale/` folder of its app when that app
has one, and into LOCALE_PATHS otherwise; so one run at the top level keeps catalogues per app.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IGNORE = [
    ".venv/*",
    "var/*",
    "static/vendor/*",
    "tests/*",
    "benchmarks/*",
    "staticfiles/*",
    "scripts/*",
    "docs/*",
]


def main() -> int:
    for app in ["cases", "orders", "referrals", "programme"]:
        (ROOT / app / "locale").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "makemessages"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgresql://x@localhost/x"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://localhost:6379/0"),
    }
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "uk",
        "-l",
        "en",
        "--no-location",
        "--no-obsolete",
    ]
    for pattern in IGNORE:
        command += ["--ignore", pattern]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
