"""Compile every .po file of the project (locale/ and <app>/locale/) into .mo files.

Fails when a Ukrainian catalogue has untranslated or fuzzy messages: the UI is Ukrainian first.
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
    problems = []
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
                problems.append(f"{po.relative_to(ROOT)}: {stats}")
    for problem in problems:
        print(f"compilemessages: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
