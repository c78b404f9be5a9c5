from django.db import migrations

# Editable reference data (DOMAIN.md §1): sub-types under each form of violence.
SUBTYPES = [
    ("physical", "beating", "Побиття", "Beating"),
    ("physical", "bodily-harm", "Тілесні ушкодження", "Bodily harm"),
    ("physical", "strangling", "Душіння", "Strangling"),
    ("physical", "deprivation-of-liberty", "Позбавлення волі", "Deprivation of liberty"),
    ("physical", "leaving-in-danger", "Залишення в небезпеці", "Leaving in danger"),
    ("sexual", "rape", "Зґвалтування", "Rape"),
    ("sexual", "coercion", "Примушування до статевих дій", "Coercion to sexual acts"),
    ("sexual", "third-person", "Примушування до дій з третьою особою", "Coercion with a third person"),
    ("psychological", "insults", "Образи, приниження", "Insults, humiliation"),
    ("psychological", "threats", "Погрози, у тому числі третім особам", "Threats, also to third persons"),
    ("psychological", "stalking", "Переслідування", "Stalking"),
    ("psychological", "intimidation", "Залякування", "Intimidation"),
    ("psychological", "reproductive-control", "Контроль репродуктивної функції", "Reproductive control"),
    ("economic", "housing", "Позбавлення житла", "Deprivation of housing"),
    ("economic", "food-money", "Позбавлення їжі, одягу, коштів", "Deprivation of food, clothes, money"),
    ("economic", "documents", "Позбавлення документів", "Taking documents"),
    ("economic", "work-study", "Заборона або примус до праці чи навчання", "Banning or forcing work or study"),
    ("economic", "treatment", "Перешкоджання лікуванню", "Obstructing treatment"),
]


def load(apps, schema_editor):
    ViolenceSubtype = apps.get_model("cases", "ViolenceSubtype")
    for form, code, name, name_en in SUBTYPES:
        ViolenceSubtype.objects.update_or_create(
            code=code, defaults={"form": form, "name": name, "name_en": name_en}
        )


def unload(apps, schema_editor):
    apps.get_model("cases", "ViolenceSubtype").objects.filter(
        code__in=[s[1] for s in SUBTYPES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
