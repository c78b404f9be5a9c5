"""The provider's inbox in pages (issue 15): "in work" is read in the order it is shown, the
latest answered first; "new" reads the existing (provider, status, due_at) index."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0011_median_answer_time_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="referral",
            name="referral_provider_inbox",
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                models.F("provider"),
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce("answered_at", "sent_at"),
                    descending=True,
                ),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status__in", ["accepted", "in_progress"])),
                name="referral_provider_in_work",
            ),
        ),
    ]
