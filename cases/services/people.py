"""The people of a case as the services receive them: their data, its checks, and the one way a
person row is found or made (a client-chosen "same person" only through the actor's scope)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Person
from cases.selectors import person_for_linking
from portal import domains

PHONE_RE = re.compile(r"^(?:\+?380|0)\d{9}$")


def normalise_phone(raw: str) -> str:
    """'+38 (067) 123-45-67' → '+380671234567'; raises ValidationError on anything else."""
    digits = re.sub(r"[\s()\-.]", "", raw or "")
    if not digits:
        return ""
    if not PHONE_RE.match(digits):
        raise ValidationError(
            _("Enter a Ukrainian phone number: +380XXXXXXXXX or 0XXXXXXXXX."), code="phone"
        )
    return "+380" + digits[-9:]


@dataclass
class PersonData:
    last_name: str
    first_name: str
    sex: str
    patronymic: str = ""
    birth_date: date | None = None
    approximate_age: int | None = None
    disability: bool = False
    displaced: bool = False
    veteran: bool = False
    phone: str = ""
    address: str = ""
    existing_person_id: int | None = None  # chosen from the "already known" matches
    relation_to_victim: str = ""
    witnessed: bool = False  # a child's: saw or heard the violence (ParticipantRole.CHILD_WITNESS)


def domain_errors(errors: dict[str, list], key: str, validator, value, **kwargs) -> None:
    """Collect a portal.domains refusal under `key` (the form field it belongs to)."""
    try:
        validator(value, **kwargs)
    except ValidationError as error:
        errors.setdefault(key, []).extend(error.error_list)


def person_domain_errors(data: PersonData, errors: dict[str, list], key: str) -> None:
    # The database CHECKs refuse these too; here a typing slip gets a message, not a 500.
    if data.existing_person_id:
        return
    if data.birth_date is not None:
        domain_errors(
            errors,
            key.replace("existing_person", "birth_date"),
            domains.validate_birth_date,
            data.birth_date,
        )
    if data.approximate_age is not None:
        domain_errors(
            errors,
            key.replace("existing_person", "approximate_age"),
            domains.validate_age,
            data.approximate_age,
        )


def person_for_case(data: PersonData, *, actor, field: str = "existing_person") -> Person:
    """The person chosen from the lookup, or a new one made from `data`."""
    errors: dict[str, list] = {}
    person_domain_errors(data, errors, field)
    if errors:
        raise ValidationError(errors)
    if data.existing_person_id:
        # A client-chosen person is resolved through the actor's scope: only people in cases the
        # actor may see can be linked; "no such id" and "not yours" give the same form error.
        person = person_for_linking(user=actor, pk=data.existing_person_id)
        if person is None:
            raise ValidationError(
                {field: [_("This person cannot be chosen. Enter the person's details instead.")]}
            )
        return person
    return Person.objects.create(
        last_name=data.last_name.strip(),
        first_name=data.first_name.strip(),
        patronymic=data.patronymic.strip(),
        sex=data.sex,
        birth_date=data.birth_date,
        approximate_age=data.approximate_age,
        disability=data.disability,
        displaced=data.displaced,
        veteran=data.veteran,
        phone=normalise_phone(data.phone),
        address=data.address.strip(),
    )
