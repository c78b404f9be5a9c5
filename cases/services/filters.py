"""A worker's saved selections of the case list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from cases.models import SavedFilter
from portal.audit import audit_record
from portal.models import AuditAction

# A handful is what a worker keeps; more is a list nobody reads.
MAX_SAVED_FILTERS = 20
# The search box holds names and phone numbers: not kept (see SavedFilter).
NOT_SAVED = {"q", "page"}


def canonical_query(query: QueryDict) -> str:
    """The filters of a case-list query, checked by the list's own form and written back in a
    fixed order; an invalid filter or a query with nothing to keep is refused."""
    from cases.forms import CaseFilterForm  # the forms import the services: not at load time

    form = CaseFilterForm(query)
    if not form.is_valid():
        raise ValidationError(_("The filters are not valid: correct them and save again."))
    pairs = []
    for name in form.fields:
        if name in NOT_SAVED:
            continue
        value = form.cleaned_data.get(name)
        if value in (None, "", False):
            continue
        if value is True:
            value = "on"
        elif hasattr(value, "strftime"):
            value = value.strftime("%d.%m.%Y")
        pairs.append((name, str(value)))
    if not pairs:
        raise ValidationError(_("Choose at least one filter to save."))
    return urlencode(pairs)


@transaction.atomic
def saved_filter_add(*, actor, name: str, query: QueryDict) -> SavedFilter:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": [_("Give the filter a name.")]})
    if len(name) > SavedFilter._meta.get_field("name").max_length:
        raise ValidationError({"name": [_("The name is too long (at most 60 characters).")]})
    canonical = canonical_query(query)
    mine = SavedFilter.objects.select_for_update().filter(user=actor)
    if mine.filter(name__iexact=name).exists():
        raise ValidationError({"name": [_("You already have a filter with this name.")]})
    if len(mine) >= MAX_SAVED_FILTERS:
        raise ValidationError(
            _("You can keep at most %(n)s filters: delete one first.") % {"n": MAX_SAVED_FILTERS}
        )
    saved = SavedFilter.objects.create(user=actor, name=name, query=canonical)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=saved)
    return saved


@transaction.atomic
def saved_filter_delete(*, actor, saved: SavedFilter) -> None:
    """`saved` comes from cases.selectors.saved_filter_for_user: the actor's own."""
    if saved.user_id != actor.pk:
        raise ValidationError(_("This filter is not yours."))
    audit_record(actor=actor, action=AuditAction.DELETE, obj=saved)
    saved.delete()
