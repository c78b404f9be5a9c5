"""Telling the social worker what happened to a referral of their case: accepted, declined,
passed on to the next provider, or escalated to the city coordinator. In-app and by e-mail
(portal.notifications), once per event, with a link to the case's referrals page."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from portal.models import User
from portal.notifications import notification_send, notifications_settle
from referrals.models import Referral
from referrals.routing.explain import service_label

ACCEPTED, DECLINED, OVERDUE = "accepted", "declined", "overdue"


def _workers(referral: Referral) -> list[User]:
    """The worker who sent it (and answers for it, also after re-routing) and the case's
    responsible worker, if someone else."""
    ids = {referral.sent_by_id, referral.case.responsible_id} - {None}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _title(event: str, referral: Referral) -> str:
    params = {"service": service_label(referral.service), "case": referral.case.number}
    if event == ACCEPTED:
        return _("Referral accepted: %(service)s, case %(case)s") % params
    if event == DECLINED:
        return _("Referral declined: %(service)s, case %(case)s") % params
    return _("Referral not answered in time: %(service)s, case %(case)s") % params


def _body(event: str, referral: Referral, new: Referral | None) -> str:
    provider = str(referral.provider) if referral.provider else _("the city coordinator")
    if event == ACCEPTED:
        return _("%(provider)s accepted the referral.") % {"provider": provider}
    lines = []
    if event == DECLINED:
        lines.append(
            _("%(provider)s declined: %(reason)s")
            % {"provider": provider, "reason": referral.decline_reason}
        )
    else:
        lines.append(_("%(provider)s did not answer by the deadline.") % {"provider": provider})
    if new is not None and new.provider is not None:
        lines.append(_("Passed on to %(provider)s.") % {"provider": new.provider})
    elif new is not None:
        lines.append(_("No provider is left: escalated to the city coordinator."))
    return "\n".join(lines)


def referral_notify_worker(*, referral: Referral, event: str, new: Referral | None = None) -> None:
    """Once per referral and event (the dedupe key), in the portal's language: the notice
    outlives the provider's request and is read by the worker, not the provider."""
    url = reverse("referrals:case", args=[referral.case_id])
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _title(event, referral), _body(event, referral, new)
        for user in _workers(referral):
            notification_send(
                user=user,
                title=title,
                body=body,
                url=url,
                dedupe_key=f"referral:{referral.pk}:worker:{event}",
            )


def new_referral_key(referral: Referral) -> str:
    """The dedupe key of the notice telling a provider's staff of a new referral."""
    return f"referral:{referral.pk}:sent"


def escalation_key(referral: Referral) -> str:
    """The dedupe key of the notice telling the coordinators of an escalated referral."""
    return f"referral:{referral.pk}:escalated"


def settle_new_referral_notices(referral: Referral) -> None:
    """Once a referral is answered, passed on or cancelled, the notices that asked the
    provider's staff (and the coordinators, for an escalated one) to act on it are no longer
    new for anyone: the inbox has it among the handled ones."""
    notifications_settle(dedupe_keys=[new_referral_key(referral), escalation_key(referral)])
