"""manage.py depersonalise --as-of YYYY-MM-DD [--dry-run] [--format json]

Depersonalises the closed cases due on the day (art. 16 of the Law; the retention policy says
how many years after closure). --dry-run only counts; --format json prints the counts per kind
and the case ids."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.services.depersonalise import depersonalise


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", help="the day, YYYY-MM-DD (default: today in Kyiv)")
        parser.add_argument("--dry-run", action="store_true", help="count only, change nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        try:
            as_of = (
                date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
            )
        except ValueError:
            raise CommandError("--as-of: a date YYYY-MM-DD, e.g. 2026-12-04") from None
        outcome = depersonalise(as_of=as_of, dry_run=options["dry_run"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
            return
        verb = "would depersonalise" if outcome.dry_run else "depersonalised"
        self.stdout.write(
            f"{verb} {len(outcome.case_ids)} case(s) closed {outcome.years} or more years "
            f"before {as_of:%d.%m.%Y}: {outcome.persons} person(s), "
            f"{outcome.attachments} file(s)"
        )
