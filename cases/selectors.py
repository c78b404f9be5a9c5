"""Reads of cases, always starting from the user who reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import TrigramStrictWordSimilarity
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Case_
from django.db.models.functions import Coalesce, Concat, Left
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import extensions
from cases.models import (
    Case,
    CaseEvent,
    CaseGroupObjectPermission,
    CaseStatus,
    CaseTransfer,
    CaseUserObjectPermission,
    Participant,
    ParticipantRole,
    Person,
    SavedFilter,
    Sex,
    TransferStatus,
)
from cases.search import NAME_WORD_LETTERS, letters, search_cases
from portal.roles import Capability, acting_membership, can, get_object_for_user, parse_id


def live_grants(user, codename: str) -> QuerySet[CaseUserObjectPermission]:
    """The user's grants of `codename` that have not lapsed (no expiry: granted before expiry
    existed, kept until a coordinator revokes it)."""
    return CaseUserObjectPermission.objects.filter(user=user, permission__codename=codename).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def visible_cases_q(user, prefix: str = "") -> Q | None:
    """The visibility rule as a Q over `prefix` (e.g. "case__" from orders or referrals), so that
    other apps filter through a join instead of `case_id IN (subquery)`, which PostgreSQL cannot
    combine with OR efficiently. None means "every case"; Q(pk__in=[]) means none.

    - coordinators (CASE_VIEW_ALL) see every case in the city, read-only;
    - members of the owning organisation see its cases, except confidential ones, which only
      the responsible worker sees;
    - a user granted `view_case` on a case (guardian, direct FK table) sees that case, a
      confidential one too: a coordinator decided it;
    - the user who registered a case for another organisation (police) still sees it, unless
      the case is confidential ("only the responsible worker and the coordinators see it": the
      offender may be a colleague of the officer who opened it), or unless the lead moved away
      from the user's organisation (cases.lifecycle: the sender loses the case);
    - when the lead moved to another organisation and the receiver let the sender keep reading
      it, the sending organisation's members see it read-only (a guardian grant of `view_case`
      to the organisation's group), except a confidential case;
    - everyone else — providers, the secretariat, programme executors — sees none.
    """
    membership = acting_membership(user)
    if membership is None:
        return Q(pk__in=[])
    if can(user, Capability.CASE_VIEW_ALL):
        return None
    case_ref = f"{prefix}pk" if prefix else "pk"
    granted = live_grants(user, "view_case").values("content_object_id")
    if not can(user, Capability.CASE_VIEW):
        if can(user, Capability.BREAK_GLASS):
            # An administrator sees exactly the cases opened by break-the-glass, while it lasts.
            return Q(one_of(case_ref, granted.filter(break_glass=True)))
        return Q(pk__in=[])
    p = prefix
    own_organisation = Q(**{f"{p}owner_id": membership.organisation_id}) & (
        Q(**{f"{p}confidential": False}) | Q(**{f"{p}responsible": user})
    )
    transferred_away = CaseTransfer.objects.filter(
        from_organisation_id=membership.organisation_id, status=TransferStatus.ACCEPTED
    ).values("case_id")
    kept_by_organisation = CaseGroupObjectPermission.objects.filter(
        group_id=membership.organisation.group_id, permission__codename="view_case"
    ).values("content_object_id")
    return (
        own_organisation
        | Q(**{f"{p}responsible": user})
        | (
            Q(**{f"{p}created_by": user})
            & Q(**{f"{p}confidential": False})
            & ~Q(one_of(case_ref, transferred_away))
        )
        | Q(one_of(case_ref, granted))
        | (Q(one_of(case_ref, kept_by_organisation)) & Q(**{f"{p}confidential": False}))
    )


class OneOf(Func):
    """`column = ANY(ARRAY(SELECT …))` as a condition."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def one_of(ref: str, ids: QuerySet) -> OneOf:
    """`ref = ANY(ARRAY(SELECT …))`: the grants and transfers of one user or organisation are a
    handful of ids, evaluated once; unlike EXISTS per row, the array is an index condition, so
    every branch of the visibility rule is an index scan (a BitmapOr) and PostgreSQL estimates
    a few hundred visible cases, not the whole table."""
    return OneOf(F(ref), ArraySubquery(ids))


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case `user` may open, in the role they act in now (see visible_cases_q)."""
    condition = visible_cases_q(user)
    return Case.objects.all() if condition is None else Case.objects.filter(condition)


def cases_led_by(user) -> QuerySet[Case]:
    """The open cases `user` leads and may see. Leading a case is a branch of the visibility
    rule of its own (visible_cases_q), so for whoever may see cases at all this is the plain
    filter, without the rule's other branches to compile and to plan on every dashboard; who
    may not see cases (a provider, the secretariat, an administrator) leads none."""
    if not (can(user, Capability.CASE_VIEW) or can(user, Capability.CASE_VIEW_ALL)):
        return Case.objects.none()
    return Case.objects.filter(responsible=user).exclude(status=CaseStatus.CLOSED)


def visible_case_exists(user, ref: str = "case_id") -> Exists | Q:
    """Whether the case `ref` points at is visible to `user`, checked per row by its key: for
    lists driven by a few rows of another table (a person's tasks, a unit's orders), where
    building the whole visible set of a large organisation would cost more than the list."""
    condition = visible_cases_q(user)
    if condition is None:
        return Q()
    return Exists(Case.objects.filter(condition, pk=OuterRef(ref)))


def cases_editable_by(user) -> QuerySet[Case]:
    """Cases `user` may change: their organisation's (confidential: the responsible worker's)
    and those granted `edit_case`. Coordinators read but do not edit."""
    membership = acting_membership(user)
    if membership is None or not can(user, Capability.CASE_EDIT):
        return Case.objects.none()
    granted = live_grants(user, "edit_case").filter(content_object=OuterRef("pk"))
    own_organisation = Q(owner_id=membership.organisation_id) & (
        Q(confidential=False) | Q(responsible=user)
    )
    return Case.objects.filter(own_organisation | Q(responsible=user) | Exists(granted))


# --- lists -----------------------------------------------------------------------------------

# The list's orders; "best" (the default) puts the closest names first when searching for a
# name (cases.search), and is newest first otherwise.
SORTS = {
    "best": "-reported_at",
    "reported": "-reported_at",
    "reported_asc": "reported_at",
    "number": "number",
    "risk": "risk_order",
    "status": "status",
}


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    district: str = ""  # slug
    risk_level: str = ""
    form: str = ""
    date_from: date | None = None
    date_to: date | None = None
    responsible: int | None = None
    has_children: bool | None = None
    sort: str = "best"


def _victim_name() -> Subquery:
    return Subquery(
        Participant.objects.filter(case=OuterRef("pk"), role=ParticipantRole.VICTIM)
        .order_by("pk")
        .annotate(
            full=Concat(
                "person__last_name", Value(" "), "person__first_name", output_field=CharField()
            )
        )
        .values("full")[:1]
    )


def _victim_initials() -> Subquery:
    """The victim's initials (surname, first name) for her code in lists: "ШО"."""
    return Subquery(
        Participant.objects.filter(case=OuterRef("pk"), role=ParticipantRole.VICTIM)
        .order_by("pk")
        .annotate(
            initials=Concat(
                Left("person__last_name", 1),
                Left("person__first_name", 1),
                output_field=CharField(),
            )
        )
        .values("initials")[:1]
    )


def victim_code(initials: str | None, number: str) -> str:
    """A victim as lists show her (Primero's GBV lists do the same): initials and the case's
    serial number, "ШО-000123"; the name is one audited click away (cases:victim_name)."""
    return f"{(initials or '').upper() or '—'}-{number.rsplit('-', 1)[-1]}"


# What a row of the case list shows (cases_tags.case_row), and nothing else: a case's summary,
# contacts and dates of record stay in the database; the list read them for 25 rows a page.
LIST_ROW_FIELDS = (
    "number",
    "reported_at",
    "confidential",
    "has_children",
    "forms",
    "risk_level",
    "status",
    "district__name",
    "district__name_en",
    "responsible__first_name",
    "responsible__last_name",
    "responsible__username",
)


def case_list_rows(*, user, filters: CaseFilters) -> QuerySet[Case]:
    """case_list with only the columns a row of the list shows."""
    return case_list(user=user, filters=filters).only(*LIST_ROW_FIELDS)


def case_list(*, user, filters: CaseFilters, names: bool = False) -> QuerySet[Case]:
    """The user's cases, filtered and sorted, with everything a list row shows in ONE query.
    A row carries the victim's initials for her code; her full name only when `names` (the
    export, a capability of its own)."""
    qs = cases_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.district:
        qs = qs.filter(district__slug=filters.district)
    if filters.risk_level:
        qs = qs.filter(risk_level=filters.risk_level)
    if filters.form:
        qs = qs.filter(forms__contains=[filters.form])
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(reported_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(reported_at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
    if filters.responsible:
        qs = qs.filter(responsible_id=filters.responsible)
    if filters.has_children is not None:
        qs = qs.filter(has_children=filters.has_children)
    qs = search_cases(qs, filters.q)
    if names:
        qs = qs.annotate(victim_name=_victim_name())
    qs = qs.select_related("district", "responsible").annotate(
        victim_initials=_victim_initials(),
        risk_order=Case_(
            When(risk_level="high", then=Value(0)),
            When(risk_level="medium", then=Value(1)),
            When(risk_level="low", then=Value(2)),
            default=Value(3),
        ),
    )
    order = SORTS.get(filters.sort, "-reported_at")
    if filters.sort == "best" and filters.q.strip():  # search_cases ranked what it found
        return qs.order_by("search_rank", order, "-id")
    return qs.order_by(order, "-id")


def _reader(user) -> tuple[object, object]:
    """Who reads, in the role they act in now: what a proof kept on a case instance is for."""
    membership = acting_membership(user)
    return (user.pk, membership.pk if membership else None)


def case_for_user(*, user, pk) -> Case:
    """One case the user may see, or 404 (the same answer for "missing" and "not yours").

    The instance remembers whom it was found for (case_shown_to): the sections of the case page
    then read the case's own orders, measures and referrals without compiling and planning the
    visibility rule once more for each of them."""
    case = get_object_for_user(
        cases_visible_to(user).select_related(
            "district", "owner", "responsible", "consent_recorded_by"
        ),
        pk,
    )
    case._shown_to = _reader(user)
    return case


def case_shown_to(user, case: Case) -> bool:
    """Whether `case` is an instance that case_for_user found for `user`, acting in the role
    they act in now, so that its visibility is proven for this request. An instance from
    anywhere else (a factory, a related object, another user's request) proves nothing: the
    callers then filter through the visibility rule as before."""
    return getattr(case, "_shown_to", None) == _reader(user)


def case_is_editable(*, user, case: Case) -> bool:
    """Whether `user` may change `case` (cases_editable_by).

    One page asks several times (the page, its plan and team tabs, an approval), so the answer
    is kept on the instance for this user, in their role, and for the lead the instance has.
    An instance lives for one request; services check again under a row lock."""
    key = (*_reader(user), case.owner_id, case.responsible_id, case.confidential)
    kept = getattr(case, "_editable", None)
    if kept is None or kept[0] != key:
        kept = (key, cases_editable_by(user).filter(pk=case.pk).exists())
        case._editable = kept
    return kept[1]


def case_page(*, case: Case) -> dict[str, object]:
    """Everything the case page shows, in a fixed number of queries."""
    participants = list(case.participants.select_related("person").order_by("role", "pk"))
    incidents = list(case.incidents.prefetch_related("subtypes").order_by("-occurred_at"))
    risks = list(case.risk_assessments.select_related("assessed_by").order_by("-assessed_at"))
    needs = case.needs_assessments.select_related("assessed_by").order_by("-assessed_at").first()
    notes = list(case.notes.select_related("author").order_by("-created_at")[:50])
    tasks = list(case.tasks.select_related("assignee").order_by("done_at", "due_date"))
    attachments = list(case.attachments.select_related("uploaded_by"))
    repeat = _repeat_counts(case, participants)
    return {
        "participants": participants,
        "victims": [str(p.person) for p in participants if p.role == ParticipantRole.VICTIM],
        "incidents": incidents,
        "risks": risks,
        "needs": needs,
        "notes": notes,
        "tasks": tasks,
        "attachments": attachments,
        "repeat": repeat,
        "today": timezone.localdate(),
    }


def _repeat_counts(case: Case, participants) -> dict[int, int]:
    """How many OTHER cases each person of this case appears in (repeat victims/offenders)."""
    person_ids = [p.person_id for p in participants]
    if not person_ids:
        return {}
    rows = (
        Participant.objects.filter(person_id__in=person_ids)
        .exclude(case=case)
        .values("person_id")
        .annotate(n=Count("case", distinct=True))
    )
    return {row["person_id"]: row["n"] for row in rows}


def case_timeline(*, case: Case, limit: int = 200) -> list[CaseEvent]:
    return list(case.events.select_related("actor").order_by("-at", "-id")[:limit])


def people_visible_to(user) -> QuerySet[Person]:
    """People who take part in at least one case the user may open."""
    condition = visible_cases_q(user, prefix="participations__case__")
    if condition is None:
        return Person.objects.all()
    return Person.objects.filter(condition).distinct()


def person_for_linking(*, user, pk) -> Person | None:
    """A person the user may link into a new case (chosen from the lookup), or None.

    Only people in cases the user may see, and only for roles allowed to use the lookup: an id
    that does not exist and one the user may not see give the same None.
    """
    if not can(user, Capability.PERSON_LOOKUP):
        return None
    pk = parse_id(pk)
    if pk is None:
        return None
    return people_visible_to(user).filter(pk=pk).first()


def people_matching(*, user, last_name: str, first_name: str = "", birth_date=None) -> list[dict]:
    """Possible existing people before a new one is created (repeat victims and offenders).

    The access policy of the lookup (portal/roles.py, PERSON_LOOKUP): only social workers use it.
    They see by name the people in cases they may open. Of people known only to other
    organisations they learn one sentence — "a similar person is known elsewhere", with no
    name and no number of cases — and only when they typed the same surname, first name and
    birth date, i.e. when they already know who the person is: a surname alone cannot be used
    to probe other districts. Every other role (police included) gets nothing.
    """
    if not can(user, Capability.PERSON_LOOKUP):
        return []
    last_name = (last_name or "").strip().lower()[:100]
    first_name = (first_name or "").strip().lower()[:100]
    # Three letters, as in the case list's search: "---" has no trigram, and pg_trgm would read
    # every name of the city to compare it (4.9 s).
    if letters(last_name) < NAME_WORD_LETTERS:
        return []
    if not letters(first_name):
        first_name = ""
    # Names match as in the case list's search: word similarity on the indexed full name,
    # which tolerates a typo or a case ending. Plain similarity on the surname (threshold 0.3)
    # took in every "Шевч…" of a city: 24 000 people to count for "Шевченко", 1 s a lookup.
    people = Person.objects.filter(search_name__trigram_word_similar=last_name)
    if first_name:
        people = people.filter(search_name__trigram_word_similar=first_name)
    if birth_date:
        people = people.filter(Q(birth_date=birth_date) | Q(birth_date__isnull=True))
    # Each candidate's cases are counted through her own participations, each case tested by
    # the rule as it is joined, not against the set of every case the user may see.
    participations = Participant.objects.filter(person=OuterRef("pk"))
    visible = visible_cases_q(user, prefix="case__")
    if visible is not None:
        participations = participations.filter(visible)
    counted = participations.values("person").annotate(n=Count("case", distinct=True)).values("n")
    # The worker's own people first; among them, and among the rest, the closest names. Strict
    # word similarity compares whole words: "Олена" is not close to "Мілена Олександрівна".
    closeness = TrigramStrictWordSimilarity(last_name, "search_name")
    if first_name:
        closeness = closeness + TrigramStrictWordSimilarity(first_name, "search_name")
    people = people.annotate(
        visible_cases=Coalesce(Subquery(counted), 0), closeness=closeness
    ).order_by("-visible_cases", "-closeness", "last_name", "pk")[:10]
    result: list[dict] = []
    known_elsewhere = False
    for person in people:
        if person.visible_cases:
            result.append({"person": person, "visible": True, "cases": person.visible_cases})
        elif (
            birth_date
            and person.birth_date == birth_date
            and person.last_name.lower() == last_name
            and (not first_name or person.first_name.lower() == first_name)
        ):
            # Only the same name and the same birth date — what the worker already knows —
            # earns the hint; a surname alone says nothing about other districts.
            known_elsewhere = True
    if known_elsewhere:
        result.append({"person": None, "visible": False, "cases": 0})
    return result


# --- one person across cases ----------------------------------------------------------------


def person_across_cases(*, user, pk) -> dict[str, object]:
    """A person in at least one case the user sees: those cases, her role in each, and only a
    count of the others. 404 when she is in no case the user sees (the same answer as for a
    person who does not exist)."""
    person_id = parse_id(pk)
    visible = cases_visible_to(user)
    mine = (
        list(
            Participant.objects.filter(person_id=person_id, case__in=visible)
            .select_related("person", "case", "case__district")
            .order_by("-case__reported_at", "pk")
        )
        if person_id
        else []
    )
    if not mine:
        raise Http404
    everywhere = Participant.objects.filter(person_id=person_id)
    cases_in_role = dict(
        everywhere.values_list("role").annotate(n=Count("case", distinct=True)).order_by()
    )
    seen = {p.case_id for p in mine}
    return {
        "person": mine[0].person,
        "participations": mine,
        "others": everywhere.exclude(case_id__in=seen).values("case").distinct().count(),
        "repeat_victim": cases_in_role.get(ParticipantRole.VICTIM, 0) > 1,
        "repeat_offender": cases_in_role.get(ParticipantRole.OFFENDER, 0) > 1,
    }


# --- saved filters of the case list ---------------------------------------------------------


def saved_filters_of(user) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user))


def saved_filter_for_user(*, user, pk) -> SavedFilter:
    """The user's own saved filter, or 404 (another user's is answered like a missing one)."""
    pk = parse_id(pk)
    saved = SavedFilter.objects.filter(user=user, pk=pk).first() if pk else None
    if saved is None:
        raise Http404
    return saved


# --- a person of a case, and what changed on her ---------------------------------------------

# What a person's page may change after intake (name, contacts, birth date, status flags).
PERSON_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "approximate_age",
    "phone",
    "address",
    "disability",
    "displaced",
    "veteran",
)
HISTORY_ROWS = 50


def participant_of_case(*, case: Case, person_pk) -> Participant:
    """The participation of a person in a case the user already sees (case_for_user), or 404:
    a person of another case is answered like one that does not exist."""
    pk = parse_id(person_pk)
    participant = (
        case.participants.select_related("person").filter(person_id=pk).first() if pk else None
    )
    if participant is None:
        raise Http404
    return participant


def person_version(person: Person) -> int | None:
    """The person's latest history row: the version an edit form was opened on."""
    return person.history.order_by("-history_id").values_list("history_id", flat=True).first()


def _shown(field: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if field == "sex":
        return str(Sex(value).label) if value in Sex.values else str(value)
    return str(value)


def person_history(*, person: Person) -> list[dict]:
    """The person's changes, newest first: when, by whom, and each field from → to. The first
    row is the person as recorded at intake."""
    records = list(
        person.history.select_related("history_user").order_by("-history_id")[: HISTORY_ROWS + 1]
    )
    entries = []
    for newer, older in pairwise(records):
        delta = newer.diff_against(older, included_fields=list(PERSON_FIELDS))
        if not delta.changes:
            continue
        entries.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "changes": [
                    (
                        Person._meta.get_field(change.field).verbose_name,
                        _shown(change.field, change.old),
                        _shown(change.field, change.new),
                    )
                    for change in delta.changes
                ],
            }
        )
    if len(records) <= HISTORY_ROWS and records:
        first = records[-1]
        entries.append({"when": first.history_date, "who": first.history_user, "changes": []})
    return entries


def case_next_steps(*, user, case: Case) -> list[extensions.NextStep]:
    """What the case needs next (a high-risk case without an order or a referral), from the
    rules the apps above `cases` register."""
    return extensions.next_steps(user=user, case=case)
