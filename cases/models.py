"""A case of domestic or gender-based violence, the people in it, and everything recorded on it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

# The fields' choices live in cases.choices; imported here, where the rest of the code finds them.
from cases.choices import (
    CaseStatus,
    Channel,
    IntakeScenario,
    Need,
    ParticipantRole,
    Relationship,
    RiskLevel,
    Sex,
    ViolenceForm,
)

# Closure requests and transfers of the lead live in cases.lifecycle and register under this app.
from cases.lifecycle.models import (  # noqa: F401
    CaseTransfer,
    ClosureReason,
    ClosureRequest,
    ClosureStatus,
    TransferStatus,
)
from portal import domains
from portal.bilingual import in_reader_language
from portal.calendar import person_age
from portal.models import District, Organisation


class CaseNumberCounter(models.Model):
    """Last number issued per year; locked with SELECT … FOR UPDATE when a case is registered."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisation")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
        null=True,
        blank=True,
        verbose_name=_("responsible worker"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="cases", verbose_name=_("district")
    )
    channel = models.CharField(_("how the report came in"), max_length=32, choices=Channel.choices)
    intake_scenario = models.PositiveSmallIntegerField(
        _("intake scenario"),
        choices=IntakeScenario.choices,
        default=IntakeScenario.VICTIM_IN_PERSON,
    )
    reported_at = models.DateTimeField(_("reported at"))
    reporter_contact = models.CharField(_("reporter's contact"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When its personal data were replaced by placeholders (cases.services.depersonalise).
    depersonalised_at = models.DateTimeField(_("depersonalised at"), null=True, blank=True)
    # cases.lifecycle.ClosureReason; the text is required for "other" and kept as said.
    close_reason_code = models.CharField(
        _("reason for closing"),
        max_length=20,
        choices=ClosureReason.choices,
        blank=True,
        default="",
    )
    close_reason = models.CharField(_("reason for closing, in words"), max_length=500, blank=True)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the responsible worker and the coordinators see a confidential case."),
    )
    consent_to_share = models.BooleanField(
        _("victim consents to sharing data with providers"), default=False
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("consent recorded by"),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    children_service_notified = models.BooleanField(
        _("service for children notified"),
        default=False,
        help_text=_("Law 2229-VIII: the service for children is told of every child victim."),
    )
    # Denormalised from incidents, risk and needs so that list filters are single-table and indexed.
    forms = ArrayField(
        models.CharField(max_length=16, choices=ViolenceForm.choices),
        default=list,
        blank=True,
        verbose_name=_("forms of violence"),
    )
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    has_children = models.BooleanField(_("children involved"), default=False)
    # Optimistic lock: a form carries the version it was read at; a save of an older one is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # The newest timeline entry's moment, kept by the database (a trigger on cases_caseevent,
    # migration cases 0013) so that no write path can forget it; Django never writes it (save()).
    # The head's "quiet cases" panel reads it through the index case_quiet.
    last_activity_at = models.DateTimeField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["updated_at", "last_activity_at"])

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        permissions = [("edit_case", _("Can edit the case"))]
        indexes = [
            models.Index(fields=["owner", "-reported_at"]),
            models.Index(fields=["district", "-reported_at"]),
            models.Index(fields=["responsible", "status"]),
            models.Index(fields=["status", "-reported_at"]),
            models.Index(fields=["-reported_at", "-id"]),
            models.Index(fields=["risk_level", "status"]),
            GinIndex(fields=["forms"], name="case_forms_gin"),
            # The search box's part of a number ("0166574"): icontains is UPPER(number) LIKE.
            GinIndex(OpClass(Upper("number"), name="gin_trgm_ops"), name="case_number_trgm"),
            models.Index(
                fields=["owner", "last_activity_at"],
                condition=~models.Q(status="closed"),
                name="case_quiet",
            ),
        ]
        constraints = [
            # A closed case says why (a reason from the list); "other" says it in words.
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(close_reason_code=""),
                name="case_closed_needs_reason_code",
            ),
            models.CheckConstraint(
                condition=~models.Q(close_reason_code="other") | ~models.Q(close_reason=""),
                name="case_other_reason_needs_text",
            ),
            # portal.domains: the form also refuses a moment after now + 10 minutes.
            models.CheckConstraint(
                condition=models.Q(
                    reported_at__gte=domains.EARLIEST_MOMENT, reported_at__lt=domains.LATEST_MOMENT
                ),
                name="case_reported_at_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        # last_activity_at belongs to the database's trigger: an instance read before a timeline
        # entry was written must not put the older moment back.
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "last_activity_at"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Direct FK grants (guardian): a colleague covering a vacation gets `view_case` here.

    Every grant has an end: a coordinator's grant lapses after PORTAL_GRANT_DAYS, an
    administrator's break-the-glass access after PORTAL_BREAK_GLASS_MINUTES. Visibility checks
    `expires_at` in the same query, so a lapsed grant stops working at once."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    break_glass = models.BooleanField(_("break-the-glass access"), default=False)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("access to a case")
        verbose_name_plural = _("access to cases")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("organisation's access to a case")
        verbose_name_plural = _("organisations' access to cases")


class Person(models.Model):
    """A human being who may appear in several cases (repeat victims, repeat offenders)."""

    last_name = models.CharField(_("surname"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    disability = models.BooleanField(_("disability"), default=False)
    displaced = models.BooleanField(_("internally displaced person (ВПО)"), default=False)
    veteran = models.BooleanField(_("veteran"), default=False)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    # Lower-cased "surname first-name patronymic" for trigram search (GIN, pg_trgm).
    search_name = models.CharField(max_length=320, editable=False, db_index=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            GinIndex(fields=["search_name"], name="person_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["last_name"], name="person_surname_trgm", opclasses=["gin_trgm_ops"]),
            # The newest people first (the head's "possible duplicates").
            models.Index(fields=["-created_at"], name="person_newest"),
            models.Index(fields=["birth_date"]),
            models.Index(fields=["phone"]),
            # The search box's phone: its last nine digits, whatever the prefix.
            GinIndex(fields=["phone"], name="person_phone_trgm", opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_date__isnull=True)
                | models.Q(
                    birth_date__gte=domains.EARLIEST_BIRTH_DATE, birth_date__lt=domains.LATEST_DATE
                ),
                name="person_birth_date_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(approximate_age__isnull=True)
                | models.Q(approximate_age__lte=domains.MAX_AGE),
                name="person_approximate_age_sane",
            ),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in [self.last_name, self.first_name, self.patronymic] if p)

    def save(self, *args, **kwargs) -> None:
        self.search_name = str(self).lower()
        kwargs_fields = kwargs.get("update_fields")
        if kwargs_fields is not None:
            kwargs["update_fields"] = {*kwargs_fields, "search_name"}
        super().save(*args, **kwargs)

    def age_on(self, day: date) -> int | None:
        """Age on `day` by the one rule (portal.calendar): an infant is 0, an unknown age None."""
        return person_age(self.birth_date, self.approximate_age, day)


class Participant(models.Model):
    """A person in a case, with their role in it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role in the case"), max_length=16, choices=ParticipantRole.choices)
    relation_to_victim = models.CharField(
        _("relationship to the victim"), max_length=24, choices=Relationship.choices, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person in the case")
        verbose_name_plural = _("people in the case")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="participant_unique")
        ]
        indexes = [models.Index(fields=["person", "role"]), models.Index(fields=["case", "role"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class ViolenceSubtype(models.Model):
    """Editable reference data: sub-types under each form of violence."""

    form = models.CharField(_("form of violence"), max_length=16, choices=ViolenceForm.choices)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["form", "name"]
        verbose_name = _("sub-type of violence")
        verbose_name_plural = _("sub-types of violence")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (portal.bilingual)."""
        return in_reader_language(self.name, self.name_en)


class Incident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    forms = ArrayField(
        models.CharField(max_length=16, choices=ViolenceForm.choices),
        verbose_name=_("forms of violence"),
    )
    subtypes = models.ManyToManyField(ViolenceSubtype, blank=True, verbose_name=_("sub-types"))
    children_present = models.BooleanField(_("children were present"), default=False)
    injuries = models.BooleanField(_("injuries"), default=False)
    weapons = models.BooleanField(_("weapons used or threatened"), default=False)
    police_called = models.BooleanField(_("police called"), default=False)
    description = models.TextField(_("description"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["case", "-occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(forms__len__gt=0), name="incident_has_a_form"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    occurred_at__gte=domains.EARLIEST_MOMENT, occurred_at__lt=domains.LATEST_MOMENT
                ),
                name="incident_occurred_at_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.occurred_at:%d.%m.%Y}"


class RiskAssessment(models.Model):
    """One filled-in questionnaire; a case keeps every assessment as its history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    questionnaire_version = models.CharField(_("questionnaire version"), max_length=20)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel.choices)
    rule = models.CharField(_("rule that set the level"), max_length=40)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        indexes = [models.Index(fields=["case", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"


class NeedsAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs_assessments")
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    needs = ArrayField(
        models.CharField(max_length=24, choices=Need.choices),
        default=list,
        blank=True,
        verbose_name=_("needs"),
    )
    accompanying_children = models.PositiveSmallIntegerField(_("accompanying children"), default=0)
    special_needs = models.CharField(_("special needs"), max_length=500, blank=True)
    other = models.CharField(_("other needs"), max_length=500, blank=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")
        indexes = [models.Index(fields=["case", "-assessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accompanying_children__lte=domains.MAX_ACCOMPANYING_CHILDREN),
                name="needs_children_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {', '.join(self.needs)}"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:50]


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=255)
    due_date = models.DateField(_("due date"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_tasks",
        null=True,
        blank=True,
        verbose_name=_("assignee"),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_date"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "done_at", "due_date"])]
        constraints = [
            # The form keeps due dates within today + 5 years; the database within the century.
            models.CheckConstraint(
                condition=models.Q(
                    due_date__gte=domains.EARLIEST_DATE, due_date__lt=domains.LATEST_DATE
                ),
                name="task_due_date_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.title


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random names: the original name is kept in the row, never in the path.
    import uuid

    # The service passes "upload.<detected extension>"; only that extension is kept.
    extension = filename[filename.rfind(".") :] if "." in filename else ""
    return f"attachments/{instance.case_id}/{uuid.uuid4().hex}{extension}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(_("description"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class CaseEvent(models.Model):
    """The case timeline: every change, note, referral and order, with who did it.

    Other apps add entries through `cases.services.timeline_record(...)`.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    kind = models.CharField(max_length=40)  # e.g. "case.created", "order.issued"
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)  # e.g. a field-by-field diff
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("case timeline entry")
        verbose_name_plural = _("case timeline entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"])]

    def __str__(self) -> str:
        return self.summary


class RetentionPolicy(models.Model):
    """How long a closed case keeps its personal data (art. 16 of the Law): one row, edited by
    an administrator; the daily job and `manage.py depersonalise` read it."""

    years_after_closure = models.PositiveSmallIntegerField(
        _("years after closure"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(75)],
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policy")

    def __str__(self) -> str:
        years = self.years_after_closure
        return ngettext(
            "personal data kept %(n)d year after a case is closed",
            "personal data kept %(n)d years after a case is closed",
            years,
        ) % {"n": years}

    @classmethod
    def current(cls) -> RetentionPolicy:
        return cls.objects.order_by("pk").first() or cls(years_after_closure=5)


class SavedFilter(models.Model):
    """A worker's named selection of the case list (its filters, never a searched name: a
    surname typed into the search would outlive the case it found)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_case_filters"
    )
    name = models.CharField(_("name"), max_length=60)
    query = models.CharField(_("filters"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_once")
        ]

    def __str__(self) -> str:
        return self.name


# The case plan and the safety plan live in their own sub-package; imported here so that they
# belong to this app (migrations, admin, `apps.get_model("cases", …)`).
from cases.merge.models import *  # noqa: E402, F403
from cases.plans.models import (  # noqa: E402, F401
    ActionStatus,
    CasePlan,
    CasePlanAction,
    CasePlanGoal,
    CasePlanRevision,
    CasePlanRevisionKind,
    CasePlanStatus,
    SafetyPlan,
    SafetyPlanRevision,
)
from cases.team.models import *  # noqa: E402, F403
