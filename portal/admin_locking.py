"""Two administrators, or an administrator and a coordinator, never overwrite each other's
change in the admin without knowing it.

Django's admin saves whatever its form holds, so a change made to a record while another
person had its page open is silently undone by their save. Every change page of the audited
site (`portal.admin_site`) therefore carries the state of what its form edits — the values of
its editable model fields, many-to-many ones included, and the rows of its inlines, as the
database held them when the page was opened — and a save whose record changed meanwhile in any
of those is refused with a message, under a lock, before anything is written. Fields the form
does not edit (a places count an acceptance moves, a user's last sign-in) are not compared: the
save does not write them back (`save_model` with the changed fields, or the instance read by
the same request).

Models with their own version (an executor's progress report) keep it as well."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

STATE_FIELD = "_opened_state"
CHANGED_MEANWHILE = _(
    "Someone else changed this record while you had it open. Nothing was saved: open it again "
    "to see their change, then make yours."
)


@dataclass(frozen=True)
class InlineRows:
    """The rows an inline of the change page edits: `model`'s rows whose `parent` column holds
    the record, with the `fields` its forms edit."""

    model: type[models.Model]
    parent: str
    fields: tuple[str, ...]

    def values(self, instance, *, lock: bool) -> list[list[object]]:
        rows = self.model._default_manager.filter(**{self.parent: instance.pk}).order_by("pk")
        if lock:
            rows = rows.select_for_update()
        return [list(row) for row in rows.values_list("pk", *self.fields)]


def inline_rows_of(model_admin, request, obj) -> tuple[InlineRows, ...]:
    """What each inline of `model_admin`'s change page edits (a user's memberships, a
    measure's funding): a row added, changed or removed meanwhile is a change too."""
    inlines = []
    for inline in model_admin.get_inline_instances(request, obj):
        if not any(
            allowed(request, obj)
            for allowed in (
                inline.has_add_permission,
                inline.has_change_permission,
                inline.has_delete_permission,
            )
        ):
            continue  # shown only: its rows are never saved from this page
        formset = inline.get_formset(request, obj)
        fields = [
            f.attname
            for f in _edited_fields(inline.model, formset.form.base_fields)
            if not f.many_to_many and f.name != formset.fk.name
        ]
        inlines.append(InlineRows(inline.model, formset.fk.attname, tuple(fields)))
    return tuple(inlines)


def _edited_fields(model, form_fields) -> list[models.Field]:
    edited = []
    for name, field in form_fields.items():
        if field.disabled:
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.concrete or model_field.many_to_many:
            edited.append(model_field)
    return edited


def stored_state(instance, form, *, lock: bool = False) -> str:
    """A digest of the values the form edits as stored now; `lock` holds the row until the
    transaction (the admin's change view runs in one) ends."""
    model = type(instance)
    edited = _edited_fields(model, form.fields)
    rows = model._default_manager.filter(pk=instance.pk)
    if lock:
        rows = rows.select_for_update()
    plain = [f.attname for f in edited if not f.many_to_many]
    values: list[object] = list(rows.values_list("pk", *plain).first() or ())
    for field in edited:
        if field.many_to_many:
            related = model._default_manager.filter(pk=instance.pk).values_list(
                field.name, flat=True
            )
            values.append(sorted(str(pk) for pk in related if pk is not None))
    for inline in getattr(form, "inline_rows", ()):
        values.append(inline.values(instance, lock=lock))
    encoded = json.dumps(values, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:40]


class OpenedStateCheck:
    """Mixed into the admin's change forms (AuditedAdmin.get_form), above the form's own
    clean."""

    def clean(self):
        cleaned = super().clean()
        if self.lock_first is not None:
            # Rows other writers lock before these, locked in the same order (no deadlock).
            self.lock_first(self.instance)
        opened = self.data.get(STATE_FIELD, "")
        if opened != stored_state(self.instance, self, lock=True):
            raise forms.ValidationError(CHANGED_MEANWHILE, code="changed_meanwhile")
        return cleaned


def with_state_check(
    form_class,
    *,
    inline_rows: tuple[InlineRows, ...] = (),
    lock_first: Callable[[models.Model], None] | None = None,
):
    attributes = {
        "inline_rows": inline_rows,
        "lock_first": staticmethod(lock_first) if lock_first else None,
    }
    return type(form_class.__name__, (OpenedStateCheck, form_class), attributes)
