"""Response headers that make the browser a second line of defence.

Django 5.2 has no Content-Security-Policy of its own. The portal serves only its own scripts and
styles, so the policy allows exactly those: an injected `<script>`, `style="…"` or `onclick=` in
a page (a victim's name that slipped past escaping, say) does not run. For this to hold, no
served template may carry inline scripts, style attributes or event handlers —
tests/portal/test_headers.py scans them.

Pages carry personal data of people hiding from violence: a signed-in user's HTML is never kept
in a shared cache or in the browser's back/forward store (`private, no-store`).

A view that sets a header itself keeps it: an attachment download sends the stricter
`sandbox; default-src 'none'`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Bootstrap draws select arrows and toggler icons as data: SVGs
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.headers = {
            "Content-Security-Policy": getattr(
                settings, "PORTAL_CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY
            ),
            "Permissions-Policy": PERMISSIONS_POLICY,
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in self.headers.items():
            response.headers.setdefault(name, value)
        user = getattr(request, "user", None)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and user is not None and user.is_authenticated:
            # Merged into whatever the view said: `public` or `max-age` cannot win over this.
            patch_cache_control(response, private=True, no_store=True)
        return response


class RejectNullBytesMiddleware:
    """A NUL byte is never part of anything a person types, and PostgreSQL cannot store one in
    text: a request that carries one in its parameters or path is refused with a plain 400 page
    before any view runs, instead of failing deep inside a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or self._has_nul(request):
            from django.shortcuts import render

            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        try:
            params = [request.GET]
            if request.method == "POST" and request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                params.append(request.POST)
            return any(
                "\x00" in key or any("\x00" in value for value in values)
                for query in params
                for key, values in query.lists()
            )
        except Exception:  # an unreadable body is for the view to refuse
            return False
