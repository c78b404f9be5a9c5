from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases.audit_labels import register_audit_labels

        register_audit_labels()  # names of cases objects in the audit log

        from cases.panels import coordinator_panel, worker_panel
        from portal.dashboard import Panel, register_panel
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability, Role

        register_nav_item(
            NavItem(
                "cases",
                _("Cases"),
                "cases:index",
                frozenset({Capability.CASE_VIEW, Capability.CASE_VIEW_ALL}),
                "folder2-open",
                10,
            )
        )
        register_panel(
            Panel(
                key="cases.worker",
                title=_("My cases"),
                roles=frozenset({Role.SOCIAL_WORKER, Role.HEAD, Role.POLICE_OFFICER}),
                template="cases/panels/worker.html",
                context=worker_panel,
                position=10,
                width=12,
            )
        )
        # The worklist: what to do today on the cases one leads; other apps add their sections.
        from cases.extensions import register_worklist_source
        from cases.worklist import tasks_due, worklist_panel

        register_worklist_source(tasks_due, position=10)
        register_panel(
            Panel(
                key="cases.worklist",
                title=_("To do today"),
                roles=frozenset({Role.SOCIAL_WORKER, Role.HEAD}),
                template="cases/panels/worklist.html",
                context=worklist_panel,
                position=8,
                width=12,
            )
        )
        # The "План" tab: the safety plan and the case plan (cases.plans).
        from cases.plans.selectors import plans_section, plans_tab_visible
        from cases.sections import CaseSection, register_case_section

        register_case_section(
            CaseSection(
                key="plans",
                title=_("Plan"),
                template="cases/plans/_section.html",
                context=plans_section,
                position=5,
                visible=plans_tab_visible,
            )
        )
        # The "Команда" tab: the multidisciplinary team and its conferences (cases.team).
        from cases.team.selectors import team_section, team_tab_visible

        register_case_section(
            CaseSection(
                key="team",
                title=_("Team"),
                template="cases/team/_section.html",
                context=team_section,
                position=6,
                visible=team_tab_visible,
            )
        )
        from cases.lifecycle.selectors import coordinator_closures_panel, head_panel

        register_panel(
            Panel(
                key="cases.head",
                title=_("My organisation's work"),
                roles=frozenset({Role.HEAD}),
                template="cases/panels/head.html",
                context=head_panel,
                position=5,
                width=12,
            )
        )
        register_panel(
            Panel(
                key="cases.closures",
                title=_("Closures awaiting a coordinator"),
                roles=frozenset({Role.COORDINATOR}),
                template="cases/panels/closures.html",
                context=coordinator_closures_panel,
                position=12,
            )
        )
        register_panel(
            Panel(
                key="cases.coordinator",
                title=_("Cases in the city"),
                roles=frozenset({Role.COORDINATOR}),
                template="cases/panels/coordinator.html",
                context=coordinator_panel,
                position=10,
            )
        )
