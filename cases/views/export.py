"""Export of the filtered list (CSV, XLSX) for roles allowed to export; audited.

Exports carry no address or phone, and no confidential case unless the exporter is its
responsible worker: what leaves the system is the minimum a report needs.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ViolenceForm
from cases.selectors import case_list
from cases.views.listing import filters_from_request
from portal.audit import audit_record
from portal.models import AuditAction
from portal.roles import Capability, can
from portal.spreadsheets import spreadsheet_response

MAX_ROWS = 50_000


def _rows(request):
    _form, filters = filters_from_request(request)
    qs = case_list(user=request.user, filters=filters, names=True).filter(
        Q(confidential=False) | Q(responsible=request.user)
    )[:MAX_ROWS]
    labels = dict(ViolenceForm.choices)
    header = [
        _("Case number"),
        _("Reported at"),
        _("District"),
        _("Status"),
        _("Risk level"),
        _("Forms of violence"),
        _("Children involved"),
        _("Victim"),
        _("Responsible worker"),
    ]
    rows = [
        [
            case.number,
            timezone.localtime(case.reported_at).strftime("%d.%m.%Y %H:%M"),
            case.district.display_name,
            case.get_status_display(),
            case.get_risk_level_display() if case.risk_level else "",
            ", ".join(str(labels.get(f, f)) for f in case.forms),
            _("yes") if case.has_children else _("no"),
            case.victim_name or "",
            str(case.responsible or ""),
        ]
        for case in qs
    ]
    return header, rows


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    if not can(request.user, Capability.CASE_EXPORT):
        raise PermissionDenied
    header, rows = _rows(request)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="cases.case",
        detail=f"{fmt}: {len(rows)} rows; {request.GET.urlencode()}"[:500],
    )
    # Victim names are typed by people: every cell goes through portal.spreadsheets.
    return spreadsheet_response(fmt=fmt, title=_("Cases"), stem="cases", header=header, rows=rows)
