"""Orders on a realistic share of the demo cases: expired, active, extended and breached ones.
Idempotent; runs after the cases demo."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from cases.models import Case
from orders import services
from orders.models import RestrainingOrder
from portal.demo import staff_account
from portal.models import Membership, Organisation, User
from portal.roles import Role, grant_object_perm


def _police(slug: str) -> User:
    organisation = Organisation.objects.get(code=f"police-{slug}")
    existing = (
        User.objects.filter(
            memberships__organisation=organisation, memberships__role=Role.POLICE_OFFICER
        )
        .order_by("pk")
        .first()
    )
    if existing:
        return existing
    user = staff_account(f"police-{slug}")
    Membership.objects.get_or_create(user=user, organisation=organisation, role=Role.POLICE_OFFICER)
    return user


def seed(*, stdout) -> None:
    if RestrainingOrder.objects.exists():
        stdout.write("  demo orders already present")
        return
    cases = list(
        Case.objects.filter(summary__startswith="[демо]")
        .select_related("district", "responsible")
        .order_by("pk")
    )
    if not cases:
        stdout.write("  no demo cases: no orders seeded")
        return
    rng = random.Random(2024)
    now = timezone.now()
    made = 0
    for index, case in enumerate(cases):
        # Roughly a quarter of reports end with an urgent order; a little more in 2024.
        share = 0.24 if case.reported_at.year == 2023 else 0.30
        recent_worker_case = (
            case.responsible
            and case.responsible.username == "worker"
            and (now - case.reported_at < timedelta(days=30))
        )
        if not recent_worker_case and rng.random() > share:
            continue
        police = _police(case.district.slug)
        police._acting_membership = None
        issued_at = min(case.reported_at + timedelta(hours=rng.randint(1, 6)), now)
        days = rng.randint(3, 10)
        if recent_worker_case:
            # Active now and ending within a day: the expiry watch will tell the worker.
            issued_at = now - timedelta(days=9, hours=12)
            days = 10
        measures = rng.sample(["leave_residence", "no_entry", "no_contact"], rng.randint(1, 3))
        # The case's social service gave the district's police unit access to the case (as a
        # coordinator's grant would): police link an order only to a case they may see.
        grant_object_perm(perm="cases.view_case", user=police, obj=case)
        try:
            order = services.order_issue_urgent(
                actor=police,
                number=f"ТЗП-{case.number[-6:]}",
                issued_at=issued_at,
                ends_at=issued_at + timedelta(days=days),
                measures=measures,
                initiated_by=rng.choice(["police", "police", "victim"]),
                case_number=case.number,
            )
        except Exception:  # noqa: S112 — a minor offender or an overlap: skip that case
            continue
        made += 1
        if rng.random() < 0.12 and order.ends_at < now:
            services.breach_record(
                actor=police,
                order_id=order.pk,
                occurred_at=order.starts_at + (order.ends_at - order.starts_at) / 2,
                description="Кривдник повернувся до місця проживання постраждалої особи.",
                consequence="administrative",
            )
        if index % 9 == 0 and case.responsible:
            worker = case.responsible
            worker._acting_membership = None
            start = timezone.localtime(order.ends_at).date() + timedelta(days=1)
            end = start + timedelta(days=rng.choice([60, 90, 120]))
            restrictive = services.order_record_restrictive(
                actor=worker,
                case_id=case.pk,
                number=f"754/{case.number[-5:]}/{start.year % 100}",
                court="Дарницький районний суд м. Києва"
                if case.district.slug == "darnytskyi"
                else f"{case.district.name} районний суд м. Києва",
                decision_date=start,
                applicant="victim",
                start=start,
                end=end,
                measures=["no_correspondence", "keep_distance"],
            )
            made += 1
            if index % 2 == 0:
                ext_start = end + timedelta(days=1)
                services.order_extend(
                    actor=worker,
                    order_id=restrictive.pk,
                    start=ext_start,
                    end=ext_start + timedelta(days=90),
                    decision_number=f"754/{case.number[-5:]}/ext",
                )
    stdout.write(f"  orders: {made}")
