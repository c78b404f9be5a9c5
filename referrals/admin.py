"""Reference data of routing. Referrals carry what was shared about a victim and are not in
the admin."""

from django.contrib import admin

from referrals.models import Holiday, ProviderProfile, RoutingPolicy


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "services", "capacity_free", "capacity_total", "always_open"]
    search_fields = ["organisation__name", "organisation__code"]


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    list_display = ["version", "is_active", "created_at", "note"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
