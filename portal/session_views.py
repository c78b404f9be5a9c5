"""The signed-in session: an idle expiry that slides with activity, the keep-alive endpoint
behind the "Stay signed in" button, and a way back to the page after an expired session.

What counts as activity: every request of a signed-in user except background polling, which
static/portal/session.js marks with the header X-Portal-Background (htmx elements with
hx-trigger="every …", e.g. the report status poll). The expiry is written to the session row at
most once per PORTAL_SESSION_RENEW_SECONDS, so a busy page costs one UPDATE a minute, not one
per request. Anonymous requests never write the session, so visitors create no rows.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

RENEWED_KEY = "_renewed"
BACKGROUND_HEADER = "X-Portal-Background"
EXPIRES_IN_HEADER = "X-Session-Expires-In"


def session_renew(request: HttpRequest, *, force: bool = False) -> None:
    """Move the session's expiry to now + SESSION_COOKIE_AGE; writing the key marks the
    session modified, so SessionMiddleware saves the row with a new expire_date."""
    now = int(time.time())
    renewed = request.session.get(RENEWED_KEY, 0)
    if force or now - renewed >= settings.PORTAL_SESSION_RENEW_SECONDS:
        request.session[RENEWED_KEY] = now


def session_seconds_left(request: HttpRequest) -> int:
    """Seconds until the session row expires: the expiry was set when it was last renewed."""
    renewed = request.session.get(RENEWED_KEY)
    if renewed is None:
        return settings.SESSION_COOKIE_AGE
    return max(0, renewed + settings.SESSION_COOKIE_AGE - int(time.time()))


@receiver(user_logged_in)
def _session_renewed_at_login(sender, request, user, **kwargs) -> None:
    # Signing in saves the session with a fresh expiry; record it so that the first minute of
    # requests after sign-in does not write the row again.
    if request is not None and hasattr(request, "session"):
        session_renew(request, force=True)


@login_required
@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The "Stay signed in" button: renew now, whatever the once-a-minute throttle says."""
    session_renew(request, force=True)
    return HttpResponse(status=204)


def _referer_path(request: HttpRequest) -> str | None:
    referer = request.headers.get("Referer", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(referer)
    path = parts.path or "/"
    # A page rendered by the POST itself (a form shown again with errors) cannot be fetched with
    # GET; the sign-in then leads to the default page instead.
    if path == request.path or path == resolve_url(settings.LOGIN_URL):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def _login_redirect_for_lost_post(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """login_required sends an expired POST to the sign-in page with next=<the POST URL>, which
    after sign-in would be fetched with GET and answer 405. Send the user back to the page the
    form was on (the same-origin Referer) instead; session.js restores what they typed there."""
    location = urlsplit(response.get("Location", ""))
    if location.path != resolve_url(settings.LOGIN_URL):
        return response
    query = parse_qs(location.query)
    if query.get("next") != [request.get_full_path()]:
        return response  # not login_required's redirect for this request (e.g. sign-out)
    page = _referer_path(request)
    query.pop("next")
    if page is not None:
        query["next"] = [page]
    target = location.path + (f"?{urlencode(query, doseq=True)}" if query else "")
    response["Location"] = target
    return response


class SessionActivityMiddleware:
    """Slides the idle expiry of signed-in sessions, tells the page how long it has left
    (request.session_seconds_left and .session_warning_seconds for base.html, the
    X-Session-Expires-In header for htmx and fetch), and keeps an expired POST from ending on
    a POST-only URL after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        if signed_in:
            if BACKGROUND_HEADER not in request.headers:
                session_renew(request)
            request.session_seconds_left = session_seconds_left(request)
            request.session_warning_seconds = settings.PORTAL_SESSION_WARNING_SECONDS
        response = self.get_response(request)
        if request.user.is_authenticated:  # not after signing out in this request
            response[EXPIRES_IN_HEADER] = str(session_seconds_left(request))
        elif not signed_in and request.method == "POST" and response.status_code == 302:
            response = _login_redirect_for_lost_post(request, response)
        return response
