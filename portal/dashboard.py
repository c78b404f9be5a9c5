"""Dashboard panels. Each app registers the panels it owns; the dashboard shows those that the
acting role may see. A panel renders its own template with the context its function returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from portal.roles import acting_role


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    roles: frozenset[str]
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    position: int = 100
    width: int = 6  # Bootstrap columns out of 12 on wide screens


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest) -> list[dict[str, Any]]:
    role = acting_role(request.user)
    result = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.position, p.key)):
        if role not in panel.roles:
            continue
        result.append({"panel": panel, "context": panel.context(request)})
    return result
