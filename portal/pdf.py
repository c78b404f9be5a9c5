"""Paper from a template (WeasyPrint): in Ukrainian and on Kyiv time, whoever asks and in
whatever language they read, with the fonts and images resolved from the project."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_pdf(template: str, context: dict[str, Any] | Callable[[], dict[str, Any]]) -> bytes:
    """`context` may be a function: it is then called in Ukrainian and on Kyiv time, so that the
    labels and moments it computes are those of the paper."""
    from weasyprint import HTML

    with translation.override("uk"), timezone.override("Europe/Kyiv"):
        html = render_to_string(template, context() if callable(context) else context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
