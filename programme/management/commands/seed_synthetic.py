"""Fill the database with synthetic, reproducible data at city scale (PostgreSQL COPY)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from programme.synthetic import loader


class Command(BaseCommand):
    help = (loader.__doc__ or "").strip() + (
        "\n\nUsage: seed_synthetic --cases N --seed S [--years 2019-2024]. The same seed on the "
        "same starting database gives the same data. Run seed_demo first (organisations)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--years", default="2019-2024")

    def handle(self, *args, **options) -> None:
        try:
            first, last = (int(y) for y in options["years"].split("-"))
        except ValueError:
            raise CommandError("--years must look like 2019-2024") from None
        if options["cases"] <= 0 or first > last:
            raise CommandError("--cases must be positive and --years ascending")
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        bar = tqdm(
            total=options["cases"],
            unit="cases",
            unit_scale=True,
            smoothing=0.1,
            file=self.stderr._out if hasattr(self.stderr, "_out") else None,
        )
        with transaction.atomic():
            counts, seconds = loader.timed_load(
                cases=options["cases"],
                seed=options["seed"],
                years=(first, last),
                progress=bar.update,
            )
        bar.close()
        self.stdout.write(
            f"loaded {counts['cases']} cases, {counts['people']} people, {counts['orders']} "
            f"orders, {counts['referrals']} referrals in {seconds:.1f} s "
            f"({counts['cases'] / max(seconds, 0.001):.0f} cases/s)"
        )
