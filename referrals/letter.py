"""The referral letter (лист-направлення) printed or attached to a message: the service asked
for, who asks and by when, why (the procedure's reasons in words) and the data shared — exactly
what the reader of the referral page may see now (referrals.selectors.referral_shared_view), so
a provider's letter after a withdrawn consent or a closed referral carries no more than its page.
"""

from __future__ import annotations

from django.utils import timezone

from portal.pdf import render_pdf
from referrals.models import Referral
from referrals.plan_view import referral_reasons
from referrals.selectors import referral_shared_view


def referral_letter_pdf(*, user, referral: Referral) -> bytes:
    return render_pdf(
        "referrals/letter_pdf.html",
        lambda: {
            "referral": referral,
            "shared": referral_shared_view(user=user, referral=referral),
            "reasons": referral_reasons(referral),
            "sender_organisation": referral.case.owner,
            "printed_by": user,
            "printed_at": timezone.localtime(),
        },
    )
