"""Documents that arrive with a report (R10): checked from their content, then stored.

A file's name and the browser's content type are the uploader's to choose, so neither is trusted:
the type is sniffed from the bytes, the stored name is the file's sha256 (models.attachment_path),
and the store is outside the web root (settings.MEDIA_ROOT), so nothing uploaded is ever served
or run by the web server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Attachment, Report

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# What a referrer may send, by the type sniffed from the content: PDF, Word (DOCX), spreadsheets
# (XLSX), OpenDocument text, photos (JPEG, PNG) and plain text.
ALLOWED_TYPES = frozenset(
    {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
        "image/jpeg",
        "image/png",
        "text/plain",
    }
)
NOT_ALLOWED = "The selected file must be a PDF, Word document, spreadsheet, photo or text file"
# How many documents one report may carry, on the online form and the staff forms alike.
MAX_DOCUMENTS = 10
# Control characters other than tab, line feed, form feed and carriage return never appear in text.
_TEXT_CONTROL = frozenset(range(32)) - {9, 10, 12, 13}


@dataclass(frozen=True)
class CheckedFile:
    """What the content of an accepted file says about it."""

    content_type: str
    size: int
    sha256: str


def size_in_words(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g}MB" if megabytes >= 1 else f"{size // 1024}KB"


def _is_plain_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(ord(char) in _TEXT_CONTROL for char in text)


def _read_all(uploaded_file: File) -> bytes:
    uploaded_file.seek(0)
    content = b"".join(uploaded_file.chunks())
    uploaded_file.seek(0)
    return content


def check_file(uploaded_file: File) -> CheckedFile:
    """Refuse an empty, oversized or unknown file (R10); the type comes from the bytes alone."""
    limit = settings.FRONTDOOR_MAX_UPLOAD_BYTES
    size = uploaded_file.size
    if size is not None and size > limit:
        raise DomainError(f"The selected file must be smaller than {size_in_words(limit)}")
    content = _read_all(uploaded_file)
    if not content:
        raise DomainError("The selected file is empty")
    if len(content) > limit:  # the declared size is the uploader's; the bytes are not
        raise DomainError(f"The selected file must be smaller than {size_in_words(limit)}")
    kind = filetype.guess(content)
    if kind is not None:
        content_type = kind.mime
    elif _is_plain_text(content):
        content_type = "text/plain"
    else:
        content_type = ""
    if content_type not in ALLOWED_TYPES:
        raise DomainError(NOT_ALLOWED, field="documents")
    return CheckedFile(
        content_type=content_type, size=len(content), sha256=hashlib.sha256(content).hexdigest()
    )


def clean_name(name: str) -> str:
    """The file's own name as the uploader gave it, without any folders, for display only."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    return base[-255:] or "Unnamed file"


@transaction.atomic
def add_attachment(*, report: Report, uploaded_file: File, by: User | None = None) -> Attachment:
    """Check a document from its content and attach it to a report (R10)."""
    checked = check_file(uploaded_file)
    attachment = Attachment(
        report=report,
        original_name=clean_name(uploaded_file.name or ""),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    # The stored name is the content's hash (attachment_path), never the uploader's name.
    attachment.file.save(checked.sha256, uploaded_file, save=False)
    attachment.save()
    audit.record(
        actor=by,
        action="attachment.added",
        target=attachment,
        changes={
            "contact": report.contact.reference,
            "report": report.pk,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
        },
    )
    return attachment


@transaction.atomic
def add_attachments(
    *, report: Report, uploaded_files: list[File], by: User | None = None
) -> list[Attachment]:
    """Attach several documents to a report, all or none (R10).

    A document whose content is already on the report (the same form sent twice) is not stored
    again. If one fails, the files already written by this call are removed from the store, as
    the rows that named them are rolled back.
    """
    on_report = set(report.attachments.values_list("sha256", flat=True))
    added: list[Attachment] = []
    try:
        for uploaded_file in uploaded_files:
            if check_file(uploaded_file).sha256 in on_report:
                continue
            attachment = add_attachment(report=report, uploaded_file=uploaded_file, by=by)
            on_report.add(attachment.sha256)
            added.append(attachment)
    except BaseException:
        for attachment in added:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return added


# Documents a referrer uploaded to the online form but never submitted wait under this prefix.
PENDING_PREFIX = "pending"


def remove_abandoned_uploads(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete online-form uploads whose journey was abandoned, so no unsent document is kept.

    An upload waits under `pending/<journey>/` until its referral is submitted (then it is
    attached and the pending copy removed). Anything left longer than `older_than` belongs to a
    form nobody finished: it is deleted, and the count returned. Run it daily
    (`python -m frontdoor remove-abandoned-uploads`).
    """
    cutoff = (now or timezone.now()) - older_than
    removed = 0
    try:
        journeys, _ = default_storage.listdir(PENDING_PREFIX)
    except FileNotFoundError:
        return 0
    for journey in journeys:
        folder = f"{PENDING_PREFIX}/{journey}"
        _, files = default_storage.listdir(folder)
        for name in files:
            path = f"{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
