"""The audit helper: one line in any view or service: `audit_record(actor=, action=, obj=)`.

The request context (IP, acting organisation and role) is taken from the middleware, so services
that have no request still write complete events.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models

from portal.audit_words import DETAIL_LENGTH
from portal.models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from portal.models import User


@dataclass(frozen=True)
class RequestContext:
    ip: str | None


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "portal_request_context", default=None
)


def set_request_context(context: RequestContext | None) -> contextvars.Token:
    return _request_context.set(context)


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


# The name an event carries when no person acted: a Celery task, an escalation, a re-route.
SYSTEM_USERNAME = "system"


def audit_record(
    *,
    actor: User | None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    detail: str = "",
    username: str = "",
) -> AuditEvent:
    from portal.roles import acting_membership

    context = _request_context.get()
    membership = acting_membership(actor) if actor is not None else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return AuditEvent.objects.create(
        user=actor if actor is not None and actor.is_authenticated else None,
        username=(actor.get_username() if actor is not None else "") or username or SYSTEM_USERNAME,
        organisation_id=membership.organisation_id if membership else None,
        role=membership.role if membership else "",
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        ip=context.ip if context else None,
        detail=detail[:DETAIL_LENGTH],
    )


def audit_read(*, actor: User, object_type: str, ids: list[object], what: str = "list") -> None:
    """One VIEW event for a page that showed several records with personal data (a list, a
    search, an inbox): the ids shown, so that "who saw this person" can be answered later.
    An empty page writes nothing."""
    if not ids:
        return
    for shown in _id_runs([str(i) for i in ids], DETAIL_LENGTH - len(what) - 2):
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            object_type=object_type,
            detail=f"{what}: {shown}",
        )


def _id_runs(ids: list[str], room: int) -> list[str]:
    """The ids as comma-separated runs of whole ids, each at most `room` long: a page of more
    records than one detail holds (an inbox of 150 referrals) writes as many events as it
    needs, never one cut inside an id or without the last records."""
    runs: list[str] = []
    current = ""
    for text in ids:
        if current and len(current) + 1 + len(text) > room:
            runs.append(current)
            current = ""
        current = f"{current},{text}" if current else text
    runs.append(current)
    return runs
