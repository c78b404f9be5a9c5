"""The statistics rollups: bring them up to date, rebuild them from nothing, verify them.

`verify` recomputes every figure of the chosen periods straight from the base tables
(programme.statistics.statistics_from_base_tables) and compares it with the rollups, figure for
figure; any difference is an error (exit status 1) that names the figure.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Min

from programme import rollups
from programme.figures import period_for


def differences(left, right, path: str = "") -> list[str]:
    """Where two nested figure dictionaries differ, as "cases.victim_sex.F: 3 != 4"."""
    if isinstance(left, dict) and isinstance(right, dict):
        found = []
        for key in sorted(set(left) | set(right), key=str):
            found += differences(left.get(key), right.get(key), f"{path}.{key}" if path else key)
        return found
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]


class Command(BaseCommand):
    help = (
        "refresh: recompute the days changed since the last refresh; rebuild: throw the "
        "rollups away and compute them for every day (--verify: then verify); verify: compare "
        "every figure of the 9-month and annual periods of each year (--year: one year) with "
        "the straightforward computation from the base tables."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["refresh", "rebuild", "verify"])
        parser.add_argument("--verify", action="store_true")
        parser.add_argument("--year", type=int)

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        if options["action"] == "refresh":
            days = rollups.refresh()
            self.stdout.write(f"refreshed {days} days in {time.perf_counter() - started:.1f} s")
            return
        if options["action"] == "rebuild":
            days = rollups.rebuild()
            self.stdout.write(f"rebuilt {days} days in {time.perf_counter() - started:.1f} s")
            if not options["verify"]:
                return
        self._verify(options["year"])

    def _verify(self, year: int | None) -> None:
        from cases.models import Case
        from programme.statistics import statistics, statistics_from_base_tables

        if year is None:
            bounds = Case.objects.aggregate(first=Min("year"), last=Max("year"))
            if bounds["first"] is None:
                self.stdout.write("no reports: nothing to verify")
                return
            years = range(bounds["first"], bounds["last"] + 1)
        else:
            years = [year]
        failed = []
        for each in years:
            for period in (period_for("months", each, months=9), period_for("year", each)):
                found = differences(statistics(period), statistics_from_base_tables(period))
                label = f"{period.start:%d.%m.%Y}–{period.end:%d.%m.%Y}"
                if found:
                    failed.append(label)
                    self.stderr.write(f"{label}: {len(found)} figures differ")
                    for line in found[:20]:
                        self.stderr.write(f"  {line}")
                else:
                    self.stdout.write(f"{label}: every figure equal")
        if failed:
            raise CommandError(f"the rollups differ from the base tables in {', '.join(failed)}")
