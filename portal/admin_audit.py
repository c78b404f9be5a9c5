"""The audit log in the admin: read-only, and in the words of the portal's own audit page
(portal.selectors.audit_rows) — who, in which role, did what to which record — never the
stored codes ("portal.user", "administrator", "admin login")."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.admin_site import ReadOnlyAdmin
from portal.audit_labels import verbose_name_of
from portal.models import AuditEvent
from portal.selectors import audit_rows
from portal.services import audit_event_read_in_admin, audit_log_read_in_admin


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request, model_admin):
        types = (
            AuditEvent.objects.exclude(object_type="")
            .order_by()
            .values_list("object_type", flat=True)
            .distinct()
        )
        return sorted(((code, verbose_name_of(code)) for code in types), key=lambda t: t[1])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(object_type=value) if value else queryset


class AuditChangeList(ChangeList):
    def get_results(self, request) -> None:
        super().get_results(request)
        # One label query per object type on the page, as on the portal's audit page.
        for event, row in zip(self.result_list, audit_rows(self.result_list), strict=True):
            event.row = row


def _row(event: AuditEvent):
    row = getattr(event, "row", None)
    if row is None:
        [row] = audit_rows([event])
        event.row = row
    return row


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the table is append-only in PostgreSQL as well."""

    # The detail, often a long list of records, is on the event's page.
    # Who (the user and their organisation) in one column: beside the admin's two side menus
    # the record, what the reader looks for, keeps a readable width (admin-audit.css).
    list_display = ["at", "who", "action", "record"]
    list_select_related = ["organisation"]
    list_filter = ["action", ObjectTypeFilter]
    search_fields = ["username", "object_id", "detail"]
    date_hierarchy = "at"
    fields = readonly_fields = [
        "at",
        "user",
        "username",
        "organisation",
        "role_name",
        "action",
        "record",
        "words",
        "ip",
    ]

    class Media:
        css = {"all": ["portal/admin-audit.css"]}

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    # Reading the log is audited here as on the portal's audit page (portal.views.audit_log):
    # who read whose cases and people is itself personal data.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            audit_log_read_in_admin(
                user=request.user,
                page_number=cl.page_num,
                shown=len(cl.result_list),
                search=cl.query,
            )
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            audit_event_read_in_admin(user=request.user, event=obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.display(description=_("Who"), ordering="username")
    def who(self, event: AuditEvent):
        if event.organisation is None:
            return event.username
        return format_html(
            '{}<br><span class="quiet">{}</span>', event.username, event.organisation
        )

    @admin.display(description=_("Role"))
    def role_name(self, event: AuditEvent) -> str:
        return _row(event).role or "—"

    @admin.display(description=_("Object"))
    def record(self, event: AuditEvent) -> str:
        return _row(event).object or "—"

    @admin.display(description=_("Detail"))
    def words(self, event: AuditEvent) -> str:
        return _row(event).detail or "—"
