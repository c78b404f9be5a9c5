"""The main menu. Each app registers its entries in AppConfig.ready(); a user sees an entry only
when their acting role has the capability the entry names."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from portal.roles import Capability, capabilities


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    capabilities: frozenset[Capability]  # any of these shows the entry
    icon: str = ""
    position: int = 100


_ITEMS: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _ITEMS[item.key] = item


def menu_for(user) -> list[dict[str, object]]:
    caps = capabilities(user)
    entries = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.position, i.key)):
        if item.capabilities and not (item.capabilities & caps):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        entries.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon})
    return entries
