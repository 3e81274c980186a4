"""Staff pages for contacts: the inbox, the contact record, recording what arrives (R1-R11, R25).

Views are thin: check the permission, load through `intake.selectors`, validate with a form from
`intake.forms`, call one function of `intake.services`, and turn a `DomainError` into a form error
(or, for a refused permission, a 403 page saying who may do it).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.accounts.permissions import PermissionDeniedError, can
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake import selectors, services
from frontdoor.intake.attachments import add_attachments
from frontdoor.intake.forms import (
    ConsultationContactForm,
    ConsultationForm,
    InboxFilterForm,
    MissingEpisodeForm,
    ReportForm,
)
from frontdoor.intake.models import Contact
from frontdoor.outbox.services import undelivered
from frontdoor.people.postcodes import check_postcode
from frontdoor.people.selectors import corrections_on_contact
from frontdoor.people.views import restricted_page
from frontdoor.policy.registry import current_policy

INBOX_PAGE_SIZE = 50


def _contact_url(contact: Contact) -> str:
    return reverse("intake:contact", args=[contact.reference])


def _visible_contact(request: SignedInRequest, reference: str) -> Contact:
    return get_object_or_404(selectors.contacts_visible_to(request.user), reference=reference)


def contact_or_whom_to_ask(request: SignedInRequest, reference: str) -> Contact | HttpResponse:
    """The contact the user may open, or, for one a restriction hides from them, the page saying
    whom to ask instead of "not found" (R45); 404 for any other."""
    try:
        return _visible_contact(request, reference)
    except Http404:
        restriction = selectors.restriction_hiding_contact(user=request.user, reference=reference)
        if restriction is None:
            raise
        return restricted_page(request, restriction)


@require_http_methods(["GET"])
@allowed("inbox.view")
def inbox(request: SignedInRequest) -> HttpResponse:
    """New contacts, the oldest first, each with its R25 due time and time left."""
    now = timezone.now()
    form = InboxFilterForm(request.GET if set(request.GET) & {"channel", "age"} else None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    contacts = selectors.inbox(
        user=request.user,
        channel=filters.get("channel", ""),
        age=filters.get("age", ""),
        now=now,
    )
    page = Paginator(contacts, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "intake/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": selectors.inbox_rows(page.object_list, now),
            "now": now,
            "filtered": bool(filters.get("channel") or filters.get("age")),
            "query": query.urlencode(),
            "can_record": can(request.user, "contact.record"),
        },
    )


@require_http_methods(["GET"])
@allowed("inbox.view")
def contact(request: SignedInRequest, reference: str) -> HttpResponse:
    """One contact: every report, child, adult and document, its clocks and its audit trail."""
    found = contact_or_whom_to_ask(request, reference)
    if isinstance(found, HttpResponse):
        return found
    # Every view of a contact is logged before it is shown, so it appears in its own trail (R45).
    audit.record_view(viewer=request.user, target=found, through="contact page")
    record = selectors.contact_record(contact=found, user=request.user)
    # R17: where each child lives, by full postcode, against the council's area.
    council_code = current_policy().council.ons_code
    # R44: each child's case record and where their hand-offs stand.
    case_records = selectors.case_records_of_children(record.children)
    children = [
        (
            child,
            check_postcode(postcode=child.postcode, council_code=council_code),
            case_records[child.pk],
        )
        for child in record.children
    ]
    return render(
        request,
        "intake/staff/contact.html",
        {
            "record": record,
            "contact": found,
            "now": record.clock.now,
            "can_record": can(request.user, "contact.record"),
            "can_screen": can(request.user, "contact.screen"),
            "children": children,
            "corrections": list(corrections_on_contact(found.reference)),
            # R30: a referrer the outcome did not reach, to be phoned instead.
            "feedback_undelivered": list(
                undelivered(about=found.reference, kind="referrer_feedback")
            ),
        },
    )


@require_http_methods(["GET"])
@allowed("inbox.view")
def document(request: SignedInRequest, reference: str, attachment_id: int) -> FileResponse:
    """Stream a document that came with the contact, always as a download, never inline (R10)."""
    found = _visible_contact(request, reference)
    attachment = selectors.attachment_of(contact=found, attachment_id=attachment_id)
    if attachment is None:
        raise Http404("No such document on this contact.")
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing from storage.") from None
    audit.record_view(viewer=request.user, target=attachment, through="document")
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    # The type was sniffed from the content when it arrived; the browser must not guess again,
    # and nothing in the file may run as part of this site.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _report_form(request: SignedInRequest, form_class: type[ReportForm], **kwargs):
    """The form for this request, and whether it was sent to be recorded.

    "Add another child" and "Add another adult" re-draw the form with one more fieldset and
    what was typed kept, without checking it: the pages need no JavaScript.
    """
    if request.method != "POST":
        return form_class(**kwargs), False
    form = form_class(request.POST, files=request.FILES, **kwargs)
    for button, child in (("add_child", True), ("add_adult", False)):
        if button in request.POST:
            return form.with_one_more(child=child), False
    return form, True


def _add_documents(request: SignedInRequest, form: ReportForm, *, report) -> None:
    """Attach the documents sent with the form, already checked by it (R10)."""
    if form.cleaned_data["documents"]:
        add_attachments(
            report=report, uploaded_files=form.cleaned_data["documents"], by=request.user
        )


def _recorded(request: SignedInRequest, recorded: services.Recorded, what: str) -> HttpResponse:
    if recorded.created:
        messages.success(request, f"{what} {recorded.contact.reference}")
    else:
        # The same form sent twice (a double click, the back button): nothing was added.
        messages.info(request, f"This was already recorded on contact {recorded.contact.reference}")
    return redirect(_contact_url(recorded.contact))


def _save_report(
    request: SignedInRequest,
    form: ReportForm,
    record: Callable[..., services.Recorded],
    *,
    what: str,
    **target,
) -> HttpResponse | None:
    """Record a valid report form with `record` (record_contact or attach_report) and its
    documents, then redirect; on a refusal, put the reason on the form and return None."""
    try:
        # R10: the documents were checked with the form; the report and its documents are
        # recorded together or not at all.
        with transaction.atomic():
            recorded = record(
                submission=form.submission,
                channel=form.cleaned_data["channel"],
                received_at=form.received_at,
                by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **target,
            )
            if recorded.created:
                _add_documents(request, form, report=recorded.report)
    except PermissionDeniedError:
        raise
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None
    return _recorded(request, recorded, what)


@require_http_methods(["GET", "POST"])
@allowed("contact.record")
def new_contact(request: SignedInRequest) -> HttpResponse:
    """Record a contact taken by telephone, in person, by letter, e-mail, EDT or the police."""
    form, sent = _report_form(request, ReportForm)
    if sent and form.is_valid():
        saved = _save_report(request, form, services.record_contact, what="Contact recorded:")
        if saved is not None:
            return saved
    return render(
        request,
        "intake/staff/report_form.html",
        {"form": form, "title": "Record a contact", "submit": "Record contact"},
    )


@require_http_methods(["GET", "POST"])
@allowed("contact.record")
def attach(request: SignedInRequest, reference: str) -> HttpResponse:
    """Add a report of the same incident to this contact (R7), each keeping its own referrer."""
    found = _visible_contact(request, reference)
    form, sent = _report_form(request, ReportForm)
    if sent and form.is_valid():
        saved = _save_report(
            request, form, services.attach_report, what="Report added to contact", contact=found
        )
        if saved is not None:
            return saved
    return render(
        request,
        "intake/staff/report_form.html",
        {
            "form": form,
            "contact": found,
            "title": f"Add a report to contact {found.reference}",
            "caption": "Another report of the same incident",
            "submit": "Add report",
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("missing_episode.record")
def new_missing_episode(request: SignedInRequest) -> HttpResponse:
    """Record a child's missing episode as a contact (R9): still missing, or returned."""
    if request.method == "POST":
        form = MissingEpisodeForm(request.POST, files=request.FILES)
    else:
        form = MissingEpisodeForm()
    if form.is_bound and form.is_valid():
        # A valid form's date and time the child went missing are required, and not to come.
        assert form.went_missing_at is not None
        try:
            with transaction.atomic():  # R10: the episode and its documents, or nothing
                found = services.record_missing_episode(
                    # A valid form has its submission.
                    child=form.submission.children[0],  # type: ignore[union-attr]
                    went_missing_at=form.went_missing_at,
                    returned_at=form.returned_at,
                    missing_from=form.cleaned_data["missing_from"],
                    submission=form.submission,  # type: ignore[arg-type]  # as above
                    channel=form.cleaned_data["channel"],
                    received_at=form.received_at,
                    by=request.user,
                    submission_key=form.cleaned_data["submission_key"],
                )
                # The episode's own report is the contact's first. A form sent twice gets back
                # the contact it made; add_attachments does not store the same document twice.
                _add_documents(request, form, report=selectors.first_report(contact=found))
            messages.success(request, f"Missing episode recorded: contact {found.reference}")
            return redirect(_contact_url(found))
        except PermissionDeniedError:
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(request, "intake/staff/missing_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@allowed("contact.record")
def consultations(request: SignedInRequest) -> HttpResponse:
    """Log a professional consultation with the advice given, and list recent ones (R8)."""
    form = ConsultationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.record_consultation(by=request.user, **form.cleaned_data)
            messages.success(request, "Consultation logged")
            return redirect("intake:consultations")
        except PermissionDeniedError:
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request,
        "intake/staff/consultations.html",
        {"form": form, "consultations": selectors.recent_consultations()},
    )


@require_http_methods(["GET", "POST"])
@allowed("contact.record")
def consultation_contact(request: SignedInRequest, pk: int) -> HttpResponse:
    """Safeguarding concerns came out of a consultation: record it as a contact (R8)."""
    consultation = get_object_or_404(selectors.consultations_of_served_council(), pk=pk)
    if consultation.became_contact:
        messages.info(
            request,
            f"This consultation already became contact {consultation.became_contact.reference}",
        )
        return redirect(_contact_url(consultation.became_contact))
    initial = {
        "referrer_type": "professional",
        "referrer_agency": consultation.caller_agency,
        "referrer_role": consultation.caller_role,
        "summary": (
            f"From a consultation: {consultation.question}\n\nAdvice given: {consultation.advice}"
        ),
    }
    form, sent = _report_form(request, ConsultationContactForm, initial=initial)
    if sent and form.is_valid():
        try:
            with transaction.atomic():  # R10: the contact and its documents, or nothing
                found = services.consultation_to_contact(
                    consultation=consultation, submission=form.submission, by=request.user
                )
                _add_documents(request, form, report=selectors.first_report(contact=found))
            messages.success(request, f"Contact recorded from the consultation: {found.reference}")
            return redirect(_contact_url(found))
        except PermissionDeniedError:
            raise
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    return render(
        request,
        "intake/staff/report_form.html",
        {
            "form": form,
            "consultation": consultation,
            "title": "Record the consultation as a contact",
            "caption": f"Consultation with {consultation.caller_agency}",
            "submit": "Record contact",
        },
    )
