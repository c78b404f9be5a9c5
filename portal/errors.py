"""Error pages that also leave a trace: a refusal is part of the audit.

A 404 for a signed-in user on a URL that names an object (a case, an order, a referral …) is
either a typo or someone trying ids that are not theirs; both are logged as a denied access to
that address (object type "portal.page", shown as "сторінка /cases/5/"), so that the coordinator
can see probing in the audit log. Anonymous
404s are not logged (they carry no identity and would only fill the table).
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve

from portal.audit import audit_record
from portal.audit_labels import PAGE
from portal.models import AuditAction


def _object_reference(request: HttpRequest) -> tuple[str, str] | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if not match.kwargs:
        return None
    ids = ",".join(f"{key}={value}" for key, value in sorted(match.kwargs.items()))
    return match.view_name, ids[:64]


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        reference = _object_reference(request)
        if reference is not None:
            audit_record(
                actor=user,
                action=AuditAction.PERMISSION_DENIED,
                object_type=PAGE,
                object_id=request.path[:64],
                detail=f"404 {request.method} {request.path}"[:500],
            )
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or 503 when the database is away (a restart, a failover): both are static
    pages in Ukrainian and English that need neither the database nor a signed-in user, and never
    show a trace. Django calls this while handling the exception, so it can tell which."""
    from django.db import InterfaceError, OperationalError
    from django.template import loader

    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)
