from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import admin_audit  # noqa: F401 — registers the audit log's admin
from portal.admin_site import ReadOnlyAdmin
from portal.memberships import membership_record_change
from portal.models import (
    District,
    Membership,
    Organisation,
    RolePolicy,
    User,
)

admin.site.site_header = _("Kyiv coordination portal — administration")
admin.site.site_title = _("Portal administration")

# Third-party applications name themselves in English only ("Axes", "Otp_Totp", "Access logs").
# The admin speaks the reader's language: their applications and models get the portal's names
# (metadata for display only; no table changes, no migrations).
_THIRD_PARTY_NAMES = {
    "axes": (
        _("Sign-in attempts"),
        {
            "accessattempt": (_("failed sign-in series"), _("failed sign-in series")),
            "accessfailurelog": (_("failed sign-in"), _("failed sign-ins")),
            "accesslog": (_("sign-in"), _("sign-ins")),
        },
    ),
    "otp_totp": (
        _("Two-factor authentication"),
        {"totpdevice": (_("authenticator app"), _("authenticator apps"))},
    ),
}


def _name_third_party_applications() -> None:
    from django.apps import apps

    for label, (app_name, models) in _THIRD_PARTY_NAMES.items():
        config = apps.get_app_config(label)
        config.verbose_name = app_name
        for model_name, (singular, plural) in models.items():
            meta = config.get_model(model_name)._meta
            meta.verbose_name, meta.verbose_name_plural = singular, plural


_name_third_party_applications()


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "left_bank", "position"]
    search_fields = ["name", "name_en", "slug"]
    list_filter = ["left_bank"]

    def get_readonly_fields(self, request, obj=None):
        # Saved filters, routing (a provider serves a case's district) and the orders'
        # statistics name a district by its code: it is given once, when it is added.
        return ["slug"] if obj is not None else []


class MembershipForm(forms.ModelForm):
    """Nobody grants a role to themselves: another administrator must do it."""

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "is_active"]

    def __init__(self, *args, acting_user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.acting_user = acting_user

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if self.acting_user is not None and user is not None and user.pk == self.acting_user.pk:
            raise forms.ValidationError(
                _("You cannot change your own roles: another administrator must do it.")
            )
        activating = (
            self.instance.pk is not None
            and not self.instance.is_active
            and cleaned.get("is_active")
        )
        if (
            activating
            and self.acting_user is not None
            and self.instance.granted_by_id == self.acting_user.pk
        ):
            raise forms.ValidationError(
                _("You gave this role: another administrator must confirm it.")
            )
        return cleaned


def _hold_for_confirmation(request, membership: Membership) -> None:
    """A role given in the admin waits, inactive, for a second administrator."""
    membership.granted_by = request.user
    membership.is_active = False


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    form = MembershipForm
    extra = 0
    autocomplete_fields = ["organisation"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk == request.user.pk:
            # One's own memberships are shown, never edited.
            formset.max_num = 0
        base = formset.form

        class Bound(base):
            def __init__(self, *args, **kw) -> None:
                super().__init__(*args, acting_user=request.user, **kw)

        formset.form = Bound
        return formset

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "kind", "is_active", "under_memorandum"]
    list_filter = ["kind", "is_active", "districts", "under_memorandum"]
    search_fields = ["name", "short_name", "name_en", "short_name_en", "code"]
    filter_horizontal = ["districts"]

    def get_readonly_fields(self, request, obj=None):
        # Routing plans already made, the organisation's permission group ("org:<code>") and
        # the data files name it by its code: given once, when the organisation is added.
        return ["code"] if obj is not None else []


# What the user form does not offer (UserAdmin.fieldsets).
RIGHTS = ("groups", "user_permissions")
# Colleagues find a person by name (a case team, a referral's contact): an account is made
# with one, so a new account never shows its login where a name belongs.
NAMES = ("last_name", "first_name", "patronymic")


class NamedUserMixin:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("last_name", "first_name"):
            if name in self.fields:
                self.fields[name].required = True


class UserCreationAdminForm(NamedUserMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", *NAMES)


class PasswordStateWidget(ReadOnlyPasswordHashWidget):
    """Whether the account has a password, never how it is stored: the algorithm, its costs and
    the first characters of the salt and the hash are no use to an administrator."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        usable = bool(value) and not value.startswith(UNUSABLE_PASSWORD_PREFIX)
        said = _("A password is set.") if usable else _("No password set.")
        context["summary"] = [{"label": said}]
        return context


class UserChangeAdminForm(NamedUserMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        exclude = RIGHTS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].widget = PasswordStateWidget()


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", *NAMES)}),
        (
            _("Password"),
            {"classes": ("wide",), "fields": ("usable_password", "password1", "password2")},
        ),
    )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership_record_change(actor=request.user, membership=membership, change="removed")
            membership.delete()
        for membership in instances:
            created = membership.pk is None
            if created:
                _hold_for_confirmation(request, membership)
            membership.save()
            membership_record_change(
                actor=request.user, membership=membership, change="added" if created else "changed"
            )
        formset.save_m2m()
        return None

    def audit_name(self, obj) -> str:
        return obj.get_username()

    def has_delete_permission(self, request, obj=None) -> bool:
        # Accounts are deleted (or deactivated) one by one, each looked at, never in bulk.
        return obj is not None and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # No one raises their own rights.
            fields += ["is_superuser", "is_staff"]
        return fields

    list_display = ["username", "last_name", "first_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__organisation__kind"]
    # Someone's rights are their roles in organisations (the memberships below). Django's groups
    # and model permissions are left off the form: the organisations' groups are the portal's
    # own (OrganisationGroupAdmin), and a model permission would bypass the roles.
    fieldsets = (
        *(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f not in RIGHTS)})
            for name, options in BaseUserAdmin.fieldsets
        ),
        (_("Contact"), {"fields": ("patronymic", "phone")}),
    )
    filter_horizontal = ()
    # When someone last signed in and when the account was made are facts the portal records,
    # not settings: shown, never typed over (nor written back by a save made meanwhile).
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "organisation", "role", "is_active", "granted_by", "created_at"]
    list_filter = ["role", "is_active", "organisation__kind"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)

        class Bound(form):
            def __init__(self, *args, **kw) -> None:
                super().__init__(*args, acting_user=request.user, **kw)

        return Bound

    # portal.memberships writes the role's own event (who, which role, where) and tells the
    # coordinators: the site's generic event would say the same thing twice.
    writes_its_own_audit = True

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            _hold_for_confirmation(request, obj)
        super().save_model(request, obj, form, change)
        membership_record_change(
            actor=request.user, membership=obj, change="changed" if change else "added"
        )

    def delete_model(self, request, obj) -> None:
        membership_record_change(actor=request.user, membership=obj, change="removed")
        super().delete_model(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Bulk deletion would skip the role's own event (membership_record_change): one by one.
        return obj is not None and super().has_delete_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)


@admin.register(RolePolicy)
class RolePolicyAdmin(admin.ModelAdmin):
    list_display = ["role", "require_two_factor"]


# Each organisation's permission group is made with the organisation ("org:<code>",
# portal.models) and holds whoever acts for it; guardian grants a case or a referral to the
# group. Django's own admin would let a permission be given to a whole organisation past the
# portal's roles, and names the groups by their codes. Here they are listed by organisation
# and changed by nobody: membership is managed under «Members of organisations».
admin.site.unregister(Group)


@admin.register(Group)
class OrganisationGroupAdmin(ReadOnlyAdmin):
    # The list says all there is; a group's own page would be titled by its code.
    list_display = ["organisation_name", "member_count"]
    list_display_links = None
    search_fields = ["organisation__name", "organisation__short_name", "organisation__code"]
    ordering = ["organisation__name", "name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(
                members=Count(
                    "organisation__memberships",
                    filter=Q(organisation__memberships__is_active=True),
                )
            )
        )

    def has_view_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_view_permission(request)

    @admin.display(description=_("organisation"), ordering="organisation__name")
    def organisation_name(self, group) -> str:
        organisation = getattr(group, "organisation", None)
        return organisation.display_name if organisation else group.name

    @admin.display(description=_("active members"), ordering="members")
    def member_count(self, group) -> int:
        return group.members


# django-otp's own admin shows every user's TOTP secret as a QR code: an administrator could
# copy a coordinator's second factor. Here a device can only be listed and deleted (to let a
# user who lost their phone enrol again), never read.
import_module("django_otp.plugins.otp_totp.admin")  # registers its own admin first
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    # django-otp's field names and help texts are English only (not translatable): the admin
    # shows the three facts through its own columns.
    list_display = ["owner", "device_name", "in_use"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]
    fields = readonly_fields = ["owner", "device_name", "in_use"]

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, device) -> str:
        return f"{device.user} ({device.user.get_username()})"

    @admin.display(description=_("name"), ordering="name")
    def device_name(self, device) -> str:
        return device.name

    @admin.display(description=_("in use (the first code was entered)"), boolean=True)
    def in_use(self, device) -> bool:
        return device.confirmed

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def audit_name(self, obj) -> str:
        return f"{obj.name} ({obj.user.get_username()})"


# django-axes's records: an administrator deletes a series of failed sign-ins to unlock an
# account. Its event names whose sign-ins, from where (the records' own names are English).
import_module("axes.admin")


def _sign_in_record_name(record) -> str:
    # The title of a record's page and of its deletion: axes's own is English, in UTC.
    return _("%(username)s, %(address)s, %(at)s") % {
        "username": record.username or "—",
        "address": record.ip_address or "—",
        "at": f"{timezone.localtime(record.attempt_time):%d.%m.%Y %H:%M}",
    }


for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _model.__str__ = _sign_in_record_name
    if admin.site.is_registered(_model):
        _registered = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(
                _registered.__name__,
                (_registered,),
                {"audit_name": lambda self, obj: f"{obj.username} ({obj.ip_address})"},
            ),
        )
