"""What both plans share: the refusal of a stale form, and the checks that keep the offender's
data and a shelter's confidential address out of what the victim takes home."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, ParticipantRole, Person
from portal.models import Organisation


class PlanConflict(ValidationError):
    """The plan was saved by someone else after this form was opened. Nothing is saved; the
    message says by whom and when."""

    def __init__(self, *, version: int, saved_by, saved_at) -> None:
        when = timezone.localtime(saved_at).strftime("%d.%m.%Y %H:%M") if saved_at else "—"
        super().__init__(
            _(
                "Someone else saved this plan while you were editing it (%(who)s, %(when)s). "
                "Your changes were not saved; they are still in the form. Look at the current "
                "plan and save again."
            )
            % {"who": saved_by or "—", "when": when},
            code="stale",
        )
        self.current_version = version


def check_version(*, current: int, expected: int, saved_by, saved_at) -> None:
    if current != expected:
        raise PlanConflict(version=current, saved_by=saved_by, saved_at=saved_at)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def _words(value: str) -> set[str]:
    return set(re.findall(r"[\w'’ʼ-]+", (value or "").lower()))


def offenders_of(case: Case) -> list[Person]:
    return [
        p.person
        for p in case.participants.select_related("person").filter(role=ParticipantRole.OFFENDER)
    ]


def offender_problem(texts: Iterable[str], offenders: list[Person]) -> str | None:
    """A message when any text carries an offender's phone number or full name (first name
    and surname together), else None. A surname alone is allowed: the victim, her children and
    her in-laws often share it."""
    for text in texts:
        digits, words = _digits(text), _words(text)
        for person in offenders:
            phone = _digits(person.phone)[-9:]
            if len(phone) >= 6 and phone in digits:
                return _(
                    "This is the offender's phone number: the plan is the victim's to keep and "
                    "never carries the offender's data."
                )
            first, last = person.first_name.lower(), person.last_name.lower()
            if first and last and first in words and last in words:
                return _(
                    "The offender's name is not written in the plan: it is the victim's to keep, "
                    "and others may read it."
                )
    return None


def confidential_address_problem(texts: Iterable[str]) -> str | None:
    """A message when a text carries a shelter's confidential address (DOMAIN §4)."""
    addresses = [
        a.lower().strip()
        for a in Organisation.objects.filter(address_confidential=True)
        .exclude(address="")
        .values_list("address", flat=True)
    ]
    addresses = [a for a in addresses if len(a) >= 6]
    for text in texts:
        lowered = (text or "").lower()
        if any(address in lowered for address in addresses):
            return _(
                "A shelter's address is confidential and is never written in a plan: give the "
                "phone number to call instead."
            )
    return None


def refuse_unsafe_text(*, case: Case, sections: dict[str, list[str]]) -> None:
    """Refuse, at the section it was found in, any offender data or confidential address."""
    offenders = offenders_of(case)
    errors: dict[str, list[str]] = {}
    for section, texts in sections.items():
        problem = offender_problem(texts, offenders) or confidential_address_problem(texts)
        if problem:
            errors[section] = [problem]
    if errors:
        raise ValidationError(errors)
