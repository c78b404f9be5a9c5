"""Every change made in the Django admin is an event of the portal's audit log.

Django's admin keeps its own history (LogEntry), which no auditor reads and which nothing
protects from an administrator. The question "who switched off the second factor for the
coordinators, who deleted that authenticator, who unlocked that account" must be answered where
every other change is: the append-only audit log. So the site that every `@admin.register`
goes to (`portal.admin_config`) gives each ModelAdmin it registers — the portal's,
the apps', django-otp's, django-axes's, the day a new one is written — the hooks of
`AuditedAdmin`:

- an object added or changed (a form, an inline, a list's editable column): one event, written
  in the admin's transaction; its detail names the fields changed and the inlines touched, by
  their names ("admin changed: require_two_factor"), which the log shows by their labels in the
  reader's language;
- an object deleted, one by one or by the bulk action: one event each, in the deletion's
  transaction, with the object's name (it cannot be looked up once it is gone).

Django's LogEntry is still written, so the admin's own history pages keep working.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import FieldDoesNotExist
from django.db import router, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.admin_locking import STATE_FIELD, inline_rows_of, stored_state, with_state_check
from portal.audit import audit_record
from portal.audit_labels import ADMIN_DELETED
from portal.audit_words import register_words
from portal.models import AuditAction

# "admin changed: role,require_two_factor; +funding,~indicator,-funding"
DETAIL = r"admin (?P<change>created|changed|deleted)(?:: (?P<what>.*))?"
NAME_LENGTH = 200
# The forms' own fields that stand for a model field (the user form's two password boxes).
FORM_FIELDS = {"password1": "password", "password2": "password", "usable_password": "password"}
_INLINE_CHANGES = {"+": "added", "~": "changed", "-": "deleted"}


class AuditedAdmin(admin.ModelAdmin):
    """The audit hooks, mixed into every ModelAdmin the portal's site registers."""

    # An admin whose saves and deletions already call a service that audits them sets this,
    # so that one change is one event (tests/portal/test_admin_audit.py lists them).
    writes_its_own_audit = False

    def audit_name(self, obj) -> str:
        """How a deleted object is named in its event: what identifies it, nothing more."""
        return str(obj)

    # The change form says which state of the record it was opened with (portal.admin_locking).
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form
        return with_state_check(
            form,
            inline_rows=inline_rows_of(self, request, obj),
            lock_first=self.lock_before_state,
        )

    def lock_before_state(self, obj) -> None:
        """Rows that this model's other writers lock before its own (a programme before its
        measures): the change form locks them first too. None here."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and obj is not None and "adminform" in context:
            # A refused save keeps the state it was opened with: only opening it again shows
            # what changed, and so allows the save.
            context["opened_state"] = request.POST.get(STATE_FIELD) or stored_state(
                obj, context["adminform"].form
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def construct_change_message(self, request, form, formsets, add=False):
        # Django builds its history message just before it logs; the event's detail is taken
        # from the same form, and consumed by the log_* call that follows.
        request.admin_audit_detail = changes_of(self.model, form, formsets or ())
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        self._audit_saved(request, obj, "created")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit_saved(request, obj, "changed")
        return super().log_change(request, obj, message)

    def _audit_saved(self, request, obj, change: str) -> None:
        what = getattr(request, "admin_audit_detail", "")
        request.admin_audit_detail = ""
        if self.writes_its_own_audit:
            return
        audit_record(
            actor=request.user,
            action=AuditAction.CREATE if change == "created" else AuditAction.UPDATE,
            obj=obj,
            detail=f"admin {change}: {what}" if what else f"admin {change}",
        )

    def get_deleted_objects(self, objs, request):
        """What a deletion would take with it, as kinds and counts: the object asked for by
        name, the rest never by name. Django lists every related record, so deleting a district
        would show every case number in it and deleting an account a conference's decisions,
        to an administrator who reads no case. What stops a deletion is named by kind alone."""
        objs = list(objs)
        if not objs:
            return [], {}, set(), []
        collector = NestedObjects(using=router.db_for_write(self.model), origin=objs)
        collector.collect(objs)
        perms_needed = set()
        for model, instances in collector.model_objs.items():
            if self.admin_site.is_registered(model):
                model_admin = self.admin_site.get_model_admin(model)
                if not all(model_admin.has_delete_permission(request, o) for o in instances):
                    perms_needed.add(model._meta.verbose_name)
        model_count = {
            model._meta.verbose_name_plural: len(instances)
            for model, instances in collector.model_objs.items()
        }
        named = [f"{capfirst(self.model._meta.verbose_name)}: {obj}" for obj in objs]
        asked = self.model._meta.verbose_name_plural
        with_it = [f"{capfirst(kind)}: {n}" for kind, n in model_count.items() if kind != asked]
        # What stops it, by kind only: how many cases a district holds is the statistics'
        # business, with their suppression of small counts.
        protected = sorted({capfirst(o._meta.verbose_name_plural) for o in collector.protected})
        return named + with_it, model_count, perms_needed, protected

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            self._audit_deleted(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        # The bulk action: every object its own event, all in the deletion's transaction.
        with transaction.atomic():
            for obj in queryset:
                self._audit_deleted(request, obj)
            super().delete_queryset(request, queryset)

    def _audit_deleted(self, request, obj) -> None:
        if self.writes_its_own_audit:
            return
        name = " ".join(self.audit_name(obj).split())[:NAME_LENGTH]
        audit_record(
            actor=request.user, action=AuditAction.DELETE, obj=obj, detail=f"{ADMIN_DELETED}{name}"
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin that shows and never writes: the audit log, the council's report runs, the
    organisations' permission groups."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def changes_of(model, form, formsets) -> str:
    """The model fields a form changed and the inlines it touched, as the event's detail."""
    fields: list[str] = []
    for name in form.changed_data:
        field = FORM_FIELDS.get(name, name)
        if _is_field(model, field) and field not in fields:
            fields.append(field)
    inlines = []
    for formset in formsets:
        name = formset.model._meta.model_name
        touched = {
            "+": formset.new_objects,
            "~": formset.changed_objects,
            "-": formset.deleted_objects,
        }
        inlines += [f"{sign}{name}" for sign, objects in touched.items() if objects]
    return "; ".join(part for part in [",".join(fields), ",".join(inlines)] if part)


def _is_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):
        return name


def _inline_label(model, name: str) -> str:
    related = next(
        (
            rel.related_model
            for rel in model._meta.related_objects
            if rel.related_model._meta.model_name == name
        ),
        None,
    )
    return str(related._meta.verbose_name_plural) if related is not None else name


def detail_words(model):
    """How the admin's details of `model`'s objects read in the log."""

    def words(match) -> str:
        change, what = match["change"], match["what"] or ""
        if change == "deleted":
            return _("Deleted in the administration: %(name)s") % {"name": what}
        fields_part, _sep, inlines_part = what.partition("; ")
        if fields_part[:1] in _INLINE_CHANGES:  # only inlines were touched
            fields_part, inlines_part = "", fields_part
        said = [_field_label(model, name) for name in fields_part.split(",") if name]
        for item in filter(None, inlines_part.split(",")):
            sign, name = item[:1], item[1:]
            said.append(
                {
                    "added": _("%(things)s: added"),
                    "changed": _("%(things)s: changed"),
                    "deleted": _("%(things)s: deleted"),
                }[_INLINE_CHANGES.get(sign, "changed")]
                % {"things": _inline_label(model, name)}
            )
        headline = (
            _("Created in the administration")
            if change == "created"
            else _("Changed in the administration")
        )
        return f"{headline}: {', '.join(said)}" if said else str(headline)

    return words


_WORDS_GIVEN: set[str] = set()


class AuditedAdminSite(admin.AdminSite):
    """The admin site whose every ModelAdmin is an AuditedAdmin."""

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AuditedAdmin):
            admin_class = type(
                admin_class.__name__,
                # Under the class's own methods, which override audit_name and reach the
                # hooks through super(), and above ModelAdmin's.
                (admin_class, AuditedAdmin),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            label = model._meta.label_lower
            if label not in _WORDS_GIVEN:
                _WORDS_GIVEN.add(label)
                register_words(DETAIL, detail_words(model), object_types=[label])
        super().register(model_or_iterable, admin_class, **options)
