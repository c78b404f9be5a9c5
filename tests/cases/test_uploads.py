"""cases.uploads: an attachment is exactly a plain PDF, JPEG or PNG, named for what it is."""

from __future__ import annotations

import binascii
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment
from cases.uploads import detect_upload, download_name
from tests.cases.factories import register_case


def pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, o) for n, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", binascii.crc32(kind + data))
    )


GOOD_PDF = pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>")
GOOD_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    + png_chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    + png_chunk(b"IEND", b"")
)
GOOD_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xd9"


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        detect_upload(name=name, data=data)
    return caught.value.error_dict["file"][0].code


# --- the pure module, at its edges ---


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("scan.pdf", GOOD_PDF, ("application/pdf", ".pdf")),
        ("SCAN.PDF", GOOD_PDF, ("application/pdf", ".pdf")),
        ("photo.png", GOOD_PNG, ("image/png", ".png")),
        ("photo.jpg", GOOD_JPEG, ("image/jpeg", ".jpg")),
        ("photo.jpeg", GOOD_JPEG, ("image/jpeg", ".jpg")),
    ],
)
def test_a_plain_pdf_png_or_jpeg_is_accepted_with_our_extension(name, data, expected):
    assert detect_upload(name=name, data=data) == expected


def test_a_pdf_that_opens_on_a_page_is_accepted():
    catalog = b"<< /Type /Catalog /OpenAction [3 0 R /Fit] >>"
    assert detect_upload(name="a.pdf", data=pdf(catalog))[0] == "application/pdf"


def test_an_html_page_that_starts_with_pdf_magic_is_refused():
    page = b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n%%EOF"
    assert refusal("page.pdf", page) == "file_type"
    assert refusal("page.html", page) == "file_type"


@pytest.mark.parametrize("marker", [b"<HTML>", b"<script>", b"<svg onload=x>"])
def test_markup_in_the_first_kilobyte_is_refused_whatever_the_magic(marker):
    assert refusal("photo.png", GOOD_PNG[:16] + marker + GOOD_PNG[16:]) == "file_type"


@pytest.mark.parametrize(
    "active",
    [
        b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /Type /Catalog /Names << /EmbeddedFiles 5 0 R >> >>",
        b"<< /Type /EmbeddedFile >>",
        b"<< /Type /Page /AA << /O 4 0 R >> >>",
        b"<< /Type /Annot /Subtype /RichMedia >>",
        b"<< /AcroForm << /XFA 6 0 R >> >>",
        b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",  # hex-escaped names
    ],
)
def test_a_pdf_with_scripts_launch_embedded_files_or_automatic_actions_is_refused(active):
    assert refusal("scan.pdf", pdf(b"<< /Type /Catalog >>", active)) == "file_active_content"


def test_a_script_hidden_in_a_compressed_object_stream_is_refused():
    hidden = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    stream = b"<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + hidden + b"\nendstream"
    assert refusal("scan.pdf", pdf(b"<< /Type /Catalog >>", stream)) == "file_active_content"


def test_a_truncated_pdf_without_eof_is_refused():
    assert refusal("scan.pdf", GOOD_PDF[: GOOD_PDF.index(b"%%EOF")]) == "file_damaged"


def test_a_truncated_png_or_jpeg_is_refused():
    assert refusal("photo.png", GOOD_PNG[:-12]) == "file_damaged"
    assert refusal("photo.jpg", GOOD_JPEG[:-2]) == "file_damaged"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.pdf", GOOD_PNG),
        ("photo.png", GOOD_JPEG),
        ("photo.jpg", GOOD_PDF),
        ("scan.html", GOOD_PDF),
        ("scan", GOOD_PDF),
        ("scan.pdf.exe", GOOD_PDF),
    ],
)
def test_a_name_whose_extension_does_not_match_the_content_is_refused(name, data):
    assert refusal(name, data) == "file_extension"


def test_other_files_are_refused():
    assert refusal("a.pdf", b"MZ\x90\x00 not a pdf") == "file_type"
    assert refusal("a.pdf", b"") == "file_type"


def test_a_download_is_named_with_the_detected_extension():
    assert download_name(original_name="скан.JPEG", content_type="image/jpeg") == "скан.jpg"
    assert download_name(original_name="page.html", content_type="application/pdf") == "page.pdf"
    assert download_name(original_name="../../x", content_type="image/png") == "x.png"
    assert download_name(original_name="a.pdf", content_type="text/html") == "a.bin"


# --- through the view ---


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.PORTAL_PRIVATE_ROOT = settings.MEDIA_ROOT = tmp_path


def test_html_with_pdf_magic_is_not_attached(client, owner, private_storage):
    case = register_case(owner)
    client.force_login(owner)
    page = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"
    response = client.post(
        f"/cases/{case.pk}/attachments/",
        {"attachment-file": SimpleUploadedFile("page.html", page, content_type="application/pdf")},
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_pdf_with_javascript_is_not_attached(client, owner, private_storage):
    case = register_case(owner)
    client.force_login(owner)
    evil = pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (x) >> >>")
    response = client.post(
        f"/cases/{case.pk}/attachments/", {"attachment-file": SimpleUploadedFile("a.pdf", evil)}
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_good_pdf_is_stored_under_its_detected_extension_and_downloaded_safely(
    client, owner, private_storage
):
    case = register_case(owner)
    client.force_login(owner)
    client.post(
        f"/cases/{case.pk}/attachments/",
        {"attachment-file": SimpleUploadedFile("Довідка.PDF", GOOD_PDF, content_type="text/html")},
    )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    assert "Довідка" not in attachment.file.name
    response = client.get(f"/cases/{case.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == GOOD_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".pdf" in response["Content-Disposition"]
    assert ".PDF" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-store"


def test_a_limit_under_a_megabyte_is_named_in_kilobytes(client, owner, settings, private_storage):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 512 * 1024
    case = register_case(owner)
    client.force_login(owner)
    big = GOOD_PNG[:-12] + b"\x00" * (600 * 1024) + GOOD_PNG[-12:]
    response = client.post(
        f"/cases/{case.pk}/attachments/", {"attachment-file": SimpleUploadedFile("big.png", big)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "512" in page
    assert "0 MB" not in page and "0 МБ" not in page
    assert not Attachment.objects.exists()
