"""The routing policy's rule descriptions in Ukrainian: the coordinator edits the rules on a
Ukrainian page (referrals.policy_editor). Only a description still equal to the English text of
version 1 is replaced; what a coordinator wrote stays. The rules themselves are untouched."""

from django.db import migrations

ENGLISH = {
    "R1": "Always: notify the local coordinator (district administration's DV unit).",
    "R2": "A child victim, child witness (a victim since 19.12.2024) or child offender: notify the district service for children.",
    "R3": "Not received by the police and (high risk or a child victim): notify the police; 1 hour at high risk, else 1 day.",
    "R4": "Not received by the police, other cases: notify the police with the victim's consent.",
    "R5": "Always: assessment of needs by the district centre of social services; adults with consent, a child victim always.",
    "R6": "Need of shelter: a shelter (stay up to 3 months, 6 in difficult circumstances); at high risk and no shelter bed, a crisis room. 2 hours at high risk, else 1 day.",
    "R7": "Need of psychological help, or high risk: a mobile team or day centre; 4 hours at high risk, else 3 working days.",
    "R8": "Injuries or sexual violence: a health facility; 2 hours when sexual violence was at most 72 hours ago, else 1 day. Not mandatory for adults; mandatory for a child victim.",
    "R9": "Sexual violence against a child: notify the police (by phone) within 1 day.",
    "R10": "Need of legal help: a free legal aid centre within 3 working days.",
    "R11": "The victim lacks legal capacity (scenario 3): notify the district administration as guardianship authority within 1 day.",
    "R12": "An urgent order was issued, or the need of an offender programme: probation / programme provider within 10 working days. Concerns the offender, so the victim's consent is not asked.",
    "R13": "Need of social, financial or children-related help: the district centre of social services within 5 working days.",
}

UKRAINIAN = {
    "R1": "Завжди: повідомити місцевого координатора (підрозділ районної в місті державної адміністрації з питань запобігання насильству).",
    "R2": "Дитина — постраждала особа, свідок (з 19.12.2024 — теж постраждала особа) або кривдник: повідомити районну службу у справах дітей.",
    "R3": "Повідомлення надійшло не через поліцію і (високий ризик або постраждала дитина): повідомити поліцію; 1 година за високого ризику, інакше 1 день.",
    "R4": "Повідомлення надійшло не через поліцію, інші випадки: повідомити поліцію за згодою постраждалої особи.",
    "R5": "Завжди: оцінка потреб районним центром соціальних служб; дорослі — за згодою, постраждала дитина — завжди.",
    "R6": "Потреба в безпечному місці: притулок (до 3 місяців, у складних обставинах до 6); за високого ризику й відсутності місць — кімната кризового реагування. 2 години за високого ризику, інакше 1 день.",
    "R7": "Потреба в психологічній допомозі або високий ризик: мобільна бригада чи денний центр; 4 години за високого ризику, інакше 3 робочі дні.",
    "R8": "Тілесні ушкодження або сексуальне насильство: заклад охорони здоров'я; 2 години, якщо сексуальне насильство було не більш як 72 години тому, інакше 1 день. Для дорослих не обов'язково; для постраждалої дитини обов'язково.",
    "R9": "Сексуальне насильство щодо дитини: повідомити поліцію (телефоном) протягом 1 дня.",
    "R10": "Потреба в правовій допомозі: центр безоплатної правничої допомоги протягом 3 робочих днів.",
    "R11": "Постраждала особа недієздатна (сценарій 3): повідомити районну адміністрацію як орган опіки та піклування протягом 1 дня.",
    "R12": "Винесено терміновий заборонний припис або потрібна програма для кривдника: пробація / надавач програми протягом 10 робочих днів. Стосується кривдника, тож згода постраждалої особи не потрібна.",
    "R13": "Потреба в соціальній, фінансовій допомозі чи допомозі з дітьми: районний центр соціальних служб протягом 5 робочих днів.",
}


def forwards(apps, schema_editor):
    _swap(apps, ENGLISH, UKRAINIAN)


def backwards(apps, schema_editor):
    _swap(apps, UKRAINIAN, ENGLISH)


def _swap(apps, old, new):
    RoutingPolicy = apps.get_model("referrals", "RoutingPolicy")
    for policy in RoutingPolicy.objects.all():
        changed = False
        for rule in policy.rules:
            rule_id = rule.get("id")
            if rule_id in old and rule.get("description") == old[rule_id]:
                rule["description"] = new[rule_id]
                changed = True
        if changed:
            policy.save(update_fields=["rules"])


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_places_per_stay_and_capacity_corrections")]

    operations = [migrations.RunPython(forwards, backwards)]
