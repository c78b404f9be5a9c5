from __future__ import annotations

import base64
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from portal.audit import audit_record
from portal.dashboard import panels_for
from portal.forms import AuditLogFilterForm, LoginForm, TokenForm
from portal.models import AuditAction
from portal.notifications import notification_mark_read
from portal.roles import Capability, can, parse_id
from portal.selectors import (
    AuditFilters,
    audit_event_page,
    audit_export_table,
    audit_rows,
    notification_for_user,
    notifications_for,
)
from portal.services import audit_log_read, two_factor_device_enrol, two_factor_verify
from portal.spreadsheets import spreadsheet_response


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def _safe_next(request: HttpRequest, fallback: str = "portal:dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(fallback)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; a user without a confirmed device enrols one first."""
    device = two_factor_device_enrol(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if verified is not None:
            otp_login(request, verified)
            return redirect(_safe_next(request))
        form.add_error("token", _("The code is wrong or has expired. Try the current one."))
    enrolling = not device.confirmed
    qr_svg = ""
    if enrolling:
        import qrcode
        import qrcode.image.svg

        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        qr_svg = base64.b64encode(buffer.getvalue()).decode()
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "enrolling": enrolling,
            "qr_svg": qr_svg,
            "secret": base64.b32encode(device.bin_key).decode() if enrolling else "",
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_POST
def switch_membership(request: HttpRequest) -> HttpResponse:
    membership = (
        request.user.memberships.filter(
            pk=parse_id(request.POST.get("membership")) or 0,
            is_active=True,
            organisation__is_active=True,
        )
        .select_related("organisation")
        .first()
    )
    if membership is None:
        messages.error(request, _("You are not a member of that organisation."))
    else:
        request.session["membership_id"] = membership.pk
        messages.success(
            request,
            _("You now act for %(organisation)s as %(role)s.")
            % {"organisation": membership.organisation, "role": membership.get_role_display()},
        )
    return redirect("portal:dashboard")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dashboard.html", {"panels": panels_for(request)})


def _audit_filters(request: HttpRequest) -> tuple[AuditLogFilterForm, AuditFilters | None]:
    """The filter form and, when it is valid, the filters; an invalid filter shows no events
    rather than a silently different selection."""
    form = AuditLogFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, AuditFilters(
        username=data["user"],
        organisation_id=data["organisation"].pk if data["organisation"] else None,
        action=data["action"],
        date_from=data["date_from"],
        date_to=data["date_to"],
        case_number=data["case"],
        person_id=data["person"],
    )


def _render_audit_log(request: HttpRequest, form, filters: AuditFilters | None) -> HttpResponse:
    page = audit_event_page(user=request.user, filters=filters, page=request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    rows = audit_rows(page)
    if filters is not None:
        audit_log_read(user=request.user, page_number=page.number, shown=len(rows), filters=filters)
    response = render(
        request,
        "portal/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": filters is not None,
            "query": query.urlencode(),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Capability.AUDIT_VIEW):
        raise PermissionDenied
    form, filters = _audit_filters(request)
    return _render_audit_log(request, form, filters)


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if not can(request.user, Capability.AUDIT_VIEW):
        raise PermissionDenied
    form, filters = _audit_filters(request)
    if filters is None:
        return _render_audit_log(request, form, filters)
    header, rows = audit_export_table(user=request.user, filters=filters)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="portal.auditevent",
        detail=f"{fmt}: {len(rows)} rows; {request.GET.urlencode()}"[:500],
    )
    # User names, details and labels are typed by people: every cell goes through spreadsheets.
    return spreadsheet_response(
        fmt=fmt, title=_("Audit log"), stem="audit", header=header, rows=rows
    )


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        notification_mark_read(user=request.user, notification_id=request.POST.get("id") or None)
        if request.htmx:
            return render(
                request,
                "portal/_notifications.html",
                {"notifications": notifications_for(request.user)},
            )
        return redirect("portal:notifications")
    return render(
        request, "portal/notifications.html", {"notifications": notifications_for(request.user)}
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice from the list: it is seen (the bell's count drops) and the page it
    names opens. Only a path inside the portal is followed."""
    notification = notification_for_user(user=request.user, pk=pk)
    notification_mark_read(user=request.user, notification_id=notification.pk)
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("portal:notifications")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "debug": settings.DEBUG})


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        audit_record(
            actor=request.user,
            action=AuditAction.PERMISSION_DENIED,
            object_type="url",
            object_id=request.path[:64],
        )
    return render(request, "403.html", status=403)
