"""Which files a case may hold, decided from their bytes alone.

A case file is opened later by a coordinator, a police officer or a judge, so an attachment must
be exactly what it claims: a plain PDF, JPEG or PNG. The browser's content type and the file
name prove nothing — an HTML page that begins with `%PDF-` passed the old check and was served
back as `page.html`. Here the whole file is read:

* no markup (`<html`, `<script`, `<svg` …) in the first kilobyte, where browsers sniff;
* PDF: `%PDF-` at byte 0, `%%EOF` in the last kilobyte (where readers look for it), and none of
  the names that make a PDF act on its own — scripts, launched programs, embedded files,
  automatic actions, rich media, XFA forms — also inside compressed object streams and when
  spelled with `#xx` escapes (`/J#61vaScript` is `/JavaScript`);
* JPEG: starts FF D8 FF and ends FF D9; PNG: the signature and the IEND chunk at the end;
* the name's extension matches the detected type, and the stored name uses our extension.

Pure: bytes and a name in, (content type, extension) out or a ValidationError; no ORM.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extension: str  # the one we store and serve
    accepted_extensions: frozenset[str]


PDF = FileKind("PDF", "application/pdf", ".pdf", frozenset({".pdf"}))
JPEG = FileKind("JPEG", "image/jpeg", ".jpg", frozenset({".jpg", ".jpeg"}))
PNG = FileKind("PNG", "image/png", ".png", frozenset({".png"}))
KINDS = (PDF, JPEG, PNG)
EXTENSION_BY_CONTENT_TYPE = {kind.content_type: kind.extension for kind in KINDS}

SNIFF_WINDOW = 1024
MARKUP = (b"<html", b"<script", b"<svg", b"<!doctype html", b"<body", b"<iframe", b"<object")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # zero length, type, CRC of an empty IEND

PDF_EOF_WINDOW = 1024
# Names that make a PDF run code, open other files or act without the reader asking
# (ISO 32000-1 §12.6 actions, §7.11.4 embedded files, §12.7.8 XFA, Adobe RichMedia).
# /OpenAction alone is only "show page 1"; with a script it carries /JS or /JavaScript.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "AA",
        "RichMedia",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToE",
    }
)
# A PDF name: a solidus and regular characters (ISO 32000-1 §7.3.5).
PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
# Inflating object streams is bounded, so a small "zip bomb" PDF cannot exhaust memory.
PDF_INFLATE_LIMIT = 64 * 1024 * 1024


def detect_upload(*, name: str, data: bytes) -> tuple[str, str]:
    """(content type, extension to store and serve) of an attachment, or a ValidationError."""
    head = data[:SNIFF_WINDOW].lower()
    if any(marker in head for marker in MARKUP):
        raise _wrong_type()
    kind = _kind_of(data)
    if kind is PDF:
        _check_pdf(data)
    elif kind is JPEG:
        if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
            raise _damaged()
    elif kind is PNG and not data.endswith(PNG_IEND):
        raise _damaged()
    extension = _extension(name)
    if extension not in kind.accepted_extensions:
        raise _error(
            _(
                "The file is a %(kind)s, but its name ends in “%(extension)s”. "
                "Rename it to end in %(expected)s and attach it again."
            )
            % {"kind": kind.label, "extension": extension or "—", "expected": kind.extension},
            code="file_extension",
        )
    return kind.content_type, kind.extension


def download_name(*, original_name: str, content_type: str) -> str:
    """The name a download is offered under: the person's name with our extension."""
    extension = EXTENSION_BY_CONTENT_TYPE.get(content_type, ".bin")
    stem = original_name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if "." in stem:
        stem = stem.rsplit(".", 1)[0]
    return (stem.strip(" .") or "file") + extension


def _kind_of(data: bytes) -> FileKind:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(PNG_SIGNATURE):
        return PNG
    raise _wrong_type()


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + base.rsplit(".", 1)[1].lower().strip() if "." in base else ""


def _check_pdf(data: bytes) -> None:
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        raise _damaged()
    if _pdf_active_names(data) or any(_pdf_active_names(s) for s in _inflated_streams(data)):
        raise _error(
            _(
                "This PDF contains scripts, embedded files or automatic actions and cannot be "
                "attached. Print it to a new PDF or scan it, and attach that."
            ),
            code="file_active_content",
        )


def _pdf_active_names(data: bytes) -> bool:
    for match in PDF_NAME.finditer(data):
        raw = PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        if raw.decode("latin-1") in PDF_ACTIVE_NAMES:
            return True
    return False


def _inflated_streams(data: bytes):
    """The content of every Flate-compressed stream, where object streams hide dictionaries."""
    budget = PDF_INFLATE_LIMIT
    for match in PDF_STREAM.finditer(data):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (a JPEG image, say): nothing a reader would parse as objects
        budget -= len(inflated)
        yield inflated
        if budget <= 0:
            raise _damaged()


def _error(message: str, *, code: str) -> ValidationError:
    # Keyed by the form field, so the message shows under the file input.
    return ValidationError({"file": ValidationError(message, code=code)})


def _wrong_type() -> ValidationError:
    return _error(_("Only PDF, JPEG or PNG files can be attached."), code="file_type")


def _damaged() -> ValidationError:
    return _error(
        _("The file is incomplete or damaged. Save or scan it again and attach it."),
        code="file_damaged",
    )
