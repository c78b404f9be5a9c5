from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import SYSTEM_USERNAME
from portal.audit_labels import labels_for, list_labels_for, scope_objects
from portal.audit_words import detail_in_words, names_remembered, read_ids
from portal.models import AuditEvent, Notification, User
from portal.pagination import CappedPaginator
from portal.roles import Capability, Role, can, capabilities, get_object_for_user, parse_id


def dashboard_welcome_context(request) -> dict[str, object]:
    return {"membership": request.membership, "capabilities": capabilities(request.user)}


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    organisation_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    case_number: str = ""
    person_id: int | None = None


@dataclass(frozen=True)
class AuditRow:
    """One event as the coordinator reads it: words instead of codes."""

    at: datetime
    username: str
    organisation: str
    role: str
    action: str
    object: str
    ip: str
    detail: str

    def cells(self) -> list[object]:
        # Spreadsheets take naive datetimes; these are Kyiv time, as on the page.
        at = self.at.replace(tzinfo=None)
        return [
            at,
            self.username,
            self.organisation,
            self.role,
            self.action,
            self.object,
            self.ip,
            self.detail,
        ]


AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_LIMIT = 100_000
AUDIT_EXPORT_CHUNK = 2_000


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not can(user, Capability.AUDIT_VIEW):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def _in_scope(scope: str, key: str) -> Q | None:
    """Events on the objects that the apps place in the scope, or None if there are none.

    Each object type becomes `object_type = t AND object_id IN (…)`, which the index
    (object_type, object_id, at) answers; Postgres ORs the bitmap scans.
    """
    objects = scope_objects(scope, key)
    if not objects:
        return None
    condition = Q()
    for object_type, ids in sorted(objects.items()):
        condition |= Q(object_type=object_type, object_id__in=sorted(ids))
    return condition


def audit_events(*, user, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the user may read that match the filters, newest first."""
    qs = audit_events_visible_to(user).select_related("organisation")
    if filters.username:
        # Exact name, indexable: the user's own events by FK (index user, at), and events that
        # only carry the typed name (a failed sign-in with an unknown name has no user).
        user_ids = User.objects.filter(username__iexact=filters.username).values("pk")
        qs = qs.filter(Q(user_id__in=user_ids) | Q(username=filters.username))
    if filters.organisation_id:
        qs = qs.filter(organisation_id=filters.organisation_id)
    if filters.action:
        qs = qs.filter(action=filters.action)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(
            at__lt=datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        )
    # A case is found by its number and a person by id through the apps that own them
    # (portal.audit_labels): events on the case itself, and on the objects recorded inside it
    # (people, incidents, assessments, notes, tasks, attachments, orders and their breaches,
    # referrals, routing plans). What this cannot find: events with no object id (an export of
    # a filtered list), and events that mention the case only in `detail` — free text without an
    # index, so a search there would scan the whole table; the case's own events carry its
    # number in `detail` as well, so nothing is lost for them.
    # A person is filtered by id only, not by a name fragment: administrators read the audit
    # without the right to see cases, and a name search here would be a people search.
    for scope, key in [
        ("case", filters.case_number),
        ("person", str(filters.person_id) if filters.person_id else ""),
    ]:
        if key:
            condition = _in_scope(scope, key)
            if condition is None:
                return qs.none()
            qs = qs.filter(condition)
    return qs.order_by("-at", "-id")


def audit_event_page(*, user, filters: AuditFilters | None, page: object) -> Page:
    """A page of 50 events; the count stops at 10 000 (CappedPaginator), whatever the table.

    No filters (the form was invalid) means no events, not all of them.
    """
    if filters is None:
        events = AuditEvent.objects.none()
    else:
        events = audit_events(user=user, filters=filters)
    return CappedPaginator(events, AUDIT_PAGE_SIZE).get_page(page)


def audit_rows(events: Iterable[AuditEvent]) -> list[AuditRow]:
    """Rows in words; the object labels cost one query per object type among the events."""
    events = list(events)
    # The records a list showed are named too, by number rather than by database id: one
    # query more per type of record listed.
    labels = labels_for((e.object_type, e.object_id) for e in events)
    names = list_labels_for((e.object_type, i) for e in events for i in read_ids(e.detail))
    with names_remembered():
        return [
            AuditRow(
                at=timezone.localtime(event.at),
                username=_("system")
                if event.user_id is None and event.username == SYSTEM_USERNAME
                else event.username,
                organisation=event.organisation.display_name if event.organisation else "",
                role=str(Role(event.role).label) if event.role in Role.values else event.role,
                action=event.get_action_display(),
                object=labels.get((event.object_type, event.object_id), ""),
                ip=event.ip or "",
                detail=detail_in_words(event.detail, event.object_type, names=names),
            )
            for event in events
        ]


def audit_export_table(
    *, user, filters: AuditFilters, limit: int = AUDIT_EXPORT_LIMIT
) -> tuple[list[str], list[list[object]]]:
    """Header and at most `limit` rows, read in chunks: labels cost one query per type per chunk."""
    header = [
        _("When"),
        _("User"),
        _("Organisation"),
        _("Role"),
        _("Action"),
        _("Object"),
        _("IP address"),
        _("Detail"),
    ]
    events = audit_events(user=user, filters=filters)[:limit].iterator(
        chunk_size=AUDIT_EXPORT_CHUNK
    )
    rows: list[list[object]] = []
    with names_remembered():
        while chunk := list(islice(events, AUDIT_EXPORT_CHUNK)):
            rows.extend(row.cells() for row in audit_rows(chunk))
    return header, rows


def notifications_for(user, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at")[:limit]


def notification_for_user(*, user, pk) -> Notification:
    """One of the user's own notices; anyone else's is a 404, as a missing one."""
    return get_object_for_user(Notification.objects.filter(user=user), parse_id(pk))
