"""Every figure of the report as JSON, or the PDF itself."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from programme.figures import period_for


def _number(value) -> float | None:
    """A recorded value as a JSON number: 0 stays 0; only a value never recorded is null."""
    return None if value is None else float(value)


class Command(BaseCommand):
    help = (
        "The report for --year: the first --months months (9: the council's autumn report), "
        "--quarter N (1-4) or --annual; --format json prints every figure; "
        "--format pdf --output FILE writes it (a draft)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        period = parser.add_mutually_exclusive_group()
        period.add_argument("--months", type=int, default=9)
        period.add_argument("--quarter", type=int, choices=[1, 2, 3, 4])
        period.add_argument("--annual", action="store_true")
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", default="")
        parser.add_argument("--language", choices=["uk", "en"], default="uk")

    def handle(self, *args, **options) -> None:
        try:
            if options["quarter"]:
                period = period_for("quarter", options["year"], quarter=options["quarter"])
            elif options["annual"]:
                period = period_for("year", options["year"])
            else:
                period = period_for("months", options["year"], months=options["months"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        with translation.override(options["language"]):
            if options["format"] == "json":
                self.stdout.write(json.dumps(self.figures(period), ensure_ascii=False, indent=2))
                return
            if not options["output"]:
                raise CommandError("--format pdf needs --output FILE")
            from programme.report import render_pdf

            Path(options["output"]).write_bytes(render_pdf(period))
            self.stdout.write(f"written {options['output']}")

    def figures(self, period) -> dict:
        from portal.dbrouting import reporting_reads
        from programme.report import (
            funding_by_source,
            programme_covering,
            programme_execution,
            published,
        )
        from programme.statistics import statistics

        with reporting_reads():
            figures = published(statistics(period))
            programme = programme_covering(period)
            execution = programme_execution(period, programme) if programme else []
        figures["programme"] = [
            {
                "task": t["task"].code,
                "plan": float(t["plan"]),
                "spent": float(t["spent"]),
                "measures": [
                    {
                        "measure": r["measure"].code,
                        "status": r["progress"].status if r["progress"] else None,
                        "plan": float(r["plan"]),
                        "spent": float(r["spent"]),
                        "indicators": [
                            {
                                "indicator": i["indicator"].code,
                                "plan": _number(i["plan"]),
                                "fact": _number(i["fact"]),
                                "pct": i["pct"],
                            }
                            for i in r["indicators"]
                        ],
                        "spent_pct": r["spent_pct"],
                        "executors": r["executors"],
                    }
                    for r in t["measures"]
                ],
            }
            for t in execution
        ]
        # Added keys (the ones above keep their names for the scripts that read them).
        figures["programme_covering"] = (
            {"code": programme.code, "year_from": programme.year_from, "year_to": programme.year_to}
            if programme
            else None
        )
        figures["funding_by_source"] = {
            f["source"]: float(f["plan"]) for f in funding_by_source(programme, period.end.year)
        }
        return figures
