from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability

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
