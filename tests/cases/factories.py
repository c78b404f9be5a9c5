"""Cases for tests, made through the real service so every invariant holds."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from cases import services
from portal.models import District


def person(
    last_name: str = "Шевченко",
    first_name: str = "Оксана",
    sex: str = "F",
    birth_date: date | None = date(1988, 3, 14),
    **extra,
) -> services.PersonData:
    return services.PersonData(
        last_name=last_name, first_name=first_name, sex=sex, birth_date=birth_date, **extra
    )


def intake(**overrides) -> services.IntakeData:
    now = timezone.now()
    values = {
        "district_id": District.objects.get(slug="darnytskyi").pk,
        "channel": "phone",
        "reported_at": now - timedelta(hours=1),
        "victim": person(),
        "offender": person("Шевченко", "Петро", "M", date(1985, 1, 2), relation_to_victim="spouse"),
        "incident": {
            "occurred_at": now - timedelta(hours=3),
            "forms": ["physical"],
            "place": "квартира",
        },
        "needs": ["shelter"],
        "risk_answers": {"threats_to_kill": False},
    }
    values.update(overrides)
    return services.IntakeData(**values)


def register_case(actor, **overrides):
    return services.case_register(actor=actor, data=intake(**overrides))
