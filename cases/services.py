"""Writes on cases. Every function takes the acting user, runs in one transaction, checks the
invariants before saving, and writes the audit entry and the timeline entry in the same
transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import risk as risk_rules
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseStatus,
    Incident,
    Need,
    NeedsAssessment,
    Note,
    Participant,
    ParticipantRole,
    Person,
    RiskAssessment,
    Task,
)
from cases.selectors import cases_editable_by
from cases.uploads import detect_upload
from portal import domains
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, acting_membership, can

NUMBER_PREFIX = "КИЇВ"

# The life cycle of a case: from → allowed next statuses. Reopening a closed case puts it back
# in work.
STATUS_FLOW: dict[str, set[str]] = {
    CaseStatus.NEW: {CaseStatus.IN_WORK, CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.IN_WORK: {CaseStatus.REFERRED, CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.REFERRED: {CaseStatus.IN_WORK, CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.MONITORING: {CaseStatus.IN_WORK, CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.IN_WORK},
}

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
class FieldChange:
    field: str
    label: str
    theirs: str
    current: str
    changed_by: str
    changed_at: datetime | None


class CaseConflict(Exception):
    """The case changed since the editor opened it; carries what changed, by whom and when."""

    def __init__(self, *, case: Case, changes: list[FieldChange]):
        super().__init__("case changed since it was read")
        self.case = case
        self.changes = changes


def timeline_record(
    *,
    case: Case,
    actor,
    kind: str,
    summary: str,
    obj=None,
    detail: Mapping[str, Any] | None = None,
) -> CaseEvent:
    """Add an entry to the case timeline. Other apps (orders, referrals) call this."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        summary=summary[:500],
        detail=dict(detail or {}),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )


def next_case_number(year: int) -> tuple[str, int]:
    """The next number of `year`, without races: the year's counter row is locked."""
    with connection.cursor() as cursor:
        # Creating the row for a new year must not race either: INSERT … ON CONFLICT DO NOTHING.
        cursor.execute(
            "INSERT INTO cases_casenumbercounter (year, last) VALUES (%s, 0) "
            "ON CONFLICT (year) DO NOTHING",
            [year],
        )
    counter = CaseNumberCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{NUMBER_PREFIX}-{year}-{counter.last:06d}", counter.last


def _age_on(birth_date: date | None, approximate_age: int | None, day: date) -> int | None:
    if birth_date:
        return (
            day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
        )
    return approximate_age


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


@dataclass
class IntakeData:
    district_id: int
    channel: str
    reported_at: datetime
    intake_scenario: int = 1
    reporter_contact: str = ""
    summary: str = ""
    confidential: bool = False
    consent_to_share: bool = False
    children_service_notified: bool = False
    victim: PersonData | None = None
    offender: PersonData | None = None
    children: list[PersonData] = field(default_factory=list)
    incident: Mapping[str, Any] | None = None
    needs: Iterable[str] = ()
    accompanying_children: int = 0
    special_needs: str = ""
    risk_answers: Mapping[str, bool | None] | None = None
    # Police who learn of violence first pass the case to the district's centre of social
    # services (intake scenario 5): the case then belongs to that organisation.
    owner_id: int | None = None


def _domain_errors(errors: dict[str, list], key: str, validator, value, **kwargs) -> None:
    """Collect a portal.domains refusal under `key` (the form field it belongs to)."""
    try:
        validator(value, **kwargs)
    except ValidationError as error:
        errors.setdefault(key, []).extend(error.error_list)


def _person_domain_errors(data: PersonData, errors: dict[str, list], key: str) -> None:
    # The database CHECKs refuse these too; here a typing slip gets a message, not a 500.
    if data.existing_person_id:
        return
    if data.birth_date:
        _domain_errors(
            errors,
            key.replace("existing_person", "birth_date"),
            domains.validate_birth_date,
            data.birth_date,
        )
    if data.approximate_age is not None:
        _domain_errors(
            errors,
            key.replace("existing_person", "approximate_age"),
            domains.validate_age,
            data.approximate_age,
        )


def _person(data: PersonData, *, actor, field: str = "existing_person") -> Person:
    errors: dict[str, list] = {}
    _person_domain_errors(data, errors, field)
    if errors:
        raise ValidationError(errors)
    if data.existing_person_id:
        # A client-chosen person is resolved through the actor's scope: only people in cases the
        # actor may see can be linked; "no such id" and "not yours" give the same form error.
        from cases.selectors import person_for_linking

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


def _validate_intake(data: IntakeData) -> None:
    # Orders register cases without the intake form: the domains are checked here as well,
    # with the same clock-skew allowance as the form (portal.domains).
    errors: dict[str, list] = {}
    now = timezone.now()
    _domain_errors(errors, "reported_at", domains.validate_past_moment, data.reported_at, now=now)
    incident = data.incident or {}
    occurred_at = incident.get("occurred_at")
    if occurred_at:
        _domain_errors(errors, "occurred_at", domains.validate_past_moment, occurred_at, now=now)
    for person, key in (
        (data.victim, "victim_existing_person"),
        (data.offender, "offender_existing_person"),
        *((child, "children") for child in data.children),
    ):
        if person is not None:
            _person_domain_errors(person, errors, key)
    if data.incident is not None and not incident.get("forms"):
        errors.setdefault("forms", []).append(_("Choose at least one form of violence."))
    victim = data.victim
    if (
        victim is not None
        and victim.birth_date
        and occurred_at
        and victim.birth_date > timezone.localdate(occurred_at)
    ):
        errors.setdefault("victim_birth_date", []).append(
            _("The date of birth is after the incident.")
        )
    if victim is not None:
        age = _age_on(
            victim.birth_date, victim.approximate_age, timezone.localdate(data.reported_at)
        )
        if age is not None and age < 18 and not data.children_service_notified:
            errors.setdefault("children_service_notified", []).append(
                _(
                    "The victim is a child: the service for children must be notified. "
                    "Tick it when done."
                )
            )
    if errors:
        raise ValidationError(errors)


def _refresh_denormalised(case: Case) -> None:
    forms = set()
    for incident_forms in case.incidents.values_list("forms", flat=True):
        forms.update(incident_forms)
    children_roles = case.participants.filter(role=ParticipantRole.CHILD_WITNESS).exists()
    children_present = case.incidents.filter(children_present=True).exists()
    report_day = timezone.localdate(case.reported_at)
    # An infant is 0 years old: `age or 99` once made her an adult.
    ages = [
        p.person.age_on(report_day)
        for p in case.participants.select_related("person").filter(role=ParticipantRole.VICTIM)
    ]
    minors = any(age is not None and age < 18 for age in ages)
    case.forms = sorted(forms)
    case.has_children = children_roles or children_present or minors
    latest_risk = case.risk_assessments.order_by("-assessed_at", "-id").first()
    case.risk_level = latest_risk.level if latest_risk else ""
    case.save(update_fields=["forms", "has_children", "risk_level", "updated_at"])


def _prior_orders(person: Person | None, *, case: Case) -> int:
    """Orders against the offender on other cases, issued before this assessment."""
    if person is None:
        return 0
    try:
        from orders.selectors import orders_count_for_person
    except ImportError:
        return 0
    return orders_count_for_person(person=person, before=timezone.now(), exclude_case_id=case.pk)


@transaction.atomic
def case_register(*, actor, data: IntakeData) -> Case:
    """Record a new report: the case, its people, the first incident, risk and needs at once."""
    if not can(actor, Capability.CASE_REGISTER):
        raise PermissionDenied
    membership = acting_membership(actor)
    _validate_intake(data)
    number, _seq = next_case_number(timezone.localdate(data.reported_at).year)
    owner_id = data.owner_id or membership.organisation_id
    case = Case.objects.create(
        number=number,
        year=timezone.localdate(data.reported_at).year,
        owner_id=owner_id,
        responsible=actor if owner_id == membership.organisation_id else None,
        district_id=data.district_id,
        channel=data.channel,
        intake_scenario=data.intake_scenario,
        reported_at=data.reported_at,
        reporter_contact=data.reporter_contact,
        summary=data.summary,
        confidential=data.confidential,
        consent_to_share=data.consent_to_share,
        consent_recorded_by=actor if data.consent_to_share else None,
        consent_recorded_at=timezone.now() if data.consent_to_share else None,
        children_service_notified=data.children_service_notified,
        created_by=actor,
    )
    offender_person = None
    if data.victim is not None:
        Participant.objects.create(
            case=case,
            person=_person(data.victim, actor=actor, field="victim_existing_person"),
            role=ParticipantRole.VICTIM,
        )
    if data.offender is not None:
        offender_person = _person(data.offender, actor=actor, field="offender_existing_person")
        Participant.objects.create(
            case=case,
            person=offender_person,
            role=ParticipantRole.OFFENDER,
            relation_to_victim=data.offender.relation_to_victim,
        )
    for child in data.children:
        Participant.objects.create(
            case=case,
            person=_person(child, actor=actor, field="children"),
            role=ParticipantRole.CHILD_WITNESS,
        )
    if data.incident is not None:
        _incident_create(case=case, actor=actor, values=data.incident)
    if data.needs or data.accompanying_children or data.special_needs:
        NeedsAssessment.objects.create(
            case=case,
            assessed_by=actor,
            needs=sorted(set(data.needs)),
            accompanying_children=data.accompanying_children,
            special_needs=data.special_needs,
        )
    if data.risk_answers is not None:
        _risk_create(case=case, actor=actor, answers=data.risk_answers, offender=offender_person)
    _refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=case, detail=case.number)
    timeline_record(
        case=case,
        actor=actor,
        kind="case.created",
        summary=_("Case %(number)s registered") % {"number": case.number},
        obj=case,
    )
    return case


def _incident_create(*, case: Case, actor, values: Mapping[str, Any]) -> Incident:
    subtypes = values.get("subtypes") or []
    incident = Incident.objects.create(
        case=case,
        occurred_at=values["occurred_at"],
        place=values.get("place", ""),
        forms=sorted(set(values["forms"])),
        children_present=bool(values.get("children_present")),
        injuries=bool(values.get("injuries")),
        weapons=bool(values.get("weapons")),
        police_called=bool(values.get("police_called")),
        description=values.get("description", ""),
        recorded_by=actor,
    )
    if subtypes:
        incident.subtypes.set(subtypes)
    return incident


def _risk_create(
    *, case: Case, actor, answers: Mapping[str, bool | None], offender
) -> RiskAssessment:
    questionnaire = risk_rules.load_questionnaire()
    result = risk_rules.assess(
        questionnaire, answers, prior_orders=_prior_orders(offender, case=case)
    )
    return RiskAssessment.objects.create(
        case=case,
        assessed_by=actor,
        questionnaire_version=questionnaire.version,
        answers={k: v for k, v in answers.items() if v is not None},
        score=result.score,
        level=result.level,
        rule=result.rule,
        explanation=risk_rules.explain(result, questionnaire, "uk")[:500],
    )


def _editable(actor, case_id: int) -> Case:
    case = cases_editable_by(actor).select_for_update().filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    return case


EDITABLE_FIELDS = [
    "district",
    "channel",
    "intake_scenario",
    "reported_at",
    "reporter_contact",
    "summary",
    "confidential",
    "responsible",
    "children_service_notified",
]


def _display(case: Case, name: str, value) -> str:
    model_field = Case._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related else "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return "" if value is None else str(value)


def _changes_since(case: Case, version: int, submitted: Mapping[str, Any]) -> list[FieldChange]:
    """Fields changed by others after `version`, with the editor's value beside the current one."""
    records = list(case.history.filter(version__gt=version).order_by("history_date"))
    changes: dict[str, FieldChange] = {}
    previous = case.history.filter(version=version).order_by("-history_date").first()
    for record in records:
        if previous is not None:
            delta = record.diff_against(previous, included_fields=EDITABLE_FIELDS)
            who = str(record.history_user) if record.history_user else "—"
            for change in delta.changes:
                key = change.field
                label = str(Case._meta.get_field(key).verbose_name)
                current = getattr(
                    case, f"{key}_id" if Case._meta.get_field(key).is_relation else key
                )
                theirs = submitted.get(key, getattr(case, key, None))
                if hasattr(theirs, "pk"):
                    theirs = theirs.pk
                changes[key] = FieldChange(
                    field=key,
                    label=label,
                    theirs=_display(case, key, theirs),
                    current=_display(case, key, current),
                    changed_by=who,
                    changed_at=record.history_date,
                )
        previous = record
    return list(changes.values())


@transaction.atomic
def case_update(*, actor, case_id: int, expected_version: int, changes: Mapping[str, Any]) -> Case:
    """Change the case's own fields; refuses a save based on an older version (no lost updates)."""
    case = _editable(actor, case_id)
    if case.version != expected_version:
        raise CaseConflict(case=case, changes=_changes_since(case, expected_version, changes))
    if changes.get("reported_at"):
        try:
            domains.validate_past_moment(changes["reported_at"])
        except ValidationError as error:
            raise ValidationError({"reported_at": error.error_list}) from None
    diff = {}
    for name in EDITABLE_FIELDS:
        if name not in changes:
            continue
        new = changes[name]
        attr = f"{name}_id" if Case._meta.get_field(name).is_relation else name
        new_value = new.pk if hasattr(new, "pk") else new
        old_value = getattr(case, attr)
        if old_value != new_value:
            label = str(Case._meta.get_field(name).verbose_name)
            diff[label] = [_display(case, name, old_value), _display(case, name, new_value)]
            setattr(case, attr, new_value)
    if not diff:
        return case
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=", ".join(diff)[:500])
    timeline_record(
        case=case,
        actor=actor,
        kind="case.updated",
        summary=_("Case details changed"),
        obj=case,
        detail={"diff": diff},
    )
    return case


@transaction.atomic
def case_change_status(*, actor, case_id: int, status: str, reason: str = "") -> Case:
    case = _editable(actor, case_id)
    if status not in STATUS_FLOW.get(case.status, set()):
        raise ValidationError({"status": [_("This status change is not allowed.")]})
    if status == CaseStatus.CLOSED and not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for closing the case.")]})
    old = case.get_status_display()
    case.status = status
    case.closed_at = timezone.now() if status == CaseStatus.CLOSED else None
    case.close_reason = reason.strip() if status == CaseStatus.CLOSED else ""
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"status {status}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.status",
        summary=_("Status: %(old)s → %(new)s") % {"old": old, "new": case.get_status_display()},
        obj=case,
        detail={"reason": case.close_reason},
    )
    return case


@transaction.atomic
def case_record_consent(*, actor, case_id: int, consent: bool) -> Case:
    case = _editable(actor, case_id)
    case.consent_to_share = consent
    case.consent_recorded_by = actor
    case.consent_recorded_at = timezone.now()
    case.version += 1
    case._history_user = actor
    case.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, detail=f"consent {consent}")
    timeline_record(
        case=case,
        actor=actor,
        kind="case.consent",
        summary=_("Consent to share data with providers: given")
        if consent
        else _("Consent to share data with providers: withdrawn"),
        obj=case,
    )
    return case


@transaction.atomic
def incident_add(*, actor, case_id: int, values: Mapping[str, Any]) -> Incident:
    case = _editable(actor, case_id)
    if not values.get("forms"):
        raise ValidationError({"forms": [_("Choose at least one form of violence.")]})
    try:
        domains.validate_past_moment(values["occurred_at"])
    except ValidationError as error:
        raise ValidationError({"occurred_at": error.error_list}) from None
    incident = _incident_create(case=case, actor=actor, values=values)
    _refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=incident)
    timeline_record(
        case=case,
        actor=actor,
        kind="incident.added",
        summary=_("Incident of %(date)s recorded")
        % {"date": timezone.localtime(incident.occurred_at).strftime("%d.%m.%Y")},
        obj=incident,
    )
    return incident


@transaction.atomic
def participant_add(*, actor, case_id: int, person: PersonData, role: str) -> Participant:
    case = _editable(actor, case_id)
    participant = Participant.objects.create(
        case=case,
        person=_person(person, actor=actor),
        role=role,
        relation_to_victim=person.relation_to_victim,
    )
    _refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=participant)
    timeline_record(
        case=case,
        actor=actor,
        kind="person.added",
        summary=_("Person added: %(role)s") % {"role": participant.get_role_display()},
        obj=participant,
    )
    return participant


@transaction.atomic
def risk_assess(*, actor, case_id: int, answers: Mapping[str, bool | None]) -> RiskAssessment:
    case = _editable(actor, case_id)
    offender = (
        Person.objects.filter(
            participations__case=case, participations__role=ParticipantRole.OFFENDER
        )
        .order_by("pk")
        .first()
    )
    assessment = _risk_create(case=case, actor=actor, answers=answers, offender=offender)
    _refresh_denormalised(case)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=assessment, detail=assessment.level)
    timeline_record(
        case=case,
        actor=actor,
        kind="risk.assessed",
        summary=_("Risk assessed: %(level)s") % {"level": assessment.get_level_display()},
        obj=assessment,
        detail={"rule": assessment.explanation},
    )
    return assessment


@transaction.atomic
def needs_assess(
    *,
    actor,
    case_id: int,
    needs: Iterable[str],
    accompanying_children: int = 0,
    special_needs: str = "",
    other: str = "",
) -> NeedsAssessment:
    case = _editable(actor, case_id)
    assessment = NeedsAssessment.objects.create(
        case=case,
        assessed_by=actor,
        needs=sorted(set(needs)),
        accompanying_children=accompanying_children,
        special_needs=special_needs,
        other=other,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=assessment)
    timeline_record(
        case=case,
        actor=actor,
        kind="needs.assessed",
        summary=_("Needs assessed: %(needs)s")
        % {"needs": ", ".join(str(Need(n).label) for n in assessment.needs) or "—"},
        obj=assessment,
    )
    return assessment


@transaction.atomic
def note_add(*, actor, case_id: int, text: str) -> Note:
    case = _editable(actor, case_id)
    if not text.strip():
        raise ValidationError({"text": [_("The note is empty.")]})
    note = Note.objects.create(case=case, author=actor, text=text.strip())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note)
    timeline_record(case=case, actor=actor, kind="note.added", summary=note.text[:200], obj=note)
    return note


@transaction.atomic
def task_add(*, actor, case_id: int, title: str, due_date: date, assignee=None) -> Task:
    case = _editable(actor, case_id)
    try:
        domains.validate_planning_date(due_date)
    except ValidationError as error:
        raise ValidationError({"due_date": error.error_list}) from None
    task = Task.objects.create(
        case=case,
        title=title.strip(),
        due_date=due_date,
        assignee=assignee or actor,
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    timeline_record(
        case=case,
        actor=actor,
        kind="task.added",
        summary=_("Task: %(title)s, due %(due)s")
        % {"title": task.title, "due": due_date.strftime("%d.%m.%Y")},
        obj=task,
    )
    return task


@transaction.atomic
def task_complete(*, actor, task_id: int) -> Task:
    task = Task.objects.select_related("case").get(pk=task_id)
    _editable(actor, task.case_id)
    if task.done_at is None:
        task.done_at = timezone.now()
        task.save(update_fields=["done_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, detail="done")
        timeline_record(
            case=task.case,
            actor=actor,
            kind="task.done",
            summary=_("Task done: %(title)s") % {"title": task.title},
            obj=task,
        )
    return task


def sniff_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) from the whole file and its name; never the browser's claim."""
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return detect_upload(name=upload.name or "", data=data)


def _size_limit_error(limit: int) -> ValidationError:
    megabyte = 1024 * 1024
    if limit % megabyte == 0:
        message = _("The file is larger than %(mb)s MB.") % {"mb": limit // megabyte}
    else:  # "larger than 0 MB" said nothing; 512 KB, 1.5 MB
        message = _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
    return ValidationError({"file": ValidationError(message, code="file_size")})


@transaction.atomic
def attachment_add(
    *, actor, case_id: int, upload: UploadedFile, description: str = ""
) -> Attachment:
    case = _editable(actor, case_id)
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise _size_limit_error(limit)
    content_type, extension = sniff_upload(upload)
    attachment = Attachment(
        case=case,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        description=description,
        uploaded_by=actor,
    )
    # The stored name carries the detected extension, never the one the person typed.
    attachment.file.save(f"upload{extension}", upload, save=False)
    attachment.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=attachment, detail=attachment.original_name
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="attachment.added",
        summary=_("File attached: %(name)s") % {"name": attachment.original_name},
        obj=attachment,
    )
    return attachment
