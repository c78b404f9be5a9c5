"""Compile every .po file of the project (locale/ and <app>/locale/) into .mo files.

With --strict (as `make test` runs it) a Ukrainian catalogue with untranslated or fuzzy messages
fails: the UI is Ukrainian first. Without it (`make demo`) such gaps are only reported.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIRS = [
    "locale",
    "portal/locale",
    "cases/locale",
    "orders/locale",
    "referrals/locale",
    "programme/locale",
]


def main() -> int:
    strict = "--strict" in sys.argv
    problems, gaps = [], []
    for directory in CATALOGUE_DIRS:
        for po in sorted((ROOT / directory).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            result = subprocess.run(
                ["msgfmt", "--check-format", "--statistics", "-o", str(mo), str(po)],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                problems.append(f"{po.relative_to(ROOT)}: {result.stderr.strip()}")
                continue
            stats = result.stderr.strip()
            language = po.parent.parent.name
            if language == "uk" and ("untranslated" in stats or "fuzzy" in stats):
                gaps.append(f"{po.relative_to(ROOT)}: {stats}")
    for line in problems + gaps:
        print(f"compilemessages: {line}", file=sys.stderr)
    return 1 if problems or (strict and gaps) else 0


if __name__ == "__main__":
    sys.exit(main())
