from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from programme.audit_labels import register_audit_labels

        register_audit_labels()  # names of programme objects in the audit log

        from portal.dashboard import Panel, register_panel
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability, Role
        from programme.selectors import executor_panel, secretariat_panel

        register_nav_item(
            NavItem(
                "programme",
                _("Programme"),
                "programme:index",
                frozenset({Capability.PROGRAMME_VIEW, Capability.STATISTICS_VIEW}),
                "bar-chart-line",
                40,
            )
        )
        register_nav_item(
            NavItem(
                "council",
                _("Council"),
                "programme:council:meetings",
                frozenset({Capability.COUNCIL_VIEW}),
                "people",
                45,
            )
        )
        register_nav_item(
            NavItem(
                "council_assignments",
                _("Council assignments"),
                "programme:council:my_assignments",
                frozenset({Capability.COUNCIL_REPORT}),
                "clipboard-check",
                46,
            )
        )
        register_panel(
            Panel(
                "programme.reports",
                _("Reports for the council"),
                frozenset({Role.SECRETARIAT, Role.COORDINATOR}),
                "programme/panels/secretariat.html",
                secretariat_panel,
                30,
                6,
            )
        )
        register_panel(
            Panel(
                "programme.executor",
                _("My measures of the programme"),
                frozenset({Role.EXECUTOR}),
                "programme/panels/executor.html",
                executor_panel,
                10,
                12,
            )
        )
