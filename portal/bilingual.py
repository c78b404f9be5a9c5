"""Names kept in both languages of the portal (reference data: districts, organisations,
sub-types of violence, the programme's tasks, measures and indicators).

The register's language is Ukrainian: every name has its Ukrainian form, and may have an
English one. A reader of the English pages gets the English name where it is filled, and the
Ukrainian one otherwise, so that nothing is ever shown empty.
"""

from __future__ import annotations

from django.utils.translation import get_language


def reads_english() -> bool:
    return (get_language() or "").startswith("en")


def in_reader_language(ukrainian: str, english: str) -> str:
    """`english` for a reader of English when it is filled; `ukrainian` otherwise."""
    return english if english and reads_english() else ukrainian
