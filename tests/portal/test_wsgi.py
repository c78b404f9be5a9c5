"""The server process: what it loads once is left out of garbage collection (portal.wsgi)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import portal.wsgi
frozen = gc.get_freeze_count()
class Cycle:
    pass
a, b = Cycle(), Cycle()
a.other, b.other = b, a
del a, b
print(frozen, "cases.views.listing" in sys.modules, "referrals.views" in sys.modules,
      gc.collect() >= 2)
"""


def test_a_server_process_imports_every_page_and_freezes_what_it_loaded():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, listing, referrals, collected = result.stdout.split()
    # The code of the portal is tens of thousands of objects; none is walked again.
    assert int(frozen) > 50_000
    # The URL conf was loaded before the freeze, so the views are part of what was frozen.
    assert (listing, referrals) == ("True", "True")
    # What requests leave behind afterwards is still collected.
    assert collected == "True"
