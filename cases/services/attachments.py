"""Files attached to a case: the size limit, and the type read from the bytes, never the name."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cases.models import Attachment
from cases.services.common import editable_case, timeline_record
from cases.uploads import detect_upload
from portal.audit import audit_record
from portal.models import AuditAction


def sniff_upload(upload: UploadedFile) -> tuple[str, str]:
    """(content type, extension) from the whole file and its name; never the browser's claim."""
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return detect_upload(name=upload.name or "", data=data)


def _size_limit_error(limit: int) -> ValidationError:
    megabyte = 1024 * 1024
    if limit % megabyte == 0:
        message = _("The file is larger than %(mb)s MB.") % {"mb": limit // megabyte}
    else:  # "larger than 0 MB" said nothing; 512 KB, 1.5 MB
        message = _("The file is larger than %(size)s.") % {"size": filesizeformat(limit)}
    return ValidationError({"file": ValidationError(message, code="file_size")})


@transaction.atomic
def attachment_add(
    *, actor, case_id: int, upload: UploadedFile, description: str = ""
) -> Attachment:
    case = editable_case(actor, case_id)
    limit = settings.PORTAL_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise _size_limit_error(limit)
    content_type, extension = sniff_upload(upload)
    attachment = Attachment(
        case=case,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        description=description,
        uploaded_by=actor,
    )
    # The stored name carries the detected extension, never the one the person typed.
    attachment.file.save(f"upload{extension}", upload, save=False)
    attachment.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=attachment, detail=attachment.original_name
    )
    timeline_record(
        case=case,
        actor=actor,
        kind="attachment.added",
        summary=_("File attached: %(name)s") % {"name": attachment.original_name},
        obj=attachment,
    )
    return attachment
