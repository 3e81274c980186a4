"""Escalation pages: open one from a contact, follow its steps, and the managers' list, log and
per-step report, printable and downloadable (R39, R42, R43).

A partner agency's pages (opening one, the meetings to escalate, the escalations raised and each
one's page) open the database's wall to the councils that share its agency
(`mash.views.across_the_agencys_councils`): a shared agency escalates and follows any of their
contacts it was asked about; for anyone else nothing is opened."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor import exports
from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.accounts.access import refused as _refused
from frontdoor.errors import DomainError
from frontdoor.escalations import selectors, services
from frontdoor.escalations.forms import DiscussionForm, OpenForm, new_submission_key
from frontdoor.intake.selectors import names_withheld_from, restriction_hiding_child
from frontdoor.mash.selectors import council_names
from frontdoor.mash.views import across_the_agencys_councils
from frontdoor.people.views import restricted_page
from frontdoor.policy.clocks import london_datetime
from frontdoor.policy.councils import councils
from frontdoor.policy.registry import current_policy

MEETINGS_LISTED = 100  # the latest meetings; older ones are escalated from the meeting's page


def _open(request: SignedInRequest, *, contact, decision=None, meeting=None) -> HttpResponse:
    """The page that opens an escalation, about a contact, a decision or a meeting's outcome."""
    if request.method == "POST":
        form = OpenForm(request.POST)
        if form.is_valid():
            try:
                escalation = services.open_escalation(
                    contact=contact,
                    decision=decision,
                    meeting=meeting,
                    about=form.cleaned_data["about"],
                    by=request.user,
                    submission_key=form.cleaned_data["submission_key"] or None,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Escalation {escalation.reference} opened")
                return redirect(reverse("escalations:detail", args=[escalation.pk]))
    else:
        form = OpenForm(initial={"submission_key": new_submission_key()})
    steps = current_policy().escalation.steps_for(meeting.kind if meeting else None)
    return render(
        request,
        "escalations/open.html",
        {
            "contact": contact,
            "decision": decision,
            "meeting": meeting,
            "form": form,
            "steps": steps,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("escalation.open")
@across_the_agencys_councils
def open_escalation(
    request: SignedInRequest, reference: str, decision_id: int | None = None
) -> HttpResponse:
    """Open an escalation about a contact, or one of its decisions (R39, R42)."""
    # Need-to-know: another agency's contact looks the same as one that does not exist.
    contact = get_object_or_404(
        selectors.contacts_open_to_escalation(request.user), reference=reference
    )
    decision = get_object_or_404(contact.decisions, pk=decision_id) if decision_id else None
    restriction = restriction_hiding_child(request.user, child=decision.child) if decision else None
    if restriction is not None:
        # R45: a decision for a restricted child is that child's alone: whom to ask.
        return restricted_page(request, restriction)
    return _open(request, contact=contact, decision=decision)


@require_http_methods(["GET", "POST"])
@allowed("escalation.open")
@across_the_agencys_councils
def open_meeting_escalation(request: SignedInRequest, pk: int) -> HttpResponse:
    """Escalate the outcome of a meeting your agency attended (R39, R42)."""
    # Need-to-know: a meeting the agency did not attend looks the same as one that does not
    # exist, and the page shows the meeting's outcome, not the contact's other records.
    meeting = get_object_or_404(selectors.meetings_open_to_escalation(request.user), pk=pk)
    return _open(request, contact=meeting.contact, meeting=meeting)


@require_http_methods(["GET"])
@allowed("escalation.open")
@across_the_agencys_councils
def meetings_to_escalate(request: SignedInRequest) -> HttpResponse:
    """The recorded meetings whose outcome you may escalate, the latest first (R39)."""
    meetings = list(selectors.meetings_open_to_escalation(request.user)[:MEETINGS_LISTED])
    return render(
        request,
        "escalations/meetings.html",
        {"meetings": meetings, "listed": MEETINGS_LISTED},
    )


@require_http_methods(["GET", "POST"])
@allowed("escalation.open")
@across_the_agencys_councils
def detail(request: SignedInRequest, pk: int) -> HttpResponse:
    """One escalation: each step with its clock, each discussion and plan; record the next."""
    found = selectors.with_steps(selectors.escalations_visible_to(request.user)).filter(pk=pk)
    escalation = found.first()
    # R39: whoever raised it follows it, even once a restriction closes it to them (R45): where
    # it stands, with the restricted people's details withheld and whom to ask for more.
    followed_ask: str | None = None
    if escalation is None:
        escalation = (
            selectors.with_steps(selectors.escalations_followed_by_raiser(request.user))
            .filter(pk=pk)
            .first()
        )
        followed_ask = getattr(escalation, "restricted_ask", None)  # annotated by the query
    if escalation is None:
        # R45: an escalation about a restricted record says whom to ask, as the contact does.
        restriction = selectors.restriction_hiding_escalation(user=request.user, pk=pk)
        if restriction is None:
            raise Http404("No escalation with that number.")
        return restricted_page(request, restriction)
    now = timezone.now()
    step = selectors.current_step(escalation)
    is_open = escalation.state == escalation.State.OPEN
    may_record = is_open and followed_ask is None and services.may_record(request.user, escalation)
    policy, _ = services.policy_of(escalation)
    form = None
    if may_record:
        data = request.POST if request.method == "POST" else None
        form = DiscussionForm(
            data,
            policy=policy,
            last_step=bool(step and step.is_last),
            initial={"expected_step": escalation.step},
        )
        if data is not None and form.is_valid():
            values = form.cleaned_data
            try:
                services.record_discussion(
                    escalation=escalation,
                    by=request.user,
                    held_at=london_datetime(values["held_on"], values["held_time"]),
                    method=values["method"],
                    participants=values["participants"],
                    discussion=values["discussion"],
                    agreed_plan=values["agreed_plan"],
                    outcome=values["outcome"],
                    expected_step=values["expected_step"],
                )
            except DomainError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, "Discussion recorded")
                return redirect(reverse("escalations:detail", args=[escalation.pk]))
    elif request.method == "POST" and not is_open:
        # Not a refusal: the last discussion resolved it, and its outcome is final (R42).
        messages.error(
            request,
            f"Escalation {escalation.reference} is resolved: no further discussion is recorded.",
        )
        return redirect(reverse("escalations:detail", args=[escalation.pk]))
    elif request.method == "POST":
        return _refused(request, "You cannot record discussions on this escalation.")
    discussions = {item.step: item for item in escalation.discussions.all()}
    return render(
        request,
        "escalations/detail.html",
        {
            "escalation": escalation,
            "steps": [
                (record, selectors.step_state(record, now), discussions.get(record.number))
                for record in escalation.steps.all()
            ],
            "current": step,
            "form": form,
            "now": now,
            "agency": selectors.agency_name(policy, escalation.raised_by_agency),
            # R45: the page is named by the escalation, not the contact: the contact's children
            # restricted from the user, for the `unnamed` filter on what was written; for a
            # raiser following one closed to them, everyone restricted and their details.
            "names_withheld": names_withheld_from(
                request.user,
                contact=escalation.contact_id,
                whole_contact=followed_ask is not None,
            ),
            "followed_ask": followed_ask,
            "decision_words": selectors.decision_words(escalation.decision, ask=followed_ask),
        },
    )


@require_http_methods(["GET"])
@allowed("escalation.read_any")
def escalation_list(request: SignedInRequest) -> HttpResponse:
    """Every escalation, the open ones first by due time, the overdue highlighted (R39): read by
    all who may read any; the log and the report per step are the overseers'."""
    now = timezone.now()
    rows = selectors.escalation_list(user=request.user, now=now)
    return render(request, "escalations/list.html", {"rows": rows, "now": now})


@require_http_methods(["GET"])
@allowed("escalation.open")
@across_the_agencys_councils
def raised(request: SignedInRequest) -> HttpResponse:
    """The escalations you (or your agency) raised, to follow each to its resolution (R39). On a
    service of several councils, each names the council whose contact it is: a partner agency
    the councils share raises them about any of theirs."""
    now = timezone.now()
    rows = selectors.escalation_list(user=request.user, now=now, raised_only=True)
    if councils().several:
        names = council_names()
        rows = [
            dataclasses.replace(
                row, council_name=names.get(row.escalation.contact.council_id or "", "")
            )
            for row in rows
        ]
    return render(request, "escalations/raised.html", {"rows": rows, "now": now})


def _file_asked_for(
    request: SignedInRequest,
    *,
    export: exports.Export,
    name: str,
    columns: list[str],
    rows: list[list],
) -> HttpResponse | None:
    """The table as the file `?format=` asks for, not found for a format not offered, or None
    when no file is asked for."""
    wanted = request.GET.get("format")
    if wanted is None:
        return None
    if wanted not in export.formats:
        return HttpResponse(
            "Download the table as CSV or XLSX.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return exports.download(
        export=export,
        by=request.user,
        file_format=wanted,
        filename=f"{name}-{dt.date.today().isoformat()}",
        sheets=[exports.Sheet(name[:31], columns, rows)],
    )


@require_http_methods(["GET"])
@allowed("escalation.oversee")
def escalation_log(request: SignedInRequest) -> HttpResponse:
    """The escalation summary log (R42 step 2), printable and as CSV or XLSX."""
    policy = current_policy()
    rows = selectors.escalation_log(user=request.user, policy=policy, now=timezone.now())
    file = _file_asked_for(
        request,
        export=exports.ESCALATION_LOG,
        name="escalation-log",
        columns=selectors.LOG_COLUMNS,
        rows=rows,
    )
    if file is not None:
        return file
    return render(request, "escalations/log.html", {"columns": selectors.LOG_COLUMNS, "rows": rows})


@require_http_methods(["GET"])
@allowed("escalation.oversee")
def step_report(request: SignedInRequest) -> HttpResponse:
    """How many escalations reached, were resolved at and were late at each step (R42)."""
    policy = current_policy()
    figures = selectors.step_report(user=request.user, policy=policy, now=timezone.now())
    rows = [item.as_row() for item in figures]
    file = _file_asked_for(
        request,
        export=exports.ESCALATION_STEPS,
        name="escalation-steps",
        columns=selectors.REPORT_COLUMNS,
        rows=rows,
    )
    if file is not None:
        return file
    return render(
        request,
        "escalations/report.html",
        {"columns": selectors.REPORT_COLUMNS, "rows": rows},
    )
