"""`make demo` seeds the hand-made demo: every demo account signs in with the printed password
and acts in its role, the demo cases come with orders, referrals and the programme, and a second
run adds nothing (the demo starts twice without duplicates)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from cases.models import Case, CasePlan, CaseTeam, ConferenceDecision, SafetyPlan
from orders.models import RestrainingOrder
from portal.audit_labels import labels_for
from portal.demo import DEMO_PASSWORD, DEMO_USERS
from portal.models import AuditEvent, Membership, User
from programme.models import Measure, Programme, ProgrammeVersion
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "orders": RestrainingOrder.objects.count(),
        "referrals": Referral.objects.count(),
        "programmes": Programme.objects.count(),
        "measures": Measure.objects.count(),
        "memberships": Membership.objects.count(),
        "safety_plans": SafetyPlan.objects.count(),
        "case_plans": CasePlan.objects.filter(status="awaiting_approval").count(),
        "teams": CaseTeam.objects.count(),
        "conference_decisions": ConferenceDecision.objects.count(),
        "programme_versions": ProgrammeVersion.objects.count(),
    }


def test_the_demo_seeds_each_role_and_a_second_run_adds_nothing(client, monkeypatch):
    monkeypatch.setenv("PORTAL_DEMO_CITY", "0")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    printed = out.getvalue()
    first = _counts()
    assert all(first.values()), first
    for user in DEMO_USERS:
        assert f"{user.username:<14} {DEMO_PASSWORD}" in printed
    # Every demo account signs in with the printed password and lands on its dashboard.
    for user in DEMO_USERS:
        signed_in = client.post(
            "/account/login/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, user.username
        # The dashboard, or first the authenticator's enrolment for a role that needs one.
        landing = client.get("/", follow=True)
        assert landing.status_code == 200, user.username
        assert landing.redirect_chain in ([], [("/account/two-factor/?next=/", 302)])
        client.logout()
    # The audit log names every object the demo's events are about, never "об'єкт (kind, № 7)".
    pairs = set(AuditEvent.objects.exclude(object_id="").values_list("object_type", "object_id"))
    with translation.override("uk"):
        unnamed = {pair: name for pair, name in labels_for(pairs).items() if "об'єкт (" in name}
    assert len(pairs) > 100 and unnamed == {}
    # Colleagues pick and see people by name (a case team, a referral's contact): every demo
    # account has one, those made on the way for providers and police units too.
    assert User.objects.filter(memberships__isnull=False, last_name="").count() == 0
    assert User.objects.filter(username__startswith="staff-").exclude(first_name="").exists()
    audit_before = AuditEvent.objects.count()
    call_command("seed_demo", stdout=StringIO(), quiet_credentials=True)
    assert _counts() == first
    assert AuditEvent.objects.count() == audit_before
