import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_sane_domains"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="caseuserobjectpermission",
            options={"verbose_name": "access to a case", "verbose_name_plural": "access to cases"},
        ),
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="granted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="granted by",
            ),
        ),
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="granted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="granted at"),
        ),
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="expires_at",
            field=models.DateTimeField(
                blank=True, db_index=True, null=True, verbose_name="expires at"
            ),
        ),
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="reason",
            field=models.CharField(blank=True, max_length=500, verbose_name="reason"),
        ),
        migrations.AddField(
            model_name="caseuserobjectpermission",
            name="break_glass",
            field=models.BooleanField(default=False, verbose_name="break-the-glass access"),
        ),
    ]
