"""Depersonalisation of closed cases (art. 16 of Law 2229-VIII): N years after closure (the
retention policy), a case's names, contacts, addresses and free texts are replaced by
placeholders, its files deleted, the history of its changes emptied of what it replaced, and
every statistical field kept, so that every past report's figures stay exactly the same. A
person is depersonalised when every case she is in is; her birth date becomes the roundest
date with the same age on every day the statistics count it (cases.retention).

Other apps scrub what they keep on the same cases (orders: the applicant, breaches, appeals;
referrals: the data shared, the reasons and outcomes) through cases.extensions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases import extensions, retention
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CasePlanAction,
    CasePlanGoal,
    CasePlanRevision,
    CaseStatus,
    CaseTransfer,
    ClosureRequest,
    Incident,
    NeedsAssessment,
    Note,
    Participant,
    Person,
    RetentionPolicy,
    SafetyPlan,
    SafetyPlanRevision,
    Task,
)
from portal.audit import audit_record
from portal.calendar import KYIV
from portal.models import AuditAction

T = retention.TEXT
# Rows per transaction: a long first run commits as it goes and can be stopped and resumed.
BATCH = 200


@dataclass
class Outcome:
    as_of: date
    years: int
    dry_run: bool
    case_ids: list[int] = field(default_factory=list)
    persons: int = 0
    attachments: int = 0
    rows: int = 0

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "years_after_closure": self.years,
            "dry_run": self.dry_run,
            "cases": len(self.case_ids),
            "persons": self.persons,
            "attachments": self.attachments,
            "rows_changed": self.rows,
            "case_ids": self.case_ids,
        }


def cases_due(*, as_of: date, years: int):
    """Closed cases whose closing day is `years` full years before `as_of`, not yet done."""
    last_day = retention.due_before(as_of, years)
    return Case.objects.filter(
        status=CaseStatus.CLOSED,
        depersonalised_at__isnull=True,
        closed_at__date__lte=last_day,
    ).order_by("closed_at", "pk")


def _persons_of(case_ids: list[int]) -> list[int]:
    """The people of these cases who are in no other case that keeps its data."""
    others = Participant.objects.filter(person=OuterRef("person")).exclude(
        Q(case_id__in=case_ids) | Q(case__depersonalised_at__isnull=False)
    )
    return list(
        Participant.objects.filter(case_id__in=case_ids)
        .exclude(Exists(others))
        .exclude(person__last_name=retention.NAME, person__phone="")
        .values_list("person_id", flat=True)
        .distinct()
    )


def depersonalise(*, as_of: date, dry_run: bool = False, years: int | None = None) -> Outcome:
    """Depersonalise every case due on `as_of` (a dry run only counts)."""
    years = years or RetentionPolicy.current().years_after_closure
    outcome = Outcome(as_of=as_of, years=years, dry_run=dry_run)
    due = list(cases_due(as_of=as_of, years=years).values_list("pk", flat=True))
    outcome.case_ids = due
    if dry_run:
        outcome.persons = len(_persons_of(due)) if due else 0
        outcome.attachments = Attachment.objects.filter(case_id__in=due).count()
        return outcome
    for start in range(0, len(due), BATCH):
        batch = due[start : start + BATCH]
        persons, files, rows = _depersonalise_batch(batch)
        outcome.persons += persons
        outcome.attachments += files
        outcome.rows += rows
    return outcome


@transaction.atomic
def _depersonalise_batch(case_ids: list[int]) -> tuple[int, int, int]:
    cases = list(Case.objects.select_for_update().filter(pk__in=case_ids))
    person_ids = _persons_of(case_ids)
    rows = _scrub_persons(person_ids)
    rows += _scrub_cases(case_ids)
    files = 0
    for attachment in Attachment.objects.filter(case_id__in=case_ids):
        attachment.file.delete(save=False)
        attachment.delete()
        files += 1
    rows += extensions.retention_scrub(case_ids=case_ids)
    # One .update for the batch, not save(): it leaves no history row with the old values.
    Case.objects.filter(pk__in=case_ids).update(depersonalised_at=timezone.now())
    for case in cases:
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=case,
            detail=f"depersonalised {case.number} (art. 16)",
            username="system",
        )
    return len(person_ids), files, rows


def _scrub_persons(person_ids: list[int]) -> int:
    if not person_ids:
        return 0
    days = _age_days(person_ids)
    people = list(Person.objects.filter(pk__in=person_ids))
    for person in people:
        if person.birth_date is not None:
            person.birth_date = retention.coarse_birth_date(
                person.birth_date, days.get(person.pk, set())
            )
        person.last_name, person.first_name, person.patronymic = retention.NAME, "", ""
        person.phone, person.address = "", ""
        person.search_name = retention.NAME.lower()
    Person.objects.bulk_update(
        people,
        ["last_name", "first_name", "patronymic", "phone", "address", "birth_date", "search_name"],
    )
    # The history of changes to a person held every earlier name, phone and address.
    Person.history.filter(id__in=person_ids).delete()
    return len(people)


def _age_days(person_ids: list[int]) -> dict[int, set]:
    """Every day on which a statistic counts these people's ages: their cases' report days
    (here) and the days other apps register (an order's start, a referral's sending)."""
    days = extensions.retention_age_days(person_ids=person_ids)
    rows = Participant.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "case__reported_at"
    )
    for person_id, reported_at in rows:
        days.setdefault(person_id, set()).add(reported_at.astimezone(KYIV).date())
    return days


def _scrub_cases(case_ids: list[int]) -> int:
    rows = Case.objects.filter(pk__in=case_ids).update(reporter_contact="", summary=T)
    rows += Case.objects.filter(pk__in=case_ids).exclude(close_reason="").update(close_reason=T)
    rows += Incident.objects.filter(case_id__in=case_ids).update(place="", description=T)
    rows += Note.objects.filter(case_id__in=case_ids).update(text=T)
    rows += Task.objects.filter(case_id__in=case_ids).update(title=T)
    rows += NeedsAssessment.objects.filter(case_id__in=case_ids).update(special_needs=T, other=T)
    rows += SafetyPlan.objects.filter(case_id__in=case_ids).update(content={})
    rows += SafetyPlanRevision.objects.filter(plan__case_id__in=case_ids).update(
        content={}, changes=[], note=""
    )
    rows += CasePlanGoal.objects.filter(plan__case_id__in=case_ids).update(text=T)
    rows += CasePlanAction.objects.filter(goal__plan__case_id__in=case_ids).update(text=T)
    rows += CasePlanRevision.objects.filter(plan__case_id__in=case_ids).update(
        snapshot={}, changes=[], note=""
    )
    rows += ClosureRequest.objects.filter(case_id__in=case_ids).update(reason_text="", comment="")
    rows += CaseTransfer.objects.filter(case_id__in=case_ids).update(reason=T, decline_reason="")
    rows += CaseEvent.objects.filter(case_id__in=case_ids).update(summary=T, detail={})
    # The history of the case and its incidents held every earlier text.
    for model in (Case, Incident, Participant):
        key = "id__in" if model is Case else "case_id__in"
        model.history.filter(**{key: case_ids}).delete()
    return rows
