from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from cases.extensions import register_retention
        from orders.retention import age_days as retention_age_days
        from orders.retention import scrub as retention_scrub

        register_retention(scrub=retention_scrub, age_days=retention_age_days)
        # A merge of a person's duplicate records moves her orders and measures along.
        from cases.extensions import register_person_reference
        from orders.models import OffenderProgramme, PreventiveRecord, RestrainingOrder

        register_person_reference(RestrainingOrder, "offender")
        register_person_reference(RestrainingOrder, "victim")
        register_person_reference(PreventiveRecord, "offender")
        register_person_reference(OffenderProgramme, "offender")
        from orders.audit_labels import register_audit_labels

        register_audit_labels()  # names of orders objects in the audit log

        from cases.sections import CaseSection, register_case_section
        from orders.selectors import case_section_context
        from orders.statistics import statistics_panel
        from portal.dashboard import Panel, register_panel
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability, Role

        register_nav_item(
            NavItem(
                "orders",
                _("Orders"),
                "orders:index",
                frozenset({Capability.ORDER_VIEW, Capability.ORDER_STATISTICS}),
                "shield-lock",
                20,
            )
        )
        register_panel(
            Panel(
                key="orders.year_on_year",
                title=_("Orders since 1 January against the same period last year"),
                roles=frozenset({Role.COORDINATOR, Role.SECRETARIAT}),
                template="orders/panels/year_on_year.html",
                context=statistics_panel,
                position=20,
                width=12,
            )
        )
        # The risk assessment weighs earlier orders against the offender (cases.extensions).
        from cases.extensions import register_prior_orders_counter
        from orders.selectors import orders_count_for_person

        register_prior_orders_counter(orders_count_for_person)
        from cases.extensions import register_next_step
        from orders.selectors import next_step_urgent_order

        register_next_step(next_step_urgent_order)
        from cases.extensions import register_worklist_source
        from orders.worklist import high_risk_without_order

        register_worklist_source(high_risk_without_order, position=40)
        register_case_section(
            CaseSection(
                key="orders",
                title=_("Orders"),
                template="orders/_case_section.html",
                context=case_section_context,
                position=20,
            )
        )
        from orders.selectors import police_panel

        register_panel(
            Panel(
                key="orders.police",
                title=_("My unit's orders"),
                roles=frozenset({Role.POLICE_OFFICER}),
                template="orders/panels/police.html",
                context=police_panel,
                position=15,
                width=6,
            )
        )
