"""How the audit log names referrals, and which audited referral objects belong to a case.

Registered in ReferralsConfig.ready(); one query per object type for a whole page of ids. A
referral is named by its number and the service, not by the provider or the person.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit_labels import register, register_named, register_scope, rows_for
from referrals.models import (
    Holiday,
    InteractionProcedure,
    MartialLawPeriod,
    ProviderProfile,
    Referral,
    RoutingPlanRecord,
    RoutingPolicy,
)
from referrals.routing.explain import service_label

SCOPE_LIMIT = 1000


def referral_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(Referral.objects, ids, "service")
    return {
        str(pk): _("referral № %(id)s (%(service)s)")
        % {"id": pk, "service": service_label(service)}
        for pk, service in rows
    }


def referral_numbers(ids: list[str]) -> dict[str, str]:
    """Referrals listed together by a read (an inbox): their numbers, which are their ids."""
    return {str(pk): f"№\u00a0{pk}" for (pk,) in rows_for(Referral.objects, ids)}


def plan_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RoutingPlanRecord.objects, ids, "case__number")
    return {
        str(pk): _("routing plan № %(id)s (in case %(number)s)") % {"id": pk, "number": number}
        for pk, number in rows
    }


def policy_labels(ids: list[str]) -> dict[str, str]:
    rows = rows_for(RoutingPolicy.objects, ids, "version")
    return {
        str(pk): _("routing policy, version %(version)s") % {"version": version}
        for pk, version in rows
    }


def case_objects(number: str) -> dict[str, list[str]]:
    referrals = Referral.objects.filter(case__number=number).values_list("pk", flat=True)
    plans = RoutingPlanRecord.objects.filter(case__number=number).values_list("pk", flat=True)
    return {
        "referrals.referral": [str(pk) for pk in referrals[:SCOPE_LIMIT]],
        "referrals.routingplanrecord": [str(pk) for pk in plans[:SCOPE_LIMIT]],
    }


def register_audit_labels() -> None:
    register_named(ProviderProfile.objects, related=("organisation",))
    register_named(Holiday.objects)
    register_named(MartialLawPeriod.objects)
    # A procedure's title says what it is ("Порядок взаємодії … (2024)").
    register_named(InteractionProcedure.objects, kind=False)
    register("referrals.referral", referral_labels, in_lists=referral_numbers)
    register("referrals.routingplanrecord", plan_labels)
    register("referrals.routingpolicy", policy_labels)
    register_scope("case", case_objects)
    register_detail_words()


def register_detail_words() -> None:
    """How the referrals app's audit details read in the log (portal.audit_words): a service
    and a status by their names, dates as dd.mm.yyyy."""
    from portal.audit_words import iso_date, label_of, register_words
    from referrals.models import ReferralStatus
    from referrals.routing.explain import service_label

    register_words(r"routing plan", gettext_lazy("A routing plan"))
    register_words(
        r"(?P<code>[a-z_]+)",
        lambda m: (
            _("Status: %(status)s") % {"status": label_of(ReferralStatus.choices, m["code"])}
            if m["code"] in ReferralStatus.values
            else _("Service: %(service)s") % {"service": service_label(m["code"])}
        ),
        object_types=["referrals.referral"],
    )
    register_words(
        r"(?P<code>[a-z_]+); late: due (?P<day>\d{4}-\d{2}-\d{2}) (?P<time>[\d:]+)",
        lambda m: (
            _("Service: %(service)s; sent after the deadline of %(due)s")
            % {"service": service_label(m["code"]), "due": f"{iso_date(m['day'])} {m['time']}"}
        ),
        object_types=["referrals.referral"],
    )
    register_words(
        r"escalated to (?P<provider>.+)",
        lambda m: (
            _("Not answered in time: passed to the coordinator")
            if m["provider"] == "coordinator"
            else _("Not answered in time: passed to %(provider)s") % m.groupdict()
        ),
    )
    register_words(
        r"holiday (?P<day>\d{4}-\d{2}-\d{2})",
        lambda m: _("Day off: %(day)s") % {"day": iso_date(m["day"])},
    )
    register_words(
        r"martial law (?P<start>\d{4}-\d{2}-\d{2})–(?P<end>\d{4}-\d{2}-\d{2})?",
        lambda m: (
            _("Martial law: %(start)s–%(end)s")
            % {"start": iso_date(m["start"]), "end": iso_date(m["end"]) if m["end"] else ""}
        ),
    )
    register_words(
        r"policy v(?P<version>\d+)",
        lambda m: _("Routing policy, version %(version)s") % m.groupdict(),
    )
    register_words(
        r"(?P<number>\S+) letter",
        lambda m: _("%(number)s: the referral letter") % m.groupdict(),
    )
    register_words(
        r"(?s)places (?P<before>\d+) -> (?P<total>\d+), occupied (?P<was>\d+) -> (?P<now>\d+): "
        r"(?P<reason>.*)",
        gettext_lazy("Places %(before)s → %(total)s, occupied %(was)s → %(now)s: %(reason)s"),
    )
