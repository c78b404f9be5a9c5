from django.contrib import admin

from referrals.models import Holiday, ProviderProfile, Referral, RoutingPolicy


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


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["case", "service", "provider", "status", "due_at"]
    list_filter = ["status", "service"]
    raw_id_fields = ["case", "plan", "previous", "sent_by", "answered_by"]
