"""Sections that other apps add to the case page (orders, referrals).

    register_case_section(CaseSection(key, title, template, context=fn(request, case), position))

The template receives `case` and `section` (the dict the context function returns). A context
function that returns None hides its section (tab and all) from that user.
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


_SECTIONS: dict[str, CaseSection] = {}


def register_case_section(section: CaseSection) -> None:
    _SECTIONS[section.key] = section


def sections_for(request, case) -> list[dict[str, Any]]:
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.position, s.key)):
        context = section.context(request, case)
        if context is not None:
            shown.append({"section": section, "context": context})
    return shown
