"""Print the routing plan for facts given as JSON, using the live catalogue and active policy."""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from referrals.adapters import active_policy, live_catalogue
from referrals.routing import FACT_DEFAULTS_DOC, FactsError, facts_from_dict, plan
from referrals.routing.explain import plan_to_dict


class Command(BaseCommand):
    help = (
        "Read case facts from FILE.json ('-' for standard input) and print the routing plan as "
        "JSON. " + " ".join(FACT_DEFAULTS_DOC.split()) + " Bad JSON or unknown values: an error "
        "on stderr and exit code 2."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--language", default="uk", choices=["uk", "en"])

    def handle(self, *args, **options) -> None:
        try:
            if options["file"] == "-":
                data = json.load(sys.stdin)
            else:
                with open(options["file"], encoding="utf-8") as handle:
                    data = json.load(handle)
            facts = facts_from_dict(data)
        except OSError as error:
            self._fail(f"cannot read {options['file']}: {error.strerror}")
        except json.JSONDecodeError as error:
            self._fail(f"not valid JSON: {error}")
        except FactsError as error:
            self._fail(f"bad facts: {error}")
        with translation.override(options["language"]):
            result = plan(facts, live_catalogue(), active_policy(), timezone.now())
            self.stdout.write(json.dumps(plan_to_dict(result), ensure_ascii=False, indent=2))

    def _fail(self, message: str) -> None:
        self.stderr.write(f"routing_plan: {message}")
        raise SystemExit(2)
