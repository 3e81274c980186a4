"""A contact that arrives from another council on the same service (R17).

When a council transfers a contact to a council on the same service, the receiving council gets
a contact of its own in its inbox: the same reports, children, adults and documents, its own
reference, and its own clocks from the moment it arrived. Nothing links the copy to the
sending council's person records: the receiving council finds the child among its own (R18).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction

from frontdoor.audit import services as audit
from frontdoor.intake.models import Attachment, Contact, Report, ReportedAdult, ReportedChild
from frontdoor.intake.services import new_reference
from frontdoor.policy.clocks import start_clock
from frontdoor.policy.councils import serving
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.row_security import open_to
from frontdoor.policy.schema import TimescaleKey
from frontdoor.policy.versions import current_policy_version

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

# Fields of a report, child or adult that stay with the sending council's records.
_NOT_COPIED = {
    "id",
    "contact",
    "report",
    # The receiver's council, as every record made while it is served.
    "council",
    "person",
    "account_of",
    "recorded_by",
    "recorded_at",
    "submission_key",
    "submission_digest",
    # The referrer's status link is the sending council's: the receiver's contact has none.
    "status_secret_hash",
}


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Arrived:
    contact: Contact
    created: bool


def arrival_key(contact: Contact, council: str) -> str:
    """The submission key of the first report of `contact` as it arrives at `council`: one
    contact there however often it is sent (the report's key is unique)."""
    return f"transfer:{contact.reference}:{council}"


def _copy(obj: M, **values: object) -> M:
    fields = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in _NOT_COPIED and not field.primary_key
    }
    return type(obj)(**{**fields, **values})


def arrive(*, contact: Contact, council: str, by: User, now: dt.datetime) -> Arrived:
    """The contact `contact` makes in `council`'s inbox: made now, or the one made before."""
    key = arrival_key(contact, council)
    # The one door of a transfer between two councils (R17): made as the receiving council,
    # reading the sending council's records, with the database's wall (`policy.row_security`)
    # open to those two alone.
    with serving(council), open_to({council, str(contact.council_id)}):
        earlier = Report.objects.filter(submission_key=key).select_related("contact").first()
        if earlier is not None:
            return Arrived(contact=earlier.contact, created=False)
        try:
            with transaction.atomic():
                return Arrived(contact=_made(contact, key=key, by=by, now=now), created=True)
        except IntegrityError:  # made a moment ago by the same transfer sent twice at once
            earlier = Report.objects.select_related("contact").get(submission_key=key)
            return Arrived(contact=earlier.contact, created=False)


def _made(source: Contact, *, key: str, by: User, now: dt.datetime) -> Contact:
    """Copy `source` into the council served, with that council's clocks and policy."""
    loaded = current_loaded_policy()
    progress = start_clock(
        timescale=loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED),
        start=now,
        calendar=calendar_for(loaded),
    )
    policy_version = current_policy_version()
    contact = Contact.objects.create(
        reference=new_reference(),
        kind=source.kind,
        received_at=now,
        progress_due_at=progress.due if progress else None,
        policy_version=policy_version,
    )
    reports: dict[int, Report] = {}
    for n, report in enumerate(source.reports.order_by("received_at", "id")):
        copied = _copy(report, contact=contact, recorded_by=by, submission_key=None)
        if n == 0:
            copied.submission_key = key
        copied.save()
        reports[report.pk] = copied
        for attachment in report.attachments.all():
            with attachment.file.open("rb") as stored:
                content = stored.read()
            document = Attachment(
                report=copied,
                original_name=attachment.original_name,
                content_type=attachment.content_type,
                size=attachment.size,
                sha256=attachment.sha256,
            )
            document.file.save(attachment.original_name, ContentFile(content), save=False)
            document.save()
    for model in (ReportedChild, ReportedAdult):
        copies: dict[int, models.Model] = {}
        for person in model.accounts.filter(contact=source).order_by("id"):
            named = _copy(
                person,
                contact=contact,
                report=reports[person.report_id],
                account_of=copies.get(person.account_of_id) if person.account_of_id else None,
            )
            named.save()
            copies[person.pk] = named
    audit.record(
        actor=by,
        action="contact.transferred_in",
        target=contact,
        changes={
            "from_council": source.council_id,
            "reports": len(reports),
            "children": ReportedChild.objects.filter(contact=contact).count(),
        },
        policy_version=policy_version,
        at=now,
    )
    return contact
