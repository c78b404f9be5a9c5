"""The interaction procedure as a document: a draft, presented to the council, approved by an
order, in force from a date, replaced by the next version. One version is in force at a time;
publishing a routing policy records the version in force (referrals.services.policy)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can
from referrals.models import InteractionProcedure, ProcedureStatus

S = ProcedureStatus


def _editable(actor, procedure_id: int, version: int | None) -> InteractionProcedure:
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    procedure = InteractionProcedure.objects.select_for_update().filter(pk=procedure_id).first()
    if procedure is None:
        raise PermissionDenied
    if version is not None and procedure.version != version:
        raise ValidationError(
            _("Someone changed this version of the procedure meanwhile. Look at it again.")
        )
    return procedure


def _save(actor, procedure: InteractionProcedure, fields: list[str], what: str) -> None:
    procedure.version += 1
    procedure.save(update_fields=[*fields, "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=procedure, detail=what)


@transaction.atomic
def procedure_create(*, actor, title: str, label: str, note: str = "") -> InteractionProcedure:
    if not can(actor, Capability.POLICY_EDIT):
        raise PermissionDenied
    title, label = " ".join(title.split()), " ".join(label.split())
    errors = {}
    if not title:
        errors["title"] = [_("Give the procedure its title.")]
    if not label:
        errors["label"] = [_("Name the version, e.g. “draft 2026”.")]
    elif InteractionProcedure.objects.filter(label__iexact=label).exists():
        errors["label"] = [_("A version with this name already exists.")]
    if errors:
        raise ValidationError(errors)
    procedure = InteractionProcedure.objects.create(
        title=title, label=label, note=note.strip(), created_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=procedure, detail=label)
    return procedure


@transaction.atomic
def procedure_mark_presented(*, actor, procedure_id: int, on: date, version=None):
    """A coordinator records that the council heard the draft. A version already past its
    presentation stays as it is."""
    procedure = _editable(actor, procedure_id, version)
    if procedure.status == S.DRAFT:
        _presented(actor, procedure, on)
    return procedure


def procedure_presented_by_council(*, actor, procedure_ids: list[int], on: date) -> int:
    """The council held a meeting whose agenda presented these drafts (called by the council's
    service, which checked that the actor runs the council's work). Returns how many changed."""
    drafts = InteractionProcedure.objects.select_for_update().filter(
        pk__in=procedure_ids, status=S.DRAFT
    )
    changed = 0
    for procedure in drafts:
        _presented(actor, procedure, on)
        changed += 1
    return changed


def _presented(actor, procedure: InteractionProcedure, on: date) -> None:
    procedure.status, procedure.presented_on = S.PRESENTED, on
    _save(actor, procedure, ["status", "presented_on"], f"presented {on:%d.%m.%Y}")


@transaction.atomic
def procedure_approve(*, actor, procedure_id: int, order: str, on: date, version=None):
    procedure = _editable(actor, procedure_id, version)
    order = " ".join((order or "").split())
    if procedure.status not in (S.DRAFT, S.PRESENTED):
        raise ValidationError(_("Only a draft or a presented version can be approved."))
    errors = {}
    if not order:
        errors["order"] = [_("Name the approving order: who, its number and date.")]
    if procedure.presented_on and on < procedure.presented_on:
        errors["on"] = [_("The approval cannot come before the presentation to the council.")]
    if errors:
        raise ValidationError(errors)
    procedure.status, procedure.approved_by, procedure.approved_on = S.APPROVED, order, on
    _save(actor, procedure, ["status", "approved_by", "approved_on"], f"approved: {order}")
    return procedure


@transaction.atomic
def procedure_put_in_force(*, actor, procedure_id: int, on: date, version=None):
    """The approved version comes into force; the one in force until then is replaced."""
    procedure = _editable(actor, procedure_id, version)
    if procedure.status != S.APPROVED:
        raise ValidationError(_("Only an approved version comes into force."))
    if procedure.approved_on and on < procedure.approved_on:
        raise ValidationError({"on": [_("A version comes into force after its approval.")]})
    current = InteractionProcedure.objects.select_for_update().filter(status=S.IN_FORCE).first()
    if current is not None:
        current.status, current.replaced_on = S.REPLACED, on
        _save(actor, current, ["status", "replaced_on"], f"replaced by {procedure.label}")
    procedure.status, procedure.in_force_from = S.IN_FORCE, on
    _save(actor, procedure, ["status", "in_force_from"], f"in force {on:%d.%m.%Y}")
    return procedure


def procedure_in_force() -> InteractionProcedure | None:
    return InteractionProcedure.objects.filter(status=S.IN_FORCE).first()
