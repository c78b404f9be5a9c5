from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability

        register_nav_item(
            NavItem(
                "referrals",
                _("Referrals"),
                "referrals:index",
                frozenset({Capability.REFERRAL_SEND, Capability.REFERRAL_INBOX, Capability.REFERRAL_COORDINATE}),
                "send",
                30,
            )
        )
