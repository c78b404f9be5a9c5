"""Demo data of the portal core: Kyiv's organisations and one user per role. Idempotent."""

from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import District, Membership, Organisation, OrganisationKind, User
from portal.roles import Role

DEMO_PASSWORD = "Kyiv-Demo-2024!"  # noqa: S105 — printed on purpose; demo databases only

K = OrganisationKind

DISTRICT_ORGANISATIONS = [
    # (code prefix, kind, name pattern)
    ("rda", K.DISTRICT_ADMINISTRATION, "{name} районна в місті Києві державна адміністрація"),
    ("css", K.SOCIAL_SERVICES_CENTRE, "Центр соціальних служб {name_gen} району"),
    ("ssd", K.CHILDREN_SERVICE, "Служба у справах дітей та сім'ї {name_gen} РДА"),
    ("police", K.POLICE_UNIT, "{name_police} управління поліції ГУНП у м. Києві"),
]

# The same names for readers of the English pages: (name pattern, short name pattern).
DISTRICT_ORGANISATIONS_EN = {
    "rda": ("{name} District State Administration in Kyiv", "{name} DSA"),
    "css": ("Centre of Social Services of the {name} District", "{name} social services"),
    "ssd": ("Service for Children and Family of the {name} DSA", "{name} children's service"),
    "police": ("{name} Police Department of the National Police in Kyiv", "{name} police"),
}

# Genitive forms for "… району" and the police unit names.
GENITIVE = {
    "holosiivskyi": ("Голосіївського", "Голосіївське"),
    "darnytskyi": ("Дарницького", "Дарницьке"),
    "desnianskyi": ("Деснянського", "Деснянське"),
    "dniprovskyi": ("Дніпровського", "Дніпровське"),
    "obolonskyi": ("Оболонського", "Оболонське"),
    "pecherskyi": ("Печерського", "Печерське"),
    "podilskyi": ("Подільського", "Подільське"),
    "sviatoshynskyi": ("Святошинського", "Святошинське"),
    "solomianskyi": ("Солом'янського", "Солом'янське"),
    "shevchenkivskyi": ("Шевченківського", "Шевченківське"),
}

CITY_ORGANISATIONS = [
    # (code, kind, name, short name, districts served or [] for city-wide, extra)
    (
        "department",
        K.DEPARTMENT,
        "Департамент соціальної та ветеранської політики "
        "виконавчого органу Київської міської ради (КМДА)",
        "Департамент соцполітики",
        [],
        {},
    ),
    (
        "city-centre",
        K.CITY_CENTRE,
        "Київський міський центр гендерної рівності, запобігання та протидії насильству",
        "Міський центр гендерної рівності",
        [],
        {"phone": "15-00"},
    ),
    (
        "shelter-1",
        K.SHELTER,
        "Притулок для осіб, які постраждали від домашнього насильства, № 1",
        "Притулок № 1",
        ["darnytskyi", "desnianskyi", "dniprovskyi"],
        {"address_confidential": True, "address": "адреса конфіденційна"},
    ),
    (
        "shelter-2",
        K.SHELTER,
        "Притулок для осіб, які постраждали від домашнього насильства, № 2",
        "Притулок № 2",
        [],
        {"address_confidential": True, "address": "адреса конфіденційна"},
    ),
    (
        "crisis-room-1",
        K.CRISIS_ROOM,
        "Кімната кризового реагування міського центру",
        "Кризова кімната",
        [],
        {"address_confidential": True},
    ),
    (
        "mobile-team-1",
        K.MOBILE_TEAM,
        "Мобільна бригада соціально-психологічної допомоги № 1 (лівий берег)",
        "Мобільна бригада № 1",
        ["darnytskyi", "desnianskyi", "dniprovskyi"],
        {},
    ),
    (
        "mobile-team-2",
        K.MOBILE_TEAM,
        "Мобільна бригада соціально-психологічної допомоги № 2 (правий берег)",
        "Мобільна бригада № 2",
        [
            "holosiivskyi",
            "obolonskyi",
            "pecherskyi",
            "podilskyi",
            "sviatoshynskyi",
            "solomianskyi",
            "shevchenkivskyi",
        ],
        {},
    ),
    (
        "day-centre-1",
        K.DAY_CENTRE,
        "Денний центр соціально-психологічної допомоги міського центру",
        "Денний центр",
        [],
        {},
    ),
    (
        "legal-aid-city",
        K.LEGAL_AID_CENTRE,
        "Київський місцевий центр з надання безоплатної правничої допомоги",
        "Центр правничої допомоги (місто)",
        [],
        {"phone": "0 800 213 103"},
    ),
    (
        "legal-aid-left",
        K.LEGAL_AID_CENTRE,
        "Лівобережний відділ центру з надання безоплатної правничої допомоги",
        "Центр правничої допомоги (лівий берег)",
        ["darnytskyi", "desnianskyi", "dniprovskyi"],
        {},
    ),
    (
        "hospital-1",
        K.HEALTH_FACILITY,
        "Київська міська клінічна лікарня швидкої медичної допомоги",
        "Лікарня швидкої допомоги",
        [],
        {"phone": "103"},
    ),
    (
        "hospital-left",
        K.HEALTH_FACILITY,
        "Київська міська клінічна лікарня № 1",
        "Лікарня № 1 (лівий берег)",
        ["darnytskyi", "desnianskyi", "dniprovskyi"],
        {},
    ),
    (
        "probation-city",
        K.PROBATION,
        "Київський міський сектор з питань пробації",
        "Пробація (місто)",
        [],
        {},
    ),
    (
        "ngo-hotline",
        K.HOTLINE,
        "Національна гаряча лінія з попередження домашнього насильства (ГО «Ла Страда-Україна»)",
        "Національна гаряча лінія",
        [],
        {"phone": "116 123", "under_memorandum": False},
    ),
    (
        "ngo-partner",
        K.NGO,
        "Благодійний фонд — партнер Департаменту за меморандумом про співпрацю",
        "БФ-партнер (меморандум)",
        [],
        {"under_memorandum": True},
    ),
    ("kyiv-court", K.COURT, "Районні суди м. Києва", "Суди", [], {}),
]


# The city-wide organisations' names in English: code → (name, short name).
CITY_ORGANISATIONS_EN = {
    "department": (
        "Department of Social and Veteran Policy of the Kyiv City State Administration",
        "Social Policy Department",
    ),
    "city-centre": (
        "Kyiv City Centre for Gender Equality, Prevention and Counteraction of Violence",
        "City Centre for Gender Equality",
    ),
    "shelter-1": ("Shelter No. 1 for people affected by domestic violence", "Shelter No. 1"),
    "shelter-2": ("Shelter No. 2 for people affected by domestic violence", "Shelter No. 2"),
    "crisis-room-1": ("Crisis room of the City Centre", "Crisis room"),
    "mobile-team-1": (
        "Mobile team of social and psychological help No. 1 (left bank)",
        "Mobile team No. 1",
    ),
    "mobile-team-2": (
        "Mobile team of social and psychological help No. 2 (right bank)",
        "Mobile team No. 2",
    ),
    "day-centre-1": (
        "Day centre of social and psychological help of the City Centre",
        "Day centre",
    ),
    "legal-aid-city": ("Kyiv local centre of free legal aid", "Legal aid centre (city)"),
    "legal-aid-left": (
        "Left-bank office of the free legal aid centre",
        "Legal aid centre (left bank)",
    ),
    "hospital-1": ("Kyiv City Clinical Emergency Hospital", "Emergency hospital"),
    "hospital-left": ("Kyiv City Clinical Hospital No. 1", "Hospital No. 1 (left bank)"),
    "probation-city": ("Kyiv City Probation Sector", "Probation (city)"),
    "ngo-hotline": (
        "National hotline on preventing domestic violence (NGO La Strada-Ukraine)",
        "National hotline",
    ),
    "ngo-partner": (
        "Charitable foundation, partner of the Department under a memorandum of cooperation",
        "Partner foundation (memorandum)",
    ),
    "kyiv-court": ("District courts of Kyiv", "Courts"),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str
    description: str


DEMO_USERS = [
    DemoUser(
        "worker",
        "Оксана",
        "Мельник",
        Role.SOCIAL_WORKER,
        "css-darnytskyi",
        "social worker, Darnytskyi centre of social services",
    ),
    DemoUser(
        "worker2",
        "Ігор",
        "Бондар",
        Role.SOCIAL_WORKER,
        "css-darnytskyi",
        "second social worker of the same centre (for concurrent edits)",
    ),
    DemoUser(
        "head",
        "Валентина",
        "Руденко",
        Role.HEAD,
        "css-darnytskyi",
        "head of the Darnytskyi centre of social services (approves closures, reassigns)",
    ),
    DemoUser(
        "worker-obolon",
        "Марина",
        "Савчук",
        Role.SOCIAL_WORKER,
        "css-obolonskyi",
        "social worker of another district (sees none of Darnytskyi's cases)",
    ),
    DemoUser(
        "provider", "Наталія", "Коваль", Role.PROVIDER_STAFF, "shelter-1", "staff of shelter No. 1"
    ),
    DemoUser(
        "police",
        "Андрій",
        "Шевчук",
        Role.POLICE_OFFICER,
        "police-darnytskyi",
        "police officer, Darnytskyi police department",
    ),
    DemoUser(
        "coordinator",
        "Людмила",
        "Ткаченко",
        Role.COORDINATOR,
        "city-centre",
        "city coordinator, City Centre for Gender Equality",
    ),
    DemoUser(
        "coordinator-2fa",
        "Ірина",
        "Гончаренко",
        Role.COORDINATOR,
        "city-centre",
        "city coordinator with two-factor sign-in (TOTP key printed above)",
    ),
    DemoUser(
        "secretariat",
        "Олена",
        "Кравченко",
        Role.SECRETARIAT,
        "department",
        "secretariat of the coordination council",
    ),
    DemoUser(
        "executor",
        "Тарас",
        "Лисенко",
        Role.EXECUTOR,
        "city-centre",
        "programme executor, City Centre",
    ),
    DemoUser(
        "admin",
        "Сергій",
        "Олійник",
        Role.ADMINISTRATOR,
        "department",
        "administrator (also Django admin)",
    ),
]


# The demo's one account with two-factor sign-in. Its authenticator key is fixed and printed, so
# that anyone can add it to an authenticator app (or compute the code) and see the second step.
TWO_FACTOR_USERNAME = "coordinator-2fa"
TWO_FACTOR_SECRET = "KYIVCOORDINATORTWOFACTORDEMOKEY2"  # noqa: S105 — base32, demo databases only


def staff_account(username: str) -> User:
    """A demo account made on the way (a provider's staff, a police unit's officer): named
    like a person, the same name in every demo, since colleagues see it (a case team, a
    referral's contact). The demo password, as every demo user."""
    from faker import Faker

    user, created = User.objects.get_or_create(username=username)
    if created or not user.last_name:
        fake = Faker("uk_UA")
        fake.seed_instance(zlib.crc32(username.encode()))
        female = fake.random_int(0, 2) > 0  # most of the sector's staff are women
        user.first_name = fake.first_name_female() if female else fake.first_name_male()
        user.last_name = fake.last_name_female() if female else fake.last_name_male()
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _two_factor_device(user: User) -> TOTPDevice:
    """A confirmed authenticator with the fixed key: once enrolled, the code is always asked."""
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name="Демонстраційний автентифікатор",
        defaults={"key": base64.b32decode(TWO_FACTOR_SECRET).hex(), "confirmed": True},
    )
    return device


def _organisation(code: str, kind: str, name: str, short_name: str, district_slugs, **extra):
    org, _created = Organisation.objects.update_or_create(
        code=code, defaults={"kind": kind, "name": name, "short_name": short_name, **extra}
    )
    org.districts.set(District.objects.filter(slug__in=district_slugs))
    return org


@transaction.atomic
def seed(*, stdout) -> None:
    districts = list(District.objects.all())
    for district in districts:
        gen, police_name = GENITIVE[district.slug]
        for prefix, kind, pattern in DISTRICT_ORGANISATIONS:
            name = pattern.format(name=district.name, name_gen=gen, name_police=police_name)
            short = {
                "rda": f"{district.name} РДА",
                "css": f"ЦСС {gen} р-ну",
                "ssd": f"ССД {district.name} РДА",
                "police": f"{police_name} УП",
            }[prefix]
            name_en, short_en = DISTRICT_ORGANISATIONS_EN[prefix]
            _organisation(
                f"{prefix}-{district.slug}",
                kind,
                name,
                short,
                [district.slug],
                email=f"{prefix}.{district.slug}@demo.kyiv.ua",
                name_en=name_en.format(name=district.name_en),
                short_name_en=short_en.format(name=district.name_en),
            )
    for code, kind, name, short, district_slugs, extra in CITY_ORGANISATIONS:
        name_en, short_en = CITY_ORGANISATIONS_EN[code]
        _organisation(
            code,
            kind,
            name,
            short,
            district_slugs,
            name_en=name_en,
            short_name_en=short_en,
            **extra,
        )

    for demo in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=demo.username)
        user.first_name, user.last_name = demo.first_name, demo.last_name
        user.email = f"{demo.username}@demo.kyiv.ua"
        user.is_staff = user.is_superuser = demo.role == Role.ADMINISTRATOR
        user.set_password(DEMO_PASSWORD)
        user.save()
        organisation = Organisation.objects.get(code=demo.organisation)
        Membership.objects.get_or_create(user=user, organisation=organisation, role=demo.role)
        user.groups.add(organisation.group)
    stdout.write(f"  organisations: {Organisation.objects.count()}, users: {len(DEMO_USERS)}")
    device = _two_factor_device(User.objects.get(username=TWO_FACTOR_USERNAME))
    stdout.write(f"  {TWO_FACTOR_USERNAME} two-factor key: {TWO_FACTOR_SECRET}")
    stdout.write(f"  {TWO_FACTOR_USERNAME} authenticator URI: {device.config_url}")


def credentials_table() -> list[tuple[str, str, str]]:
    return [(u.username, DEMO_PASSWORD, u.description) for u in DEMO_USERS]
