"""Sane domains (portal.domains): repair the odd rows, then let the database refuse new ones.

A report dated 01.01.0001 (stored as 1 BC) made every page that loaded it answer 500. Values
are never loaded into Python here (a BC date cannot be): rows are fixed by UPDATE, the old value
kept as text in the row's free-text field. The bounds are copied, not imported: a migration
must not change when portal.domains does.
"""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat, Left
from django.utils import timezone

KYIV = datetime.timezone(datetime.timedelta(hours=2))  # 01.01 is winter time in Kyiv
EARLIEST_MOMENT = datetime.datetime(2000, 1, 1, tzinfo=KYIV)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=KYIV)
EARLIEST_DATE = datetime.date(2000, 1, 1)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 1, 1)
MAX_AGE = 120
MAX_CHILDREN = 30


def _with_note(text_field: str, label: str, field: str, new: str):
    """The free text with a line appended that keeps the old value (read before the UPDATE)."""
    return Concat(
        F(text_field),
        Value(f"\n[Виправлено автоматично: {label} "),
        Cast(F(field), models.TextField()),
        Value(f" — поза допустимими межами; встановлено {new}.]"),
        output_field=models.TextField(),
    )


def _clamp_moment(model, field: str, text_field: str, label: str) -> None:
    model.objects.filter(**{f"{field}__lt": EARLIEST_MOMENT}).update(
        **{
            text_field: _with_note(text_field, label, field, "01.01.2000"),
            field: EARLIEST_MOMENT,
        }
    )
    model.objects.filter(**{f"{field}__gte": LATEST_MOMENT}).update(
        **{
            text_field: _with_note(text_field, label, field, "час виправлення"),
            field: timezone.now(),
        }
    )


def repair(apps, schema_editor) -> None:
    Case = apps.get_model("cases", "Case")
    Incident = apps.get_model("cases", "Incident")
    Person = apps.get_model("cases", "Person")
    Task = apps.get_model("cases", "Task")
    NeedsAssessment = apps.get_model("cases", "NeedsAssessment")

    _clamp_moment(Case, "reported_at", "summary", "дата звернення")
    _clamp_moment(Incident, "occurred_at", "description", "дата події")
    # A birth date is optional: an impossible one is forgotten rather than guessed.
    Person.objects.exclude(birth_date__isnull=True).exclude(
        birth_date__gte=EARLIEST_BIRTH_DATE, birth_date__lt=LATEST_DATE
    ).update(birth_date=None)
    Person.objects.filter(approximate_age__gt=MAX_AGE).update(approximate_age=None)
    # A task has no free text but its title: the due date is clamped without a note.
    Task.objects.filter(due_date__lt=EARLIEST_DATE).update(due_date=EARLIEST_DATE)
    Task.objects.filter(due_date__gte=LATEST_DATE).update(
        due_date=timezone.localdate().replace(month=12, day=31)
    )
    NeedsAssessment.objects.filter(accompanying_children__gt=MAX_CHILDREN).update(
        other=Left(
            _with_note("other", "кількість дітей", "accompanying_children", str(MAX_CHILDREN)),
            500,
        ),
        accompanying_children=MAX_CHILDREN,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_violence_subtypes"),
        ("portal", "0002_extensions_audit_trigger_districts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "reported_at__gte",
                        datetime.datetime(1999, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                    (
                        "reported_at__lt",
                        datetime.datetime(2099, 12, 31, 22, 0, tzinfo=datetime.UTC),
                    ),
                ),
                name="case_reported_at_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
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
                name="incident_occurred_at_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="needsassessment",
            constraint=models.CheckConstraint(
                condition=models.Q(("accompanying_children__lte", 30)), name="needs_children_sane"
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("birth_date__isnull", True),
                    models.Q(
                        ("birth_date__gte", datetime.date(1900, 1, 1)),
                        ("birth_date__lt", datetime.date(2100, 1, 1)),
                    ),
                    _connector="OR",
                ),
                name="person_birth_date_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("approximate_age__isnull", True),
                    ("approximate_age__lte", 120),
                    _connector="OR",
                ),
                name="person_approximate_age_sane",
            ),
        ),
        migrations.AddConstraint(
            model_name="task",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("due_date__gte", datetime.date(2000, 1, 1)),
                    ("due_date__lt", datetime.date(2100, 1, 1)),
                ),
                name="task_due_date_sane",
            ),
        ),
    ]
