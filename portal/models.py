from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit_words import DETAIL_LENGTH
from portal.bilingual import in_reader_language, reads_english
from portal.roles import Role


class DistrictQuerySet(models.QuerySet):
    def display_names(self) -> dict[str, str]:
        """Slug → name in the reader's language, in the districts' order."""
        return {d.slug: d.display_name for d in self.order_by("position", "name")}


class District(models.Model):
    """One of the ten districts (райони) of Kyiv, loaded by a data migration."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80)
    left_bank = models.BooleanField(_("left bank"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (portal.bilingual)."""
        return in_reader_language(self.name, self.name_en)


class OrganisationKind(models.TextChoices):
    """The subjects (суб'єкти) of Law 2229-VIII art. 6 as Kyiv has them."""

    DISTRICT_ADMINISTRATION = "district_admin", _("District state administration")
    DEPARTMENT = "department", _("Department of Social and Veteran Policy")
    CITY_CENTRE = "city_centre", _("City Centre for Gender Equality and Countering Violence")
    SOCIAL_SERVICES_CENTRE = "social_services", _("Centre of social services")
    CHILDREN_SERVICE = "children_service", _("Service for children and family")
    POLICE_UNIT = "police", _("Police unit")
    HEALTH_FACILITY = "health", _("Health facility")
    EDUCATION = "education", _("Education institution")
    LEGAL_AID_CENTRE = "legal_aid", _("Free legal aid centre")
    SHELTER = "shelter", _("Shelter")
    CRISIS_ROOM = "crisis_room", _("Crisis room")
    MOBILE_TEAM = "mobile_team", _("Mobile team of social and psychological help")
    DAY_CENTRE = "day_centre", _("Day centre")
    COUNSELLING = "counselling", _("Counselling service")
    HOTLINE = "hotline", _("Hotline")
    NGO = "ngo", _("Non-governmental organisation")
    COURT = "court", _("Court")
    PROSECUTION = "prosecution", _("Prosecution")
    PROBATION = "probation", _("Probation")
    OFFENDER_PROGRAMME = "offender_programme", _("Offender programme provider")


class Organisation(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Stable short code used in routing plans and data files."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    name_en = models.CharField(_("name in English"), max_length=255, blank=True)
    short_name_en = models.CharField(_("short name in English"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="organisations",
        verbose_name=_("districts served"),
        help_text=_("Leave empty for an organisation that serves the whole city."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    address_confidential = models.BooleanField(
        _("address is confidential"),
        default=False,
        help_text=_("Shelter addresses are never shown outside the shelter and coordinators."),
    )
    under_memorandum = models.BooleanField(_("works under a memorandum"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    # Each organisation has its own permission group, so that guardian can grant object
    # permissions to "everyone acting for this organisation".
    group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="organisation",
        editable=False,
        verbose_name=_("permission group"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self) -> str:
        return self.display_short_name

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=f"org:{self.code}")
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        """The full name in the reader's language (portal.bilingual)."""
        return in_reader_language(self.name, self.name_en)

    @property
    def display_short_name(self) -> str:
        """The short name in the reader's language; a reader of English gets the English full
        name before a Ukrainian short one."""
        if reads_english() and (self.short_name_en or self.name_en):
            return self.short_name_en or self.name_en
        return self.short_name or self.name

    @property
    def city_wide(self) -> bool:
        return not self.districts.exists()


class User(AbstractUser):
    """A person who signs in. What they may do comes from their memberships."""

    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # A role given in the Django admin starts inactive and is activated by ANOTHER administrator
    # (portal.admin): no single administrator can give anyone — or a second account of their
    # own — access to victims' data.
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["organisation", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation}"


class RolePolicy(models.Model):
    """Per-role security settings that administrators change without a deployment."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, unique=True)
    require_two_factor = models.BooleanField(_("require two-factor sign-in"), default=False)

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self) -> str:
        return self.get_role_display()


class AuditAction(models.TextChoices):
    VIEW = "view", _("View")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    DOWNLOAD = "download", _("Download")
    LOGIN = "login", _("Sign-in")
    LOGOUT = "logout", _("Sign-out")
    LOGIN_FAILED = "login_failed", _("Failed sign-in")
    LOCKED_OUT = "locked_out", _("Account locked")
    PERMISSION_DENIED = "permission_denied", _("Permission denied")


class AuditEvent(models.Model):
    """Append-only record of who did what. PostgreSQL itself refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database FK on purpose: deleting a user must not touch (or be blocked by) history.
    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=DETAIL_LENGTH, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["action", "at"]),
            # The audit log's filters by organisation and by a typed user name (failed sign-ins).
            models.Index(fields=["organisation", "at"], name="portal_audit_org_at"),
            models.Index(fields=["username", "at"], name="portal_audit_username_at"),
        ]

    def __str__(self) -> str:
        # The admin's title of an event: Kyiv time and words, as on the audit page.
        return f"{timezone.localtime(self.at):%d.%m.%Y %H:%M} · {self.get_action_display()}"


class Notification(models.Model):
    """An in-app notice in the header bell; optionally mailed as well."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Makes sending idempotent: the same event never notifies the same user twice.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class OutboxMessage(models.Model):
    """A Celery task to be sent, written in the same transaction as the change that asks for it
    (a transactional outbox). When Redis is down the row waits and `portal.outbox` sends it once
    the broker is back; a request never hangs on the broker and nothing asked for is lost. Tasks
    sent this way are idempotent, so the rare second delivery (the broker took a message but the
    database went away before the row was marked sent) does nothing twice."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("task waiting to be sent")
        verbose_name_plural = _("tasks waiting to be sent")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="portal_outbox_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
