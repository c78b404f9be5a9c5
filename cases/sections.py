"""Sections that other apps add to the case page (orders, referrals, plans, team).

    register_case_section(CaseSection(key, title, template, context=fn(request, case),
                                      position, visible=fn(request, case)))

The case page draws each section's tab and an empty pane; the pane's content is read when the
user opens the tab (`cases:section`, its own audited read). `visible` answers cheaply whether the
user gets the tab at all; without it every user who sees the case gets it. `context` returns the
dict the section's template receives as `section` (beside `case`), or None for a user who may
not see it: the tab's address then answers 404, like a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class CaseSection:
    key: str
    title: str | Promise
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    position: int = 100
    visible: Callable[[Any, Any], bool] | None = None


_SECTIONS: dict[str, CaseSection] = {}


def register_case_section(section: CaseSection) -> None:
    _SECTIONS[section.key] = section


def sections_for(request, case) -> list[CaseSection]:
    """The sections whose tabs `request.user` gets on the case page, in their order."""
    ordered = sorted(_SECTIONS.values(), key=lambda s: (s.position, s.key))
    return [s for s in ordered if s.visible is None or s.visible(request, case)]


def section_context(request, case, key: str) -> tuple[CaseSection, dict[str, Any]] | None:
    """One section and what its template shows, or None when there is no such section or the
    user may not see it (a key from the address is never trusted)."""
    section = _SECTIONS.get(key)
    if section is None:
        return None
    if section.visible is not None and not section.visible(request, case):
        return None
    context = section.context(request, case)
    return None if context is None else (section, context)
