"""The people of a case as the services receive them: their data, its checks, and the one way a
person row is found or made (a client-chosen "same person" only through the actor's scope)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Person
from cases.selectors import PERSON_FIELDS, person_for_linking, person_version
from cases.services.common import editable_case, refresh_denormalised, timeline_record
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction

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


@transaction.atomic
def person_update(*, actor, case_id: int, person_id: int, data: PersonData, seen: int | None):
    """Correct a person of a case the actor may change. `seen` is the person's version (the
    latest history row) the form was opened on: a change saved meanwhile is never overwritten.
    Every case the person is in is re-derived (a new birth date can make a victim a child), and
    the case the change was made from gets a timeline entry naming the changed fields."""
    case = editable_case(actor, case_id)
    participant = (
        case.participants.filter(person_id=person_id).select_related("person").first()
        if isinstance(person_id, int)
        else None
    )
    if participant is None:
        raise PermissionDenied
    person = Person.objects.select_for_update().get(pk=participant.person_id)
    if person_version(person) != seen:
        raise ValidationError(
            _(
                "Someone changed this person's details after you opened the form. Look at the "
                "current details and make your change again."
            ),
            code="conflict",
        )
    errors: dict[str, list] = {}
    if not data.last_name.strip():
        errors["last_name"] = [_("Enter the surname.")]
    if not data.first_name.strip():
        errors["first_name"] = [_("Enter the first name.")]
    person_domain_errors(data, errors, "existing_person")
    try:
        phone = normalise_phone(data.phone)
    except ValidationError as error:
        errors.setdefault("phone", []).extend(error.messages)
        phone = ""
    if errors:
        raise ValidationError(errors)
    new = {
        "last_name": data.last_name.strip(),
        "first_name": data.first_name.strip(),
        "patronymic": data.patronymic.strip(),
        "sex": data.sex,
        "birth_date": data.birth_date,
        "approximate_age": data.approximate_age,
        "phone": phone,
        "address": data.address.strip(),
        "disability": data.disability,
        "displaced": data.displaced,
        "veteran": data.veteran,
    }
    changed = [name for name in PERSON_FIELDS if getattr(person, name) != new[name]]
    if not changed:
        return person
    for name in changed:
        setattr(person, name, new[name])
    person._history_user = actor
    person.save()
    for other in Case.objects.filter(participants__person=person).distinct():
        refresh_denormalised(other)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, detail=",".join(changed))
    labels = ", ".join(str(Person._meta.get_field(name).verbose_name) for name in changed)
    timeline_record(
        case=case,
        actor=actor,
        kind="person.updated",
        summary=_("Details of a person (%(role)s) changed: %(fields)s")
        % {"role": participant.get_role_display(), "fields": labels},
        obj=person,
    )
    return person
