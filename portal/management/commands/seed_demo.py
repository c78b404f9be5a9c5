"""Fill the database with demo data: idempotent, safe to run on every `make demo`."""

from __future__ import annotations

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand

from portal.demo import credentials_table

# Each app may provide `<app>/demo.py` with `seed(*, stdout)`; they run in dependency order.
DEMO_MODULES = ["portal", "cases", "orders", "referrals", "programme"]


class Command(BaseCommand):
    help = "Create demo organisations, users and data. Idempotent."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--quiet-credentials", action="store_true", help="Do not print the demo accounts."
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not settings.PORTAL_DEMO_ALLOWED:
            self.stderr.write(
                "Refusing to seed demo data: set PORTAL_DEMO=1 (never on a production database)."
            )
            raise SystemExit(2)
        for app in DEMO_MODULES:
            name = f"{app}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            self.stdout.write(f"seed_demo: {app}")
            importlib.import_module(name).seed(stdout=self.stdout)
        if not options["quiet_credentials"]:
            self.stdout.write("")
            self.stdout.write("Demo accounts (user name / password — role):")
            for username, password, description in credentials_table():
                self.stdout.write(f"  {username:<14} {password}  — {description}")
