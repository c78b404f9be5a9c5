"""The city target programme: tasks, measures, executors, funding and indicators; quarterly
progress from executors; and generated reports (a report is a row with a status and a file)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal import domains
from portal.bilingual import in_reader_language
from portal.models import Organisation


def _sane_year(field: str = "year") -> Q:
    return Q(**{f"{field}__gte": domains.EARLIEST_YEAR, f"{field}__lte": domains.LATEST_YEAR})


def _sane_amount(field: str, maximum) -> Q:
    # In PostgreSQL NaN sorts above every number, so "< maximum" refuses NaN as well.
    return Q(**{f"{field}__gte": 0, f"{field}__lt": maximum})


def _sane_date(field: str, *, nullable: bool = False) -> Q:
    bounded = Q(**{f"{field}__gte": domains.EARLIEST_DATE, f"{field}__lt": domains.LATEST_DATE})
    return Q(**{f"{field}__isnull": True}) | bounded if nullable else bounded


class Programme(models.Model):
    code = models.SlugField(_("code"), unique=True)
    title = models.TextField(_("title"))
    title_en = models.TextField(_("title in English"), blank=True)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    approved_by = models.TextField(_("approving decision"), blank=True)
    responsible = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("responsible executor"),
    )
    illustrative = models.BooleanField(_("illustrative data"), default=False)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=_sane_year("year_from")
                & _sane_year("year_to")
                & Q(year_from__lte=models.F("year_to")),
                name="programme_years_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the reader's language (portal.bilingual)."""
        return in_reader_language(self.title, self.title_en)


class ProgrammeTask(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("programme")
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("task"))
    title_en = models.TextField(_("task in English"), blank=True)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="task_code")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        """The task in the reader's language (portal.bilingual)."""
        return in_reader_language(self.title, self.title_en)


class Measure(models.Model):
    task = models.ForeignKey(
        ProgrammeTask, on_delete=models.CASCADE, related_name="measures", verbose_name=_("task")
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("measure"))
    title_en = models.TextField(_("measure in English"), blank=True)
    executors = models.ManyToManyField(
        Organisation, related_name="programme_measures", verbose_name=_("executors")
    )
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, validators=[domains.validate_planning_date]
    )

    class Meta:
        ordering = ["task__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["task", "code"], name="measure_code"),
            models.CheckConstraint(
                condition=_sane_date("deadline", nullable=True), name="measure_deadline_sane"
            ),
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        """The measure in the reader's language (portal.bilingual)."""
        return in_reader_language(self.title, self.title_en)


class FundingSource(models.TextChoices):
    CITY_BUDGET = "city_budget", _("city budget")
    OTHER = "other", _("other sources")


class Funding(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="funding", verbose_name=_("measure")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=16, choices=FundingSource.choices)
    amount = models.DecimalField(
        _("planned, thousand UAH"),
        max_digits=12,
        decimal_places=1,
        validators=[domains.validate_money],
    )

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "source"], name="funding_once"),
            models.CheckConstraint(
                condition=_sane_year() & _sane_amount("amount", domains.MONEY_MAX),
                name="funding_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.year} {self.amount}"


class Indicator(models.Model):
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("measure")
    )
    code = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("indicator"))
    title_en = models.TextField(_("indicator in English"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    unit_en = models.CharField(_("unit in English"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code}. {self.display_title}"

    @property
    def display_title(self) -> str:
        """The indicator in the reader's language (portal.bilingual)."""
        return in_reader_language(self.title, self.title_en)

    @property
    def display_unit(self) -> str:
        return in_reader_language(self.unit, self.unit_en)


class IndicatorPlan(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="plans", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(
        _("planned value"),
        max_digits=12,
        decimal_places=1,
        validators=[domains.validate_indicator_value],
    )

    class Meta:
        verbose_name = _("indicator plan")
        verbose_name_plural = _("indicator plans")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="plan_once"),
            models.CheckConstraint(
                condition=_sane_year() & _sane_amount("value", domains.INDICATOR_MAX),
                name="plan_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}"


class ReportingWindow(models.Model):
    """Entering progress for a quarter closes at a deadline the secretariat sets."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    deadline = models.DateTimeField(
        _("deadline for entering"), validators=[domains.validate_planning_date]
    )

    class Meta:
        verbose_name = _("reporting window")
        verbose_name_plural = _("reporting windows")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="window_once"),
            models.CheckConstraint(
                condition=_sane_year()
                & Q(quarter__gte=1, quarter__lte=4)
                & Q(deadline__gte=domains.EARLIEST_MOMENT, deadline__lt=domains.LATEST_MOMENT),
                name="window_sane",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Quarter %(quarter)s of %(year)s") % {
            "quarter": self.quarter,
            "year": self.year,
        }


class ProgressStatus(models.TextChoices):
    DONE = "done", _("done")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_DONE = "not_done", _("not done")
    CANCELLED = "cancelled", _("cancelled")


class Progress(models.Model):
    """One executor's report on one measure for one quarter (cumulative from 1 January).

    Until it is submitted (`submitted_at` empty) it is the executor's draft: it may lack the
    status and the spending, and no report, statistic or secretariat page counts it."""

    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="progress", verbose_name=_("measure")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProgressStatus.choices, blank=True
    )
    spent = models.DecimalField(
        _("spent since 1 January, thousand UAH"),
        max_digits=12,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[domains.validate_money],
    )
    narrative = models.TextField(_("what was done"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    late = models.BooleanField(_("entered after the deadline"), default=False)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    draft_saved_at = models.DateTimeField(_("draft saved"), null=True, blank=True)
    draft_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("draft saved by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("quarterly progress")
        verbose_name_plural = _("quarterly progress reports")
        ordering = ["measure__code", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "quarter"], name="progress_once"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="progress_quarter"
            ),
            models.CheckConstraint(
                condition=_sane_year() & _sane_amount("spent", domains.MONEY_MAX),
                name="progress_sane",
            ),
            # A submitted report has its status and its spending; only a draft may lack them.
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | (~Q(status="") & Q(spent__isnull=False)),
                name="progress_submitted_complete",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Measure %(code)s, quarter %(quarter)s of %(year)s") % {
            "code": self.measure.code,
            "quarter": self.quarter,
            "year": self.year,
        }

    @property
    def is_draft(self) -> bool:
        return self.submitted_at is None


class IndicatorActual(models.Model):
    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    value = models.DecimalField(
        _("actual value since 1 January"),
        max_digits=12,
        decimal_places=1,
        validators=[domains.validate_indicator_value],
    )

    class Meta:
        verbose_name = _("indicator fact")
        verbose_name_plural = _("indicator facts")
        constraints = [
            models.UniqueConstraint(fields=["progress", "indicator"], name="actual_once"),
            models.CheckConstraint(
                condition=_sane_amount("value", domains.INDICATOR_MAX), name="actual_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"


class ReportKind(models.TextChoices):
    QUARTER = "quarter", _("quarter")
    NINE_MONTHS = "9months", _("9 months")
    YEAR = "year", _("year")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    # Beside a version's "draft" or "final", "done" read as if the report were finished.
    DONE = "done", pgettext_lazy("a report's file", "ready")
    FAILED = "failed", _("failed")


class RunNotice(models.TextChoices):
    """What the run's page tells the reader about a run that did not go smoothly; the technical
    cause stays in `error` and the log, never on the page."""

    NONE = "", ""
    RETRYING = "retrying", _("retrying after an error")
    INTERRUPTED = "interrupted", _("interrupted and started again")


class ReportRun(models.Model):
    """A generated report: the task fills it, the page polls it. Runs are kept as versions."""

    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    locale = models.CharField(_("language"), max_length=5, default="uk")
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("share done"), default=0)
    # The technical cause of the last failure, for the log and the administrator; the page shows
    # `notice` and the status in words instead.
    error = models.TextField(_("error"), blank=True)
    notice = models.CharField(
        _("explanation on the page"),
        max_length=12,
        choices=RunNotice.choices,
        blank=True,
        default="",
    )
    # How many times rendering started: a run whose worker died is started again
    # (programme.reporting.report_runs_resume), a bounded number of times.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("report file"), upload_to="reports/", blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # A run is a draft (marked as such on every page of its PDF) until the secretariat, having
    # written the narrative (DOMAIN.md §5, part 5) on the run's page, orders the final version.
    final = models.BooleanField(_("final version"), default=False)
    narrative = models.TextField(_("narrative of the secretariat"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    created_at = models.DateTimeField(_("ordered at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "period_end", "version"], name="run_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}"


# --- statistics rollups (programme.rollups; kept by triggers, migration 0012) ----------------


class RollupDirty(models.Model):
    """A Kyiv day whose rollups must be recomputed from the base tables before they are read."""

    domain = models.CharField(max_length=16)  # "cases" (by report day) or "orders" (start day)
    day = models.DateField()

    class Meta:
        verbose_name = _("day to recount")
        verbose_name_plural = _("days to recount")
        constraints = [models.UniqueConstraint(fields=("domain", "day"), name="rollup_dirty_once")]

    def __str__(self) -> str:
        return f"{self.domain} {self.day}"


class DayCount(models.Model):
    """How many facts of one kind a Kyiv day has: cases by channel, district or form; urgent
    orders by initiator. Additive, so a period is a sum over its days."""

    domain = models.CharField(max_length=16)
    day = models.DateField()
    figure = models.CharField(max_length=32)
    key = models.CharField(max_length=64, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("count of a day")
        verbose_name_plural = _("counts of days")
        constraints = [
            models.UniqueConstraint(
                fields=("domain", "day", "figure", "key"), name="day_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.figure} {self.key}: {self.n}"


class PersonDay(models.Model):
    """One person in one role on one Kyiv day of reports, for the figures that count people
    (victims by sex and age, repeat victims, children affected, offenders): people are not
    additive over days, so a period counts distinct ids over its days. An id only, never a
    name; never shown."""

    kind = models.CharField(max_length=16)  # victim, child_witness, offender
    day = models.DateField()
    person_id = models.BigIntegerField()
    service = models.CharField(max_length=32, blank=True, default="")  # kind "served"
    sex = models.CharField(max_length=8, null=True, blank=True)
    age_group = models.CharField(max_length=8)  # on that day; programme.figures.age_group
    # A victim reported earlier than her last report of the day (a repeat victim).
    earlier = models.BooleanField(default=False)
    # The person's previous day in the same family of rows (programme.rollups.POINTERS): a
    # row counts towards "distinct people in [a, b]" when it is the first of its family in
    # the period, i.e. its previous day is before `a` or there is none. This turns the
    # distinct counts into plain counts over an index.
    prev_kind = models.DateField(null=True)
    prev_repeat = models.DateField(null=True)
    prev_group = models.DateField(null=True)
    prev_child = models.DateField(null=True)

    class Meta:
        verbose_name = _("person's day of reports")
        verbose_name_plural = _("people's days of reports")
        constraints = [
            models.UniqueConstraint(
                fields=("kind", "day", "person_id", "service"), name="person_day_once"
            )
        ]
        indexes = [
            models.Index(fields=["person_id", "kind", "day"], name="person_day_person"),
            # Everything the period counts read, so that they are index-only scans.
            models.Index(
                fields=["day"],
                include=[
                    "kind",
                    "sex",
                    "age_group",
                    "earlier",
                    "prev_kind",
                    "prev_repeat",
                    "prev_group",
                    "prev_child",
                ],
                name="person_day_counting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"


class PeopleCount(models.Model):
    """The PersonDay rows counted by all that the period figures read (programme.rollups.people
    and served): most people have no earlier day in any family, so a day's rows for thousands
    of people become a few dozen, and a period's count of people reads an eighth as many rows
    (2.4 million to 0.3 million at a million cases). Derived from PersonDay by the same
    refresh, for the days whose rows changed; counts only, never an id."""

    day = models.DateField()
    kind = models.CharField(max_length=16)
    service = models.CharField(max_length=32, blank=True, default="")
    sex = models.CharField(max_length=8, null=True, blank=True)
    age_group = models.CharField(max_length=8)
    earlier = models.BooleanField(default=False)
    prev_kind = models.DateField(null=True)
    prev_repeat = models.DateField(null=True)
    prev_group = models.DateField(null=True)
    prev_child = models.DateField(null=True)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("count of people")
        verbose_name_plural = _("counts of people")
        indexes = [models.Index(fields=["day"], name="people_count_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}: {self.n}"


class Stay(models.Model):
    """A stay in a shelter or a crisis room (an accepted referral for a bed), once per
    referral (person_id NULL, for the bed-days) and once per victim of its case (for the
    people placed). Stays overlap periods and run until today while open, so they are kept
    as intervals, not by day; refreshed with the day the referral was sent."""

    referral_id = models.BigIntegerField()
    sent_day = models.DateField()
    service = models.CharField(max_length=32)
    person_id = models.BigIntegerField(null=True)
    start_day = models.DateField(null=True)
    end_day = models.DateField(null=True)  # None: still open

    class Meta:
        verbose_name = _("stay in a shelter")
        verbose_name_plural = _("stays in shelters")
        indexes = [
            models.Index(fields=["sent_day"], name="stay_sent_day"),
            models.Index(
                fields=["service", "start_day"],
                include=["end_day", "person_id"],
                name="stay_overlap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.start_day}–{self.end_day}"


# The council's models live in programme.council and register under this app.
from programme.council.models import *  # noqa: E402, F403
from programme.structure.models import *  # noqa: E402, F403
