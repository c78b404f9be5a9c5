"""Reads for merging duplicates, always from the user. A head or a coordinator may merge a
person only when they see every case she is in: a head never rewrites a record that another
organisation's cases rely on without seeing them (a coordinator sees them all). Anything else
is answered like a missing record (404)."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.merge.models import PersonMerge
from cases.models import Participant, Person
from cases.selectors import (
    people_visible_to,
    visible_case_exists,
    visible_cases_q,
)
from portal.caching import refreshed_aggregate
from portal.roles import Capability, can, get_object_for_user

UNDO_DAYS = 30
FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "approximate_age",
    "disability",
    "displaced",
    "veteran",
    "phone",
    "address",
)


def mergeable_people(user) -> QuerySet[Person]:
    if not can(user, Capability.PERSON_MERGE):
        return Person.objects.none()
    people = people_visible_to(user)
    if visible_cases_q(user) is None:
        return people  # every case is visible: no participation is hidden
    # A participation in a case the user may not open, checked per participation by the
    # case's key (not by building the set of every visible case first).
    unseen = Participant.objects.filter(person=OuterRef("pk")).exclude(visible_case_exists(user))
    return people.filter(~Exists(unseen))


def person_to_merge(*, user, pk) -> Person:
    return get_object_for_user(mergeable_people(user), pk)


def duplicate_candidates(*, user, person: Person) -> list[Person]:
    """Records that may be the same person: a similar surname and first name (trigram), the
    same birth date or none; those the user may merge only."""
    people = (
        mergeable_people(user)
        .filter(
            last_name__trigram_similar=person.last_name,
            first_name__trigram_similar=person.first_name,
        )
        .exclude(pk=person.pk)
    )
    if person.birth_date:
        people = people.filter(birth_date=person.birth_date) | people.filter(
            birth_date__isnull=True, last_name__trigram_similar=person.last_name
        )
    return list(people.order_by("last_name", "first_name", "pk")[:20])


def differing_fields(kept: Person, duplicate: Person) -> list[dict]:
    return [
        {
            "name": field,
            "label": Person._meta.get_field(field).verbose_name,
            "kept": _shown(kept, field),
            "duplicate": _shown(duplicate, field),
        }
        for field in FIELDS
        if getattr(kept, field) != getattr(duplicate, field)
    ]


def _shown(person: Person, field: str) -> str:
    value = getattr(person, field)
    if field == "sex":
        return person.get_sex_display()
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        from django.utils.translation import gettext as _

        return _("yes") if value else _("no")
    return str(value)


def merge_for_user(*, user, pk) -> PersonMerge:
    if not can(user, Capability.PERSON_MERGE):
        raise Http404
    return get_object_for_user(
        PersonMerge.objects.filter(kept__in=mergeable_people(user).values("pk")).select_related(
            "kept", "duplicate", "merged_by", "undone_by"
        ),
        pk,
    )


def merges_into(person) -> list[PersonMerge]:
    """The merges that kept `person` (already resolved through the user's scope), newest first."""
    return list(
        PersonMerge.objects.filter(kept=person)
        .select_related("duplicate")
        .order_by("-merged_at", "-pk")
    )


def undo_deadline(merge: PersonMerge):
    return merge.merged_at + timedelta(days=UNDO_DAYS)


def may_undo(merge: PersonMerge) -> bool:
    return merge.undone_at is None and timezone.now() <= undo_deadline(merge)


# How many of the newest people the head's panel looks at: enough for a month of an
# organisation's intake, and each look is one trigram probe (docs/performance.md).
RECENT_PEOPLE_CHECKED = 50


def recent_possible_duplicates(user, *, organisation_id: int, limit: int = 5) -> list[Person]:
    """For the head's dashboard: people registered in the organisation's cases in the last 30
    days who have a similar record (surname and first name alike, the same birth date or none)
    that the head may merge with — what the intake's "possibly already known" finding left for
    someone to decide. The newest RECENT_PEOPLE_CHECKED people are looked at, newest first,
    until `limit` are found, and only records the head could merge are counted or shown.

    The pairs are the same for every head of the organisation and change only with intake, so
    they are found at most once a minute (ids only in the cache, never a name); which of them
    this head may merge, and the people shown, are read on every view."""
    if not can(user, Capability.PERSON_MERGE):
        return []
    pairs = similar_pairs(organisation_id=organisation_id)["value"]
    if not pairs:
        return []
    # Only records the head may merge count, on either side (one query over these ids).
    involved = {person_id for person_id, _others in pairs} | {
        other for _person_id, others in pairs for other in others
    }
    mergeable = set(mergeable_people(user).filter(pk__in=involved).values_list("pk", flat=True))
    shown = [
        person_id
        for person_id, others in pairs
        if person_id in mergeable and set(others) & mergeable
    ][:limit]
    people = Person.objects.in_bulk(shown)
    return [people[person_id] for person_id in shown if person_id in people]


@refreshed_aggregate("merge:similar")
def similar_pairs(organisation_id: int) -> list[tuple[int, list[int]]]:
    """The organisation's newest people (at most RECENT_PEOPLE_CHECKED, newest first), each with
    the ids of the records similar to it; people without one are left out."""
    recent = list(
        Person.objects.filter(
            created_at__gte=timezone.now() - timedelta(days=UNDO_DAYS),
            pk__in=Participant.objects.filter(case__owner_id=organisation_id).values("person_id"),
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:RECENT_PEOPLE_CHECKED]
    )
    if not recent:
        return []
    # Every (recent person, similar record) pair in one query. Records are found by the birth
    # date (or its absence) through its index, then compared by name: the same test as pg_trgm's
    # `%` operator, written as similarity() so that PostgreSQL does not probe the surname
    # trigram index, which returns thousands of namesakes for a common surname.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, q.id FROM cases_person p JOIN cases_person q "
            "ON (q.birth_date = p.birth_date OR q.birth_date IS NULL) AND q.id <> p.id "
            "AND similarity(q.last_name, p.last_name) "
            ">= current_setting('pg_trgm.similarity_threshold')::real "
            "AND similarity(q.first_name, p.first_name) "
            ">= current_setting('pg_trgm.similarity_threshold')::real "
            "WHERE p.id = ANY(%s)",
            [recent],
        )
        found = cursor.fetchall()
    similar: dict[int, list[int]] = {}
    for person_id, other_id in found:
        similar.setdefault(person_id, []).append(other_id)
    return [(person_id, sorted(similar[person_id])) for person_id in recent if person_id in similar]
