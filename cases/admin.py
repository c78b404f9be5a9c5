"""Reference data only. Cases, people and incidents are personal data and are not in the
admin: an administrator who needs a case uses break-the-glass access (cases.access)."""

from django.contrib import admin

from cases.models import RetentionPolicy, ViolenceSubtype


@admin.register(ViolenceSubtype)
class ViolenceSubtypeAdmin(admin.ModelAdmin):
    list_display = ["name", "form", "code", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    """One row: how many years after closure a case is depersonalised (art. 16 of the Law)."""

    list_display = ["years_after_closure", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request) -> bool:
        return not RetentionPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
