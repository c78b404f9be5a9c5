"""In-app notifications (the bell in the header) with an optional e-mail copy."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Notification
from portal.roles import parse_id

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)


def absolute_url(url: str) -> str:
    """A link that works from a mail client: a path gets the portal's own address in front."""
    if url.startswith("/"):
        return f"{settings.PORTAL_SITE_URL}{url}"
    return url


def _mail(*, notification_id: int, address: str, title: str, body: str, url: str) -> None:
    """Send the e-mail copy. A mail server that refuses or is down does not undo the action the
    notice is about, but it is never silent: the failure is logged with the notice's id (never
    the address or the text, which may carry a case's details)."""
    link = absolute_url(url)
    try:
        send_mail(
            subject=title,
            message=f"{body}\n\n{link}".strip(),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:  # any transport error: SMTP, socket, TLS
        logger.exception("E-mail copy of notification %s was not sent", notification_id)


def notification_send(
    *,
    user: User,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    email: bool = True,
) -> Notification | None:
    """Notify `user` once per `dedupe_key`; returns None when that notice was already sent."""
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, title=title[:200], body=body, url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    if email and user.email:
        # Mail only after the row is committed, so a rolled-back action sends nothing.
        transaction.on_commit(
            lambda: _mail(
                notification_id=notification.pk,
                address=user.email,
                title=title,
                body=body,
                url=url,
            )
        )
    return notification


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        # Only the user's own notifications, whatever id a client sends.
        qs = qs.filter(pk=parse_id(notification_id) or 0)
    return qs.update(read_at=timezone.now())


def notification_mark_seen(*, user: User, url: str) -> int:
    """The user opened the page that their unread notices point to: they have seen them."""
    if not url:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True, url=url).update(
        read_at=timezone.now()
    )


def notifications_settle(*, dedupe_keys: list[str]) -> int:
    """The events these notices asked someone to act on were handled (a referral answered by a
    colleague, an escalation resolved): nobody's notice stays new for them."""
    return Notification.objects.filter(dedupe_key__in=dedupe_keys, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def city_coordinators():
    """Active coordinators of the city centre: they are told of escalations, break-the-glass
    access and role changes."""
    from portal.models import User
    from portal.roles import Role

    return User.objects.filter(
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
        memberships__organisation__kind="city_centre",
        is_active=True,
    ).distinct()
