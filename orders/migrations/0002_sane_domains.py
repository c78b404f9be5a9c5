"""Sane domains (portal.domains): repair the odd rows, then let the database refuse new ones.

Rows are fixed by UPDATE without loading the values (a BC date cannot be loaded into Python).
A period is clamped into 2000-01-01 … 2100-01-01 and keeps at least a day; should the clamped
order then clash with another one of the same people, it is cancelled with the reason given.
The bounds are copied, not imported: a migration must not change when portal.domains does.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, migrations, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Concat, Greatest, Least
from django.utils import timezone

KYIV = datetime.timezone(datetime.timedelta(hours=2))  # 01.01 is winter time in Kyiv
EARLIEST_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=KYIV)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=KYIV)
LAST_MOMENT = LATEST_MOMENT - datetime.timedelta(seconds=1)
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 1, 1)
ODD_PERIOD = Q(starts_at__lt=EARLIEST_MOMENT) | Q(ends_at__gte=LATEST_MOMENT)
ODD_DECISION = Q(decision_date__lt=EARLIEST_DATE) | Q(decision_date__gte=LATEST_DATE)


def _clamp_period(model, pk) -> None:
    rows = model.objects.filter(pk=pk)
    rows.update(
        starts_at=Greatest(F("starts_at"), Value(EARLIEST_MOMENT)),
        ends_at=Least(F("ends_at"), Value(LAST_MOMENT)),
    )
    rows.filter(ends_at__lte=F("starts_at")).update(
        ends_at=F("starts_at") + datetime.timedelta(days=1)
    )


def repair(apps, schema_editor) -> None:
    RestrainingOrder = apps.get_model("orders", "RestrainingOrder")
    OrderExtension = apps.get_model("orders", "OrderExtension")
    Breach = apps.get_model("orders", "Breach")

    for pk in RestrainingOrder.objects.filter(ODD_PERIOD).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                _clamp_period(RestrainingOrder, pk)
        except IntegrityError:  # the clamped period overlaps another order of the same people
            RestrainingOrder.objects.filter(pk=pk).update(
                cancelled_at=timezone.now(),
                cancel_reason="Скасовано автоматично: дати наказу поза допустимими межами.",
            )
            _clamp_period(RestrainingOrder, pk)
    for pk in OrderExtension.objects.filter(ODD_PERIOD).values_list("pk", flat=True):
        _clamp_period(OrderExtension, pk)
    # A decision date is optional: an impossible one is forgotten rather than guessed.
    RestrainingOrder.objects.filter(ODD_DECISION).update(decision_date=None)
    OrderExtension.objects.filter(ODD_DECISION).update(decision_date=None)
    for lookup, value, shown in [
        ("lt", EARLIEST_MOMENT, "01.01.2000"),
        ("gte", LATEST_MOMENT, "час виправлення"),
    ]:
        Breach.objects.filter(**{f"occurred_at__{lookup}": value}).update(
            description=Concat(
                F("description"),
                Value("\n[Виправлено автоматично: дата порушення "),
                Cast(F("occurred_at"), models.TextField()),
                Value(f" — поза допустимими межами; встановлено {shown}.]"),
                output_field=models.TextField(),
            ),
            occurred_at=value if lookup == "lt" else timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_sane_domains"),
        ("orders", "0001_initial"),
        ("portal", "0002_extensions_audit_trigger_districts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="breach",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "occurred_at__gte",
                        datetime.datetime(1999, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "occurred_at__lt",
                        datetime.datetime(2099, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="breach_occurred_at_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderextension",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "ends_at__lt",
                        datetime.datetime(2099, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "starts_at__gte",
                        datetime.datetime(1999, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="extension_period_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="orderextension",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decision_date__isnull", True),
                    models.Q(
                        ("decision_date__gte", datetime.date(2000, 1, 1)),
                        ("decision_date__lt", datetime.date(2100, 1, 1)),
                    ),
                    _connector="OR",
                ),
                name="extension_decision_date_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="restrainingorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "ends_at__lt",
                        datetime.datetime(2099, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "starts_at__gte",
                        datetime.datetime(1999, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="order_period_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="restrainingorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decision_date__isnull", True),
                    models.Q(
                        ("decision_date__gte", datetime.date(2000, 1, 1)),
                        ("decision_date__lt", datetime.date(2100, 1, 1)),
                    ),
                    _connector="OR",
                ),
                name="order_decision_date_sane",
            ),
        ),
    ]
