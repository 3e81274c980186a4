"""Documents attached to a report: the type comes from the content, never the name (R10)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
import zipfile
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.attachments import (
    NOT_ALLOWED,
    add_attachment,
    add_attachments,
    check_file,
    remove_abandoned_uploads,
)
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from tests.intake.factories import make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
GIF = b"GIF89a" + b"\x00" * 20
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = zipped("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = zipped("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def report():
    return record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).report


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_r10_a_pdf_is_stored_under_its_hash_with_its_sniffed_type(report, uploads):
    attachment = add_attachment(report=report, uploaded_file=upload("early help.pdf", PDF))

    digest = hashlib.sha256(PDF).hexdigest()
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == digest
    assert attachment.size == len(PDF)
    assert attachment.original_name == "early help.pdf"
    assert attachment.file.name == f"attachments/{report.contact.reference}/{digest}"
    assert (uploads / attachment.file.name).read_bytes() == PDF
    assert AuditEvent.objects.filter(
        action="attachment.added", target_id=str(attachment.pk)
    ).exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Notes from the home visit: café, 10 o'clock\n".encode(), "text/plain"),
    ],
)
def test_r10_allowed_types_are_recognised_from_their_content(content, expected):
    # The name and the browser's content type say PDF: neither is believed.
    assert check_file(upload("anything.pdf", content)).content_type == expected


@pytest.mark.parametrize(
    "content",
    [WINDOWS_PROGRAM, GIF, zipped("payload.exe"), b"\x00\x01\x02binary"],
    ids=["program", "gif", "zip", "binary"],
)
def test_r10_a_file_whose_bytes_are_not_an_allowed_type_is_refused_whatever_its_name(
    report, uploads, content
):
    with pytest.raises(DomainError) as refused:
        add_attachment(report=report, uploaded_file=upload("report.pdf", content))

    assert refused.value.message == NOT_ALLOWED
    assert not report.attachments.exists()
    assert not (uploads / "attachments").exists()


def test_r10_an_oversized_file_is_refused(report, settings):
    settings.FRONTDOOR_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    big = PDF + b"0" * (2 * 1024 * 1024)

    with pytest.raises(DomainError, match="The selected file must be smaller than 2MB"):
        add_attachment(report=report, uploaded_file=upload("big.pdf", big))


def test_r10_an_empty_file_is_refused(report):
    with pytest.raises(DomainError, match="The selected file is empty"):
        add_attachment(report=report, uploaded_file=upload("empty.pdf", b""))


def test_r10_folders_in_the_uploaders_name_are_dropped(report):
    attachment = add_attachment(
        report=report, uploaded_file=upload("..\\..\\C:\\temp\\../notes.txt", b"notes\n")
    )
    assert attachment.original_name == "notes.txt"
    assert ".." not in attachment.file.name


def test_r10_several_documents_are_attached_all_or_none(report, uploads):
    refused = upload("program.pdf", WINDOWS_PROGRAM)

    with pytest.raises(DomainError):
        add_attachments(report=report, uploaded_files=[upload("a.pdf", PDF), refused])

    assert report.attachments.count() == 0
    assert not any(path.is_file() for path in uploads.rglob("*"))  # nothing left in the store


def test_r10_a_document_already_on_the_report_is_not_stored_again(report):
    add_attachments(report=report, uploaded_files=[upload("a.pdf", PDF)])
    added = add_attachments(report=report, uploaded_files=[upload("a.pdf", PDF), upload("b", PNG)])

    assert [a.original_name for a in added] == ["b"]
    assert [a.original_name for a in report.attachments.all()] == ["a.pdf", "b"]


def test_uploads_of_abandoned_referrals_are_removed_after_a_while():
    old = default_storage.save("pending/journey-a/old", ContentFile(b"%PDF-1.4 old"))
    new = default_storage.save("pending/journey-b/new", ContentFile(b"%PDF-1.4 new"))
    kept = default_storage.save("attachments/FD-XXXX-XXXX/abc", ContentFile(b"attached"))
    three_days_ago = time.time() - 3 * 24 * 3600
    os.utime(default_storage.path(old), (three_days_ago, three_days_ago))

    assert remove_abandoned_uploads(older_than=dt.timedelta(hours=48)) == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(new)
    assert default_storage.exists(kept)  # attached documents are never touched

    out = StringIO()
    call_command("remove_abandoned_uploads", "--older-than-hours", "1", stdout=out)
    assert out.getvalue().strip() == "Removed 0 abandoned uploads."


def test_removing_abandoned_uploads_when_there_are_none():
    assert remove_abandoned_uploads(older_than=dt.timedelta(hours=1)) == 0
