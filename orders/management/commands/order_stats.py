"""Print the year-on-year order figures as JSON: the figures the statistics page publishes."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from orders.forms import AsOfForm
from orders.statistics import last_month_end, order_year_on_year, published_year_on_year


class Command(BaseCommand):
    help = (
        "Urgent and restrictive orders and breaches from 1 January to --as-of against the same "
        "period last year, by district and in total, as JSON. The output is meant for the roles "
        "that see aggregates only: counts of 1-4 are '<5', cells that would give them away 'x', "
        "and --as-of is a month end (default: the last one). --exact prints the exact counts, "
        "to any day, for the coordinator's own checks; it must not leave the portal."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", default="", help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--exact", action="store_true")

    def handle(self, *args, **options) -> None:
        exact = options["exact"]
        today = timezone.localdate()
        form = AsOfForm(
            {"as_of": options["as_of"]},
            default=today if exact else last_month_end(today),
            month_ends_only=not exact,
        )
        if not form.is_valid():
            raise CommandError(f"--as-of: {' '.join(form.errors['as_of'])}")
        figures = order_year_on_year(as_of=form.cleaned_data["as_of"])
        if not exact:
            figures = published_year_on_year(figures)
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
