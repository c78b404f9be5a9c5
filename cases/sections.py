"""Sections that other apps add to the case page (orders, referrals).

    register_case_section(CaseSection(key, title, template, context=fn(request, case), position))

The template receives `case` and `section` (the dict the context function returns).
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
    context: Callable[[Any, Any], dict[str, Any]]
    position: int = 100


_SECTIONS: dict[str, CaseSection] = {}


def register_case_section(section: CaseSection) -> None:
    _SECTIONS[section.key] = section


def sections_for(request, case) -> list[dict[str, Any]]:
    return [
        {"section": s, "context": s.context(request, case)}
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.position, s.key))
    ]
