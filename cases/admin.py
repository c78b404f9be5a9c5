"""Reference data only. Cases, people and incidents are personal data and are not in the
admin: an administrator who needs a case uses break-the-glass access (cases.access)."""

from django.contrib import admin

from cases.models import ViolenceSubtype


@admin.register(ViolenceSubtype)
class ViolenceSubtypeAdmin(admin.ModelAdmin):
    list_display = ["name", "form", "code", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["name", "name_en", "code"]
