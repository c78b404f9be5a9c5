from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from cases.extensions import register_retention
        from referrals.retention import age_days as retention_age_days
        from referrals.retention import scrub as retention_scrub

        register_retention(scrub=retention_scrub, age_days=retention_age_days)
        from referrals.audit_labels import register_audit_labels

        register_audit_labels()  # names of referrals objects in the audit log

        from cases.sections import CaseSection, register_case_section
        from portal.dashboard import Panel, register_panel
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability, Role
        from referrals.selectors import case_section_context, coordinator_panel, provider_panel

        register_nav_item(
            NavItem(
                "referrals",
                _("Referrals"),
                "referrals:index",
                frozenset(
                    {
                        Capability.REFERRAL_SEND,
                        Capability.REFERRAL_INBOX,
                        Capability.REFERRAL_COORDINATE,
                    }
                ),
                "send",
                30,
            )
        )
        register_panel(
            Panel(
                "referrals.provider",
                _("Referrals to us"),
                frozenset({Role.PROVIDER_STAFF, Role.POLICE_OFFICER}),
                "referrals/panels/provider.html",
                provider_panel,
                10,
                12,
            )
        )
        register_panel(
            Panel(
                "referrals.coordinator",
                _("Referrals and places"),
                frozenset({Role.COORDINATOR}),
                "referrals/panels/coordinator.html",
                coordinator_panel,
                15,
                6,
            )
        )
        # The worker's "high risk without a referral" list asks whether a case has one.
        from django.db.models import Exists, OuterRef

        from cases.extensions import register_referral_condition
        from referrals.models import Referral

        register_referral_condition(lambda: Exists(Referral.objects.filter(case=OuterRef("pk"))))
        from cases.extensions import register_next_step
        from referrals.selectors import next_step_routing_plan

        register_next_step(next_step_routing_plan)
        from cases.extensions import register_worklist_source
        from referrals.worklist import new_answers, waiting

        register_worklist_source(new_answers, position=20)
        register_worklist_source(waiting, position=30)
        from cases.extensions import register_open_work
        from referrals.selectors import open_referrals_of_case

        register_open_work(open_referrals_of_case)
        register_case_section(
            CaseSection(
                "referrals",
                _("Referrals"),
                "referrals/_case_section.html",
                case_section_context,
                10,
            )
        )
