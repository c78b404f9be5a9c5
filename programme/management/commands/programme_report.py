"""Every figure of the report as JSON, or the PDF itself."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from programme.figures import period_for


class Command(BaseCommand):
    help = (
        "The report for --year over the first --months months (9: the council's autumn "
        "report): --format json prints every figure; --format pdf --output FILE writes it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--months", type=int, default=9)
        parser.add_argument("--format", choices=["json", "pdf"], default="json")
        parser.add_argument("--output", default="")
        parser.add_argument("--language", choices=["uk", "en"], default="uk")

    def handle(self, *args, **options) -> None:
        try:
            period = period_for("months", options["year"], months=options["months"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        with translation.override(options["language"]):
            if options["format"] == "json":
                from programme.report import programme_execution, published
                from programme.statistics import statistics

                figures = published(statistics(period))
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
                                        "plan": float(i["plan"]) if i["plan"] else None,
                                        "fact": float(i["fact"]) if i["fact"] else None,
                                    }
                                    for i in r["indicators"]
                                ],
                            }
                            for r in t["measures"]
                        ],
                    }
                    for t in programme_execution(period)
                ]
                self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
                return
            if not options["output"]:
                raise CommandError("--format pdf needs --output FILE")
            from programme.report import render_pdf

            Path(options["output"]).write_bytes(render_pdf(period))
            self.stdout.write(f"written {options['output']}")
