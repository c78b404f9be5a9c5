"""Sane domains (portal.domains): repair the odd rows, then let the database refuse new ones.

Money and indicator values that are negative, NaN or absurdly large become 0 (a progress
report keeps the old value in its narrative); a quarter reported for a year outside 2000 … 2099
was only reachable by typing the address and is deleted with its figures; programme years and
dates are clamped or, where optional, forgotten. The bounds are copied, not imported: a
migration must not change when portal.domains does.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Concat, Greatest, Least

import portal.domains

KYIV = datetime.timezone(datetime.timedelta(hours=2))  # 01.01 is winter time in Kyiv
EARLIEST_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=KYIV)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=KYIV)
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 1, 1)
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
MAXIMUM = Decimal(10) ** 9
ODD_YEAR = Q(year__lt=EARLIEST_YEAR) | Q(year__gt=LATEST_YEAR)


def _odd(field: str) -> Q:
    # NaN sorts above every number in PostgreSQL, so it is caught by the upper bound.
    return Q(**{f"{field}__lt": 0}) | Q(**{f"{field}__gte": MAXIMUM})


def repair(apps, schema_editor) -> None:
    Programme = apps.get_model("programme", "Programme")
    Measure = apps.get_model("programme", "Measure")
    Funding = apps.get_model("programme", "Funding")
    IndicatorPlan = apps.get_model("programme", "IndicatorPlan")
    ReportingWindow = apps.get_model("programme", "ReportingWindow")
    Progress = apps.get_model("programme", "Progress")
    IndicatorActual = apps.get_model("programme", "IndicatorActual")

    for model in (Progress, Funding, IndicatorPlan, ReportingWindow):
        model.objects.filter(ODD_YEAR).delete()
    ReportingWindow.objects.filter(
        Q(deadline__lt=EARLIEST_MOMENT) | Q(deadline__gte=LATEST_MOMENT)
    ).update(
        deadline=Least(
            Greatest(F("deadline"), Value(EARLIEST_MOMENT)),
            Value(LATEST_MOMENT - datetime.timedelta(seconds=1)),
        )
    )
    Programme.objects.update(
        year_from=Least(Greatest(F("year_from"), Value(EARLIEST_YEAR)), Value(LATEST_YEAR)),
        year_to=Least(Greatest(F("year_to"), Value(EARLIEST_YEAR)), Value(LATEST_YEAR)),
    )
    Programme.objects.filter(year_from__gt=F("year_to")).update(year_to=F("year_from"))
    Measure.objects.filter(Q(deadline__lt=EARLIEST_DATE) | Q(deadline__gte=LATEST_DATE)).update(
        deadline=None
    )
    Progress.objects.filter(_odd("spent")).update(
        narrative=Concat(
            F("narrative"),
            Value("\n[Виправлено автоматично: витрати "),
            Cast(F("spent"), models.TextField()),
            Value(" — поза допустимими межами; встановлено 0.]"),
            output_field=models.TextField(),
        ),
        spent=0,
    )
    Funding.objects.filter(_odd("amount")).update(amount=0)
    IndicatorPlan.objects.filter(_odd("value")).update(value=0)
    IndicatorActual.objects.filter(_odd("value")).update(value=0)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_extensions_audit_trigger_districts"),
        ("programme", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="funding",
            name="amount",
            field=models.DecimalField(
                decimal_places=1,
                max_digits=12,
                validators=[portal.domains.validate_money],
                verbose_name="planned, thousand UAH",
            ),
        ),
        migrations.AlterField(
            model_name="indicatoractual",
            name="value",
            field=models.DecimalField(
                decimal_places=1,
                max_digits=12,
                validators=[portal.domains.validate_indicator_value],
                verbose_name="actual value since 1 January",
            ),
        ),
        migrations.AlterField(
            model_name="indicatorplan",
            name="value",
            field=models.DecimalField(
                decimal_places=1,
                max_digits=12,
                validators=[portal.domains.validate_indicator_value],
                verbose_name="planned value",
            ),
        ),
        migrations.AlterField(
            model_name="measure",
            name="deadline",
            field=models.DateField(
                blank=True,
                null=True,
                validators=[portal.domains.validate_planning_date],
                verbose_name="deadline",
            ),
        ),
        migrations.AlterField(
            model_name="progress",
            name="spent",
            field=models.DecimalField(
                decimal_places=1,
                default=0,
                max_digits=12,
                validators=[portal.domains.validate_money],
                verbose_name="spent since 1 January, thousand UAH",
            ),
        ),
        migrations.AlterField(
            model_name="reportingwindow",
            name="deadline",
            field=models.DateTimeField(
                validators=[portal.domains.validate_planning_date],
                verbose_name="deadline for entering",
            ),
        ),
        migrations.AddConstraint(
            model_name="funding",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year__gte", 2000),
                    ("year__lte", 2099),
                    ("amount__gte", 0),
                    ("amount__lt", Decimal("1000000000")),
                ),
                name="funding_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatoractual",
            constraint=models.CheckConstraint(
                condition=models.Q(("value__gte", 0), ("value__lt", Decimal("1000000000"))),
                name="actual_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorplan",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year__gte", 2000),
                    ("year__lte", 2099),
                    ("value__gte", 0),
                    ("value__lt", Decimal("1000000000")),
                ),
                name="plan_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="measure",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("deadline__isnull", True),
                    models.Q(
                        ("deadline__gte", datetime.date(2000, 1, 1)),
                        ("deadline__lt", datetime.date(2100, 1, 1)),
                    ),
                    _connector="OR",
                ),
                name="measure_deadline_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year_from__gte", 2000),
                    ("year_from__lte", 2099),
                    ("year_to__gte", 2000),
                    ("year_to__lte", 2099),
                    ("year_from__lte", models.F("year_to")),
                ),
                name="programme_years_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="progress",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year__gte", 2000),
                    ("year__lte", 2099),
                    ("spent__gte", 0),
                    ("spent__lt", Decimal("1000000000")),
                ),
                name="progress_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportingwindow",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("year__gte", 2000),
                    ("year__lte", 2099),
                    ("quarter__gte", 1),
                    ("quarter__lte", 4),
                    (
                        "deadline__gte",
                        datetime.datetime(1999, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "deadline__lt",
                        datetime.datetime(2099, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="window_sane",
            ),
        ),
    ]
