from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import (
    AuditEvent,
    District,
    Membership,
    Notification,
    Organisation,
    RolePolicy,
    User,
)

admin.site.site_header = _("Kyiv coordination portal — administration")
admin.site.site_title = _("Portal administration")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "left_bank", "position"]
    search_fields = ["name", "name_en", "slug"]
    list_filter = ["left_bank"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_active", "under_memorandum"]
    list_filter = ["kind", "is_active", "districts", "under_memorandum"]
    search_fields = ["name", "short_name", "code"]
    filter_horizontal = ["districts"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "last_name", "first_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__organisation__kind"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Contact"), {"fields": ("patronymic", "phone")}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ["role", "require_two_factor"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table is append-only in PostgreSQL as well."""

    list_display = ["at", "username", "organisation", "action", "object_type", "object_id", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_id", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    search_fields = ["title", "user__username"]
