from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations

# Kyiv's ten districts (DOMAIN.md §6); the left-bank three usually report the most cases.
DISTRICTS = [
    ("holosiivskyi", "Голосіївський", "Holosiivskyi", False),
    ("darnytskyi", "Дарницький", "Darnytskyi", True),
    ("desnianskyi", "Деснянський", "Desnianskyi", True),
    ("dniprovskyi", "Дніпровський", "Dniprovskyi", True),
    ("obolonskyi", "Оболонський", "Obolonskyi", False),
    ("pecherskyi", "Печерський", "Pecherskyi", False),
    ("podilskyi", "Подільський", "Podilskyi", False),
    ("sviatoshynskyi", "Святошинський", "Sviatoshynskyi", False),
    ("solomianskyi", "Солом'янський", "Solomianskyi", False),
    ("shevchenkivskyi", "Шевченківський", "Shevchenkivskyi", False),
]


def load_districts(apps, schema_editor):
    District = apps.get_model("portal", "District")
    for position, (slug, name, name_en, left_bank) in enumerate(DISTRICTS, start=1):
        District.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "left_bank": left_bank, "position": position},
        )


def unload_districts(apps, schema_editor):
    apps.get_model("portal", "District").objects.filter(slug__in=[d[0] for d in DISTRICTS]).delete()


# The audit log is append-only at the database level: no role, not even the application's own,
# may change or remove an event once written.
AUDIT_TRIGGER = """
CREATE OR REPLACE FUNCTION portal_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'portal_auditevent is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER portal_audit_event_append_only
    BEFORE UPDATE OR DELETE ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_audit_event_append_only();
"""

DROP_AUDIT_TRIGGER = """
DROP TRIGGER IF EXISTS portal_audit_event_append_only ON portal_auditevent;
DROP FUNCTION IF EXISTS portal_audit_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        TrigramExtension(),
        BtreeGistExtension(),
        migrations.RunSQL(AUDIT_TRIGGER, DROP_AUDIT_TRIGGER),
        migrations.RunPython(load_districts, unload_districts),
    ]
