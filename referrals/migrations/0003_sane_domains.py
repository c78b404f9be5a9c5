"""Sane domains (portal.domains): repair the odd rows, then let the database refuse new ones.

A holiday outside 2000 … 2099 can never shift a deadline: it is deleted. Places above 10 000
are clamped (free places with them); an age above 120 is forgotten. The bounds are copied, not
imported: a migration must not change when portal.domains does.
"""

import datetime

from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Least

import portal.domains

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 1, 1)
MAX_CAPACITY = 10_000
MAX_AGE = 120


def repair(apps, schema_editor) -> None:
    Holiday = apps.get_model("referrals", "Holiday")
    ProviderProfile = apps.get_model("referrals", "ProviderProfile")

    Holiday.objects.filter(Q(date__lt=EARLIEST_DATE) | Q(date__gte=LATEST_DATE)).delete()
    # One UPDATE for both counts: free places never exceed the total, even in between.
    ProviderProfile.objects.filter(capacity_total__gt=MAX_CAPACITY).update(
        capacity_total=MAX_CAPACITY, capacity_free=Least(F("capacity_free"), Value(MAX_CAPACITY))
    )
    ProviderProfile.objects.filter(min_age__gt=MAX_AGE).update(min_age=None)
    ProviderProfile.objects.filter(max_age__gt=MAX_AGE).update(max_age=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_sane_domains"),
        ("referrals", "0002_policy_v1_and_holidays"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="holiday",
            name="date",
            field=models.DateField(
                unique=True, validators=[portal.domains.validate_end_date], verbose_name="date"
            ),
        ),
        migrations.AlterField(
            model_name="providerprofile",
            name="capacity_free",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[portal.domains.validate_capacity],
                verbose_name="free places",
            ),
        ),
        migrations.AlterField(
            model_name="providerprofile",
            name="capacity_total",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[portal.domains.validate_capacity],
                verbose_name="places",
            ),
        ),
        migrations.AlterField(
            model_name="providerprofile",
            name="max_age",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[portal.domains.validate_age],
                verbose_name="maximum age",
            ),
        ),
        migrations.AlterField(
            model_name="providerprofile",
            name="min_age",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[portal.domains.validate_age],
                verbose_name="minimum age",
            ),
        ),
        migrations.AddConstraint(
            model_name="holiday",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("date__gte", datetime.date(2000, 1, 1)),
                    ("date__lt", datetime.date(2100, 1, 1)),
                ),
                name="holiday_date_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="providerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("capacity_total__isnull", True),
                    ("capacity_total__lte", 10000),
                    _connector="OR",
                ),
                name="provider_capacity_sane",
                violation_error_message="The number of places is outside the allowed range.",
            ),
        ),
        migrations.AddConstraint(
            model_name="providerprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("min_age__isnull", True), ("min_age__lte", 120), _connector="OR"),
                    models.Q(("max_age__isnull", True), ("max_age__lte", 120), _connector="OR"),
                ),
                name="provider_ages_sane",
                violation_error_message="The age is outside the allowed range.",
            ),
        ),
    ]
