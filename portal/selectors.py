from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from portal.models import AuditEvent, Notification
from portal.roles import Capability, can, capabilities


def dashboard_welcome_context(request) -> dict[str, object]:
    return {"membership": request.membership, "capabilities": capabilities(request.user)}


@dataclass(frozen=True)
class AuditFilters:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not can(user, Capability.AUDIT_VIEW):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()


def audit_event_page(*, user, filters: AuditFilters, page: int, per_page: int = 50) -> Page:
    qs = audit_events_visible_to(user).select_related("organisation")
    if filters.username:
        qs = qs.filter(username__icontains=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
    return Paginator(qs.order_by("-at", "-id"), per_page).get_page(page)


def notifications_for(user, *, limit: int = 50) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at")[:limit]
