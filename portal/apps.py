from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from portal import session_views, signals  # noqa: F401  (signal receivers)
        from portal.dashboard import Panel, register_panel
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability, Role
        from portal.selectors import dashboard_welcome_context

        register_nav_item(
            NavItem("dashboard", _("Dashboard"), "portal:dashboard", frozenset(), "speedometer2", 0)
        )
        register_nav_item(
            NavItem(
                "audit",
                _("Audit log"),
                "portal:audit_log",
                frozenset({Capability.AUDIT_VIEW}),
                "journal-text",
                90,
            )
        )
        register_nav_item(
            NavItem(
                "admin",
                _("Administration"),
                "admin:index",
                frozenset({Capability.ADMIN_SITE}),
                "gear",
                95,
            )
        )
        from portal.audit_labels import register_named
        from portal.audit_words import label_of, register_words
        from portal.models import District, Membership, RolePolicy

        register_named(Membership.objects, related=("user", "organisation"))
        for queryset in (District.objects, RolePolicy.objects):
            register_named(queryset)

        register_words(
            r"(?P<change>added|changed|removed): (?P<user>.+) (?P<role>[a-z_]+) @ (?P<org>\d+)",
            lambda m: (
                {
                    "added": _("Role “%(role)s” given to %(user)s"),
                    "changed": _("Role “%(role)s” of %(user)s changed"),
                    "removed": _("Role “%(role)s” taken from %(user)s"),
                }[m["change"]]
                % {"role": label_of(Role.choices, m["role"]), "user": m["user"]}
            ),
            object_types=["portal.membership"],
        )
        register_panel(
            Panel(
                key="portal.welcome",
                title=_("You are signed in as"),
                roles=frozenset(Role.values),
                template="portal/panels/welcome.html",
                context=dashboard_welcome_context,
                position=0,
                width=12,
            )
        )
