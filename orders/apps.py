from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        from portal.navigation import NavItem, register_nav_item
        from portal.roles import Capability

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
