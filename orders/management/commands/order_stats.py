"""Print the year-on-year order figures as JSON: the same numbers as the dashboards."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.selectors import order_year_on_year


class Command(BaseCommand):
    help = (
        "Urgent and restrictive orders and breaches from 1 January to --as-of (default today) "
        "against the same period last year, by district and in total, as JSON."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", default="", help="YYYY-MM-DD")

    def handle(self, *args, **options) -> None:
        raw = options["as_of"]
        try:
            as_of = date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {raw!r}") from None
        self.stdout.write(json.dumps(order_year_on_year(as_of=as_of), ensure_ascii=False, indent=2))
