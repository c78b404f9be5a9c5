"""A stay keeps the number of places it took (`places`, formerly `places_taken`, which was reset
to 0 when the stay ended); `bed_taken` says whether it holds them now. Providers correct their
total and occupied places with a reason, and who did it is kept; `capacity_version` refuses a
correction typed on a count that changed meanwhile."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def count_old_holds(apps, schema_editor):
    # A stay accepted before places were counted per person held one.
    Referral = apps.get_model("referrals", "Referral")
    Referral.objects.filter(bed_taken=True, places=0).update(places=1)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_holidays_2026_2027_and_martial_law"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="referral", old_name="places_taken", new_name="places"),
        migrations.AlterField(
            model_name="referral",
            name="places",
            field=models.PositiveSmallIntegerField(db_default=0, default=0, verbose_name="places"),
        ),
        migrations.AlterField(
            model_name="referral",
            name="bed_taken",
            field=models.BooleanField(default=False, verbose_name="holds places now"),
        ),
        migrations.RunPython(count_old_holds, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("bed_taken", False), ("places__gte", 1), _connector="OR"),
                name="referral_held_places_counted",
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("places__lte", 10000)),
                name="referral_places_sane",
                violation_error_message="The number of places is outside the allowed range.",
            ),
        ),
        migrations.AddField(
            model_name="providerprofile",
            name="capacity_note",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="reason for the last correction"
            ),
        ),
        migrations.AddField(
            model_name="providerprofile",
            name="capacity_updated_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="places updated by",
            ),
        ),
        migrations.AddField(
            model_name="providerprofile",
            name="capacity_version",
            field=models.PositiveIntegerField(db_default=0, default=0),
        ),
    ]
