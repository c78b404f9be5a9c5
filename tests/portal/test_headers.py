"""Security headers on every response, and templates that work under the Content-Security-Policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment
from portal.security import CONTENT_SECURITY_POLICY
from portal.templatetags.portal_bars import bar_width
from tests.cases.factories import register_case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"\x00\x00\x00\x00IEND\xaeB`\x82"

COMMON_HEADERS = {
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def assert_common_headers(response):
    for name, value in COMMON_HEADERS.items():
        assert response[name] == value, name


def test_the_policy_allows_only_the_portals_own_scripts_and_styles():
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "style-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "object-src 'none'" in CONTENT_SECURITY_POLICY


def test_a_signed_in_page_carries_every_header_and_is_never_cached(client, owner):
    client.force_login(owner)
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_common_headers(response)
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control


def test_the_login_page_carries_every_header(client, db):
    response = client.get("/account/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert_common_headers(response)


def test_a_file_download_keeps_its_own_stricter_policy(client, owner, settings, tmp_path):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path
    case = register_case(owner)
    client.force_login(owner)
    client.post(
        f"/cases/{case.pk}/attachments/", {"attachment-file": SimpleUploadedFile("photo.png", PNG)}
    )
    attachment = Attachment.objects.get()
    response = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert_common_headers(response)


# --- templates that the policy would break ---

BASE_DIR = Path(settings.BASE_DIR)
# Rendered by WeasyPrint into a PDF, never served to a browser.
NOT_SERVED = re.compile(r"_pdf\.html$")
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
FORBIDDEN = {
    "inline <script>": re.compile(
        r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*type=[\"']application/json)[^>]*>", re.IGNORECASE
    ),
    "<style> element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "htmx hx-on handler": re.compile(r"\s(?:data-)?hx-on", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def served_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted(
        path
        for root in roots
        if ".venv" not in root.parts
        for path in root.rglob("*.html")
        if not NOT_SERVED.search(path.name)
    )


def test_the_scan_finds_the_portals_templates():
    names = {path.name for path in served_templates()}
    assert {"base.html", "case_detail.html", "_capacity.html"} <= names
    assert "report_pdf.html" not in names


@pytest.mark.parametrize("problem", sorted(FORBIDDEN))
def test_no_served_template_has_what_the_policy_blocks(problem):
    pattern = FORBIDDEN[problem]
    offenders = []
    for path in served_templates():
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(BASE_DIR)}:{line}")
    assert offenders == [], f"{problem} in {offenders}"


@pytest.mark.parametrize(
    ("value", "whole", "css_class"),
    [
        (0, 100, "w-0"),
        (None, 100, "w-0"),
        (0.4, 100, "w-5"),  # above zero never shows as an empty bar
        (52, 100, "w-50"),
        (53, 100, "w-55"),
        (100, 100, "w-100"),
        (140, 100, "w-100"),
        (3, 4, "w-75"),
        (1, 200, "w-5"),
        (5, 0, "w-0"),
        ("n/a", 100, "w-0"),
    ],
)
def test_bar_widths_are_classes_in_five_percent_steps(value, whole, css_class):
    assert bar_width(value, whole) == css_class


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_name_the_portals_own_icon_so_browsers_never_ask_for_a_missing_favicon(
    client, owner, signed_in
):
    if signed_in:
        client.force_login(owner)
    html = client.get("/" if signed_in else "/account/login/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon, "the page names no icon: the browser then asks for /favicon.ico, a 404"
    served = client.get(icon.group(1))
    assert served.status_code == 200
    assert b"<svg" in b"".join(served.streaming_content if served.streaming else [served.content])


@pytest.mark.parametrize("page", ["500.html", "503.html"])
def test_the_error_pages_name_the_icon_too(page):
    assert 'rel="icon"' in (Path(settings.BASE_DIR) / "templates" / page).read_text()
