"""Version 1's note in Ukrainian: the administrator reads it in the list of routing policies,
and it named a developers' document. Only a note still equal to the English text is
replaced; what an administrator wrote stays."""

from django.db import migrations

ENGLISH = (
    "Routing policy v1 from the Kyiv interaction procedure (CMU Resolution 658 of 22.08.2018), "
    "DOMAIN.md §4. Every figure is a configurable default."
)
UKRAINIAN = (
    "Правила маршрутизації, версія 1: за Порядком взаємодії суб'єктів, що здійснюють заходи "
    "у сфері запобігання та протидії домашньому насильству (постанова КМУ № 658 від "
    "22.08.2018). Кожен строк і кожна умова — типові значення, їх можна змінити."
)


def forwards(apps, schema_editor):
    apps.get_model("referrals", "RoutingPolicy").objects.filter(note=ENGLISH).update(note=UKRAINIAN)


def backwards(apps, schema_editor):
    apps.get_model("referrals", "RoutingPolicy").objects.filter(note=UKRAINIAN).update(note=ENGLISH)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0014_verbose_names")]

    operations = [migrations.RunPython(forwards, backwards)]
