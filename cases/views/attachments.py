from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from cases.models import Attachment
from cases.selectors import case_for_user
from cases.uploads import EXTENSION_BY_CONTENT_TYPE, download_name
from portal.audit import audit_record
from portal.models import AuditAction


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """The only way out for an attachment: a user who may see the case, and an audit entry."""
    case = case_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_pk, case=case)
    audit_record(
        actor=request.user,
        action=AuditAction.DOWNLOAD,
        obj=attachment,
        detail=attachment.original_name,
    )
    # Always a download under our extension, never rendered by the browser: even a file that
    # slipped past cases.uploads cannot run as a page of the portal (sandbox, no sources).
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(
            original_name=attachment.original_name, content_type=attachment.content_type
        ),
        content_type=attachment.content_type
        if attachment.content_type in EXTENSION_BY_CONTENT_TYPE
        else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
