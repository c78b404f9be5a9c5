"""The safety plan printed for the victim to keep (WeasyPrint).

What the paper carries is decided here and nowhere else: the steps, her contacts, what to do
when, where to go, what to take, and the hotlines — in Ukrainian, in large type. Never the
offender (not even his name in a heading), never the case number, the worker's user name or
anything of the portal: the offender may find the paper. With the discreet title it reads
«Мої важливі контакти».
"""

from __future__ import annotations

from django.utils import timezone

from cases.plans import suggestions
from cases.plans.content import SafetyContent
from cases.plans.models import SafetyPlan
from portal.pdf import render_pdf


def safety_plan_context(plan: SafetyPlan, *, has_children: bool) -> dict:
    content = SafetyContent.from_json(plan.content)
    return {
        "content": content,
        "documents": [suggestions.DOCUMENT_LABELS.get(c, c) for c in content.documents],
        "hotlines": suggestions.hotlines(has_children=has_children),
        "made_on": timezone.localdate(plan.updated_at),
    }


def safety_plan_pdf(plan: SafetyPlan, *, has_children: bool) -> bytes:
    return render_pdf(
        "cases/plans/safety_plan_pdf.html",
        lambda: safety_plan_context(plan, has_children=has_children),
    )
