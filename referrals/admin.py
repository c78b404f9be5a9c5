"""Reference data of routing. Referrals carry what was shared about a victim and are not in
the admin."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cases.choices import Sex
from portal.admin_site import ReadOnlyAdmin
from referrals.hours import OpeningHoursField
from referrals.models import Holiday, ProviderProfile, RoutingPolicy
from referrals.routing.explain import SERVICE_LABELS
from referrals.routing.facts import SERVICES

# The places count is the provider's (its places board) and the acceptances': its bookkeeping
# is shown, never typed here, and a profile saved here never writes the count back.
COUNT_FIELDS = ("capacity_free", "capacity_updated_at", "capacity_updated_by", "capacity_note")


class ProviderProfileForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=capfirst(_("services")),
        choices=[(code, SERVICE_LABELS[code]) for code in SERVICES],
        widget=forms.CheckboxSelectMultiple,
    )
    sexes = forms.MultipleChoiceField(
        label=capfirst(_("admits sexes (empty: any)")),
        choices=Sex.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    opening_hours = OpeningHoursField(label=capfirst(_("opening hours")))

    class Meta:
        model = ProviderProfile
        fields = [
            "organisation",
            "services",
            "sexes",
            "min_age",
            "max_age",
            "accepts_children",
            "accessible",
            "always_open",
            "opening_hours",
            "capacity_total",
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("always_open") and not cleaned.get("opening_hours"):
            self.add_error(
                "opening_hours",
                _(
                    "Give the opening hours or tick «open 24/7»: a provider with neither is "
                    "never open for a referral's deadline."
                ),
            )
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The maximum age is below the minimum age."))
        return cleaned


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    form = ProviderProfileForm
    list_display = ["organisation", "service_names", "capacity_free", "capacity_total"]
    list_select_related = ["organisation"]
    list_filter = ["always_open"]
    search_fields = ["organisation__name", "organisation__code"]
    readonly_fields = COUNT_FIELDS

    @admin.display(description=_("services"))
    def service_names(self, profile: ProviderProfile) -> str:
        return ", ".join(str(SERVICE_LABELS.get(code, code)) for code in profile.services)

    def get_readonly_fields(self, request, obj=None):
        # The total is set when a provider is added; afterwards its staff correct it on the
        # places board, where the count's version guards against a concurrent acceptance.
        return (*COUNT_FIELDS, "capacity_total") if obj is not None else COUNT_FIELDS

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.capacity_free = obj.capacity_total
            obj.save()
            return
        # Only what the form changed: an acceptance made meanwhile keeps its count.
        obj.save(update_fields=form.changed_data)


# A policy is drafted, tried on recent cases and published on the coordinator's policy page
# (referrals.policy_editor), which checks every rule and keeps one version in force. Rules
# typed here would reach the routing of every case unchecked: the admin only shows them.
@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(ReadOnlyAdmin):
    list_display = ["version", "is_active", "created_at", "created_by", "note"]
    list_select_related = ["created_by"]
    fields = ["version", "is_active", "created_at", "created_by", "procedure", "note"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
