"""The choices of a case's fields: forms of violence, statuses, channels, intake scenarios, risk
levels, needs, sex, participants' roles and relationships (the codes are stored, the labels
shown). Kept apart from `cases.models`, which re-exports them, to keep that module readable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ViolenceForm(models.TextChoices):
    # Law 2229-VIII art. 1: the four forms; an incident can have several at once.
    PHYSICAL = "physical", _("physical")
    SEXUAL = "sexual", _("sexual")
    PSYCHOLOGICAL = "psychological", _("psychological")
    ECONOMIC = "economic", _("economic")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_WORK = "in_work", _("In work")
    REFERRED = "referred", _("Referred")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    POLICE = "police", _("From the police")
    HOTLINE = "hotline", _("Hotline")
    SCHOOL = "school", _("From a school")
    HEALTH = "health", _("From a health facility")
    CHILDREN_SERVICE = "children_service", _("From the service for children")
    OTHER_SUBJECT = "other_subject", _("From another subject")
    ONLINE = "online", _("Online / e-mail")
    OTHER = "other", _("Other")


class IntakeScenario(models.IntegerChoices):
    # The five intake scenarios of the local interaction procedures (DOMAIN.md §4).
    VICTIM_IN_PERSON = 1, _("The victim reports in person")
    THIRD_PARTY = 2, _("Someone else reports, or another subject passes it on")
    INCAPACITATED = 3, _("The victim lacks legal capacity")
    VICTIM_TO_POLICE = 4, _("The victim reports to the police")
    THIRD_PARTY_TO_POLICE = 5, _("A third party reports to the police")


class RiskLevel(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class Need(models.TextChoices):
    SHELTER = "shelter", _("safe accommodation")
    MEDICAL = "medical", _("medical help")
    PSYCHOLOGICAL = "psychological", _("psychological help")
    LEGAL = "legal", _("legal help")
    SOCIAL = "social", _("social services")
    FINANCIAL = "financial", _("financial support")
    CHILDREN = "children", _("help for children")
    OFFENDER_PROGRAMME = "offender_programme", _("offender programme")
    OTHER = "other", _("other")


class Sex(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


class ParticipantRole(models.TextChoices):
    VICTIM = "victim", _("victim")
    OFFENDER = "offender", _("offender")
    CHILD_WITNESS = "child_witness", _("child witness")
    # Law 2229-VIII art. 1: a child who saw or heard the violence is a victim in their own right
    # (CHILD_WITNESS); a child of the household who did not is recorded as a child in the case.
    CHILD = "child", _("child in the family")
    OTHER = "other", _("other")


class Relationship(models.TextChoices):
    # DOMAIN.md §1: relationship of the offender to the victim (характер відносин).
    SPOUSE = "spouse", _("spouse")
    FORMER_SPOUSE = "former_spouse", _("former spouse")
    FIANCE = "fiance", _("fiancé(e)")
    COHABITANT = "cohabitant", _("cohabitant")
    FORMER_COHABITANT = "former_cohabitant", _("former cohabitant")
    COMMON_CHILD = "common_child", _("person with a common child")
    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    GRANDPARENT = "grandparent", _("grandparent or grandchild")
    STEP = "step", _("stepparent or stepchild")
    SIBLING = "sibling", _("sibling")
    OTHER_RELATIVE = "other_relative", _("other relative")
    GUARDIAN = "guardian", _("guardian or ward")
    FOSTER = "foster", _("foster parent or child")
    HOUSEHOLD = "household", _("other member of the household")
