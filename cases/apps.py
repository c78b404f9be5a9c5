from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability

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
