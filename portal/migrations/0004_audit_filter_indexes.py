from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_audit_app_role")]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["organisation", "at"], name="portal_audit_org_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["username", "at"], name="portal_audit_username_at"),
        ),
    ]
