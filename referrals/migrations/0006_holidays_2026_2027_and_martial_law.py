"""Public holidays of Ukraine for 2026–2027 (Labour Code art. 73 as amended in 2023: no 7
January, 8 May and 15 July added; Easter and Trinity by the Julian reckoning) and the period of
martial law in which they are working days.

Martial law was imposed on 24.02.2022; Law 2136-IX, whose art. 6 part 6 suspends art. 73 of the
Labour Code while martial law lasts, took effect on 24.03.2022 — the period starts then. It has
no end while martial law is extended; the coordinator sets the end on the holidays page."""

from datetime import date

from django.db import migrations

HOLIDAYS = [
    ("2026-01-01", "Новий рік"),
    ("2026-03-08", "Міжнародний жіночий день"),
    ("2026-04-12", "Великдень"),
    ("2026-05-01", "День праці"),
    ("2026-05-08", "День пам'яті та перемоги над нацизмом"),
    ("2026-05-31", "Трійця"),
    ("2026-06-28", "День Конституції"),
    ("2026-07-15", "День Української Державності"),
    ("2026-08-24", "День Незалежності"),
    ("2026-10-01", "День захисників і захисниць"),
    ("2026-12-25", "Різдво Христове"),
    ("2027-01-01", "Новий рік"),
    ("2027-03-08", "Міжнародний жіночий день"),
    ("2027-05-01", "День праці"),
    ("2027-05-02", "Великдень"),
    ("2027-05-08", "День пам'яті та перемоги над нацизмом"),
    ("2027-06-20", "Трійця"),
    ("2027-06-28", "День Конституції"),
    ("2027-07-15", "День Української Державності"),
    ("2027-08-24", "День Незалежності"),
    ("2027-10-01", "День захисників і захисниць"),
    ("2027-12-25", "Різдво Христове"),
]
MARTIAL_LAW_FROM = date(2022, 3, 24)
MARTIAL_LAW_NOTE = "Закон № 2136-IX, ч. 6 ст. 6: святкові дні — робочі (воєнний стан з 24.02.2022)"


def load(apps, schema_editor):
    Holiday = apps.get_model("referrals", "Holiday")
    MartialLawPeriod = apps.get_model("referrals", "MartialLawPeriod")
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(date=day, defaults={"name": name})
    if not MartialLawPeriod.objects.exists():
        MartialLawPeriod.objects.create(starts_on=MARTIAL_LAW_FROM, note=MARTIAL_LAW_NOTE)


def unload(apps, schema_editor):
    apps.get_model("referrals", "Holiday").objects.filter(
        date__in=[day for day, _name in HOLIDAYS]
    ).delete()
    apps.get_model("referrals", "MartialLawPeriod").objects.filter(
        starts_on=MARTIAL_LAW_FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_martial_law_and_places_taken")]
    operations = [migrations.RunPython(load, unload)]
