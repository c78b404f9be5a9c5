"""Load or update the programme structure from a YAML file (idempotent, matched by codes)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from programme.services import DATA_FILE, programme_import


class Command(BaseCommand):
    help = "Create or update the programme's tasks, measures, funding and indicators from YAML."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", default=str(DATA_FILE))

    def handle(self, *args, **options) -> None:
        programme = programme_import(path=Path(options["file"]))
        self.stdout.write(f"{programme.code}: {programme.tasks.count()} tasks")
