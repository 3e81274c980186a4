"""Staff pages for screening, decisions and the queues (R12-R35).

Views are thin: load through a selector with access checked, validate with a form, call one
domain function, and turn a `DomainError` into a message on the page.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.accounts.permissions import can
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake import selectors as intake_selectors
from frontdoor.intake.models import Contact, ReportedChild
from frontdoor.intake.views import contact_or_whom_to_ask
from frontdoor.people.views import restricted_page
from frontdoor.policy.catalogue import search_indicators
from frontdoor.policy.registry import current_policy
from frontdoor.screening import (
    consent,
    decisions,
    findings,
    police,
    selectors,
    single_agency,
    suggestions,
    transfers,
    transitions,
)
from frontdoor.screening.forms import (
    AuthorisationForm,
    ConsentForm,
    DecisionForm,
    FindingsForm,
    FollowUpForm,
    PoliceNotToldForm,
    PoliceToldForm,
    ResumeForm,
    ReturnForm,
    SingleAgencyEnquiryForm,
    SuggestionAnswerForm,
)
from frontdoor.screening.models import FollowUp, PoliceNotification
from frontdoor.screening.threshold import catalogue_by_key

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

QUEUE_PAGE_SIZE = 50


def _contact(request: SignedInRequest, reference: str) -> Contact:
    return get_object_or_404(
        intake_selectors.contacts_visible_to(request.user), reference=reference
    )


def _child(
    request: SignedInRequest, reference: str, child_id: int
) -> tuple[Contact, ReportedChild] | HttpResponse:
    """A child of a contact the user may open, or, for a child restricted from them, the page
    saying whom to ask, nothing more (R45)."""
    contact = _contact(request, reference)
    child = get_object_or_404(contact.children, pk=child_id)
    restriction = intake_selectors.restriction_hiding_child(request.user, child=child)
    if restriction is not None:
        return restricted_page(request, restriction)
    return contact, child


def _screening_url(contact: Contact) -> str:
    return reverse("screening:contact", args=[contact.reference])


@require_http_methods(["GET"])
@allowed("contact.screen")
def contact_screening(request: SignedInRequest, reference: str) -> HttpResponse:
    """Every child's checks, suggestions and decisions, and the contact's consent (R17-R35)."""
    # R45: a restricted contact says whom to ask at this address too (the queues link here).
    contact = contact_or_whom_to_ask(request, reference)
    if isinstance(contact, HttpResponse):
        return contact
    audit.record_view(viewer=request.user, target=contact, through="screening page")
    policy = current_policy()
    view = selectors.contact_screening(policy=policy, contact=contact, user=request.user)
    arrivals = transfers.arrivals_at(contact)
    return render(
        request,
        "screening/contact.html",
        {
            "contact": contact,
            "view": view,
            "policy": policy,
            "now": timezone.now(),
            "can_decide": can(request.user, "contact.decide"),
            # The meeting pages are the chair's: others see when meetings are, not a refusal.
            "can_chair": can(request.user, "meeting.chair"),
            "can_authorise": can(request.user, "consent.authorise_without"),
            "can_return": can(request.user, "referral.return")
            and contact.state in transitions.RETURNABLE_STATES,
            "can_resume": can(request.user, "referral.return"),
            "arrivals": arrivals,
            "can_accept_transfer": can(request.user, "contact.screen")
            and any(arrival.accepted_at is None for arrival in arrivals),
            "referral_returns": list(
                contact.referral_returns.select_related("returned_by", "resumed_by")
            ),
            "reports": intake_selectors.reports_seen_by(
                request.user, contact=contact, reports=list(contact.reports.all())
            ),
            "single_agency": contact.single_agency_enquiries.select_related("recorded_by")
            .order_by("-recorded_at", "-id")
            .first(),
        },
    )


def _transition(request: SignedInRequest, reference: str, move, done: str) -> HttpResponse:
    contact = _contact(request, reference)
    try:
        move(contact=contact, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_screening_url(contact))


@require_http_methods(["POST"])
@allowed("contact.screen")
def start(request: SignedInRequest, reference: str) -> HttpResponse:
    return _transition(
        request, reference, transitions.start_screening, "You are screening this contact"
    )


@require_http_methods(["POST"])
@allowed("contact.screen")
def submit(request: SignedInRequest, reference: str) -> HttpResponse:
    return _transition(
        request,
        reference,
        transitions.submit_for_decision,
        "The contact is waiting for the manager's decision",
    )


@require_http_methods(["POST"])
@allowed("contact.decide")
def close(request: SignedInRequest, reference: str) -> HttpResponse:
    return _transition(request, reference, transitions.close_contact, "The contact is closed")


@require_http_methods(["POST"])
@allowed("contact.screen")
def accept_transfer(request: SignedInRequest, reference: str) -> HttpResponse:
    """R17: the council takes a contact another council on the service transferred to it."""
    return _transition(
        request,
        reference,
        transfers.accept_transfer,
        "The transfer is accepted: the sending council can see that it was",
    )


def _go_on(request: SignedInRequest, contact: Contact, child, *, without: str) -> HttpResponse:
    """After saving one child's screening or decision: the next child's form when the user chose
    "and go on" (and one is still waiting), else the contact's screening page."""
    if "next" in request.POST:
        following = selectors.next_child(contact, child, without=without, user=request.user)
        if following is not None:
            name = "screening:findings" if without == "screening" else "screening:decide"
            return redirect(name, contact.reference, following.pk)
    return redirect(_screening_url(contact))


def _lock_analysis(form: FindingsForm, *, shown: str, written: str) -> None:
    """Make the analysis read-only when what the user is shown is not what was written (R45)."""
    if shown != written:
        field = form.fields["analysis"]
        field.disabled = True
        field.initial = shown
        field.help_text = (
            "Parts of this analysis are withheld, as it names a child whose record is "
            "restricted: only the staff named on the restriction can change it."
        )


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def child_findings(request: SignedInRequest, reference: str, child_id: int) -> HttpResponse:
    """Pick Level of Need indicators beside the referral's words, and record concerns (R27, R28)."""
    found = _child(request, reference, child_id)
    if isinstance(found, HttpResponse):
        return found
    contact, child = found
    policy = current_policy()
    catalogue = catalogue_by_key(policy)
    summary = selectors.child_summary(policy=policy, contact=contact, child=child)
    screening = summary.screening
    query = request.GET.get("q", "").strip()
    level_filter = request.GET.get("level", "")
    level = int(level_filter) if level_filter in {"1", "2", "3", "4"} else None
    results = search_indicators(policy, query=query, level=level) if (query or level) else []
    analysis = screening.analysis if screening else ""
    # R45: an analysis naming a child restricted from the user is shown with the names withheld
    # and cannot be changed by them, so saving never overwrites it with what they were shown.
    shown_analysis = intake_selectors.redact(
        analysis, intake_selectors.names_withheld_from(request.user, contact=contact)
    )
    if request.method == "POST":
        form = FindingsForm(request.POST, indicator_keys=list(catalogue))
        _lock_analysis(form, shown=shown_analysis, written=analysis)
        # A suggestion's Accept or Not relevant button sends the whole form, so what the worker
        # changed and had not saved is kept with their answer.
        pressed = SuggestionAnswerForm(request.POST) if "suggestion" in request.POST else None
        if pressed is not None and not pressed.is_valid():
            form.add_error(None, pressed.non_field_errors()[0])
        elif form.is_valid():
            data = form.cleaned_data
            worker_findings = suggestions.WorkerFindings(
                indicators=data["keep"] + [key for key in data["add"] if key not in data["keep"]],
                concerns=data["concerns"],
                analysis=analysis if form.fields["analysis"].disabled else data["analysis"],
                urgent_action_needed=data["urgent_action_needed"],
                more_information_needed=data["more_information_needed"],
                manager_discretion=data["manager_discretion"]
                if can(request.user, "contact.decide")
                else None,
            )
            try:
                if pressed is not None:
                    answered = suggestions.answer(
                        contact=contact,
                        child=child,
                        by=request.user,
                        **pressed.cleaned_data,
                        findings=worker_findings,
                        expected_version=data["version"],
                    )
                else:
                    findings.save_findings(
                        contact=contact,
                        child=child,
                        by=request.user,
                        **asdict(worker_findings),
                        expected_version=data["version"],
                    )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if pressed is not None:
                    messages.success(
                        request, _answered_message(answered, pressed.cleaned_data["accepted"])
                    )
                    return _back_to_form(request, data, "#suggestions")
                messages.success(request, f"Screening of {child} saved")
                if "search" in request.POST:
                    return _back_to_form(request, data, "#indicator-search")
                return _go_on(request, contact, child, without="screening")
    else:
        form = FindingsForm(
            initial={
                "q": query,
                "level": level_filter,
                "keep": screening.indicators if screening else [],
                "concerns": screening.concerns if screening else [],
                "analysis": shown_analysis,
                "urgent_action_needed": screening.urgent_action_needed if screening else "unknown",
                "more_information_needed": bool(screening and screening.more_information_needed),
                "manager_discretion": bool(screening and screening.manager_discretion),
                "version": screening.version if screening else None,
            },
            indicator_keys=list(catalogue),
        )
        _lock_analysis(form, shown=shown_analysis, written=analysis)
    picked_keys = screening.indicators if screening else []
    reports = intake_selectors.reports_seen_by(
        request.user, contact=contact, reports=list(contact.reports.all())
    )
    return render(
        request,
        "screening/findings.html",
        {
            "contact": contact,
            "child": child,
            "summary": summary,
            "form": form,
            "picked": [catalogue[key] for key in picked_keys if key in catalogue],
            "results": [item for item in results if item.key not in set(picked_keys)][:100],
            "result_count": len(results),
            "query": query,
            "level": level_filter,
            "reports": reports,
            "suggested": suggestions.referral_suggestions(
                policy=policy,
                contact=contact,
                child=child,
                user=request.user,
                summary=summary,
                reports=reports,
            ),
            "can_decide": can(request.user, "contact.decide"),
            "next_child": selectors.next_child(
                contact, child, without="screening", user=request.user
            ),
            # R33: the discretion box only where the council uses that route into MASH.
            "offers_discretion": policy.offers_mash_route("manager_discretion"),
        },
    )


def _answered_message(answered: suggestions.Answered, accepted: bool) -> str:
    if answered.response is None:
        return "That answer was already recorded"
    if accepted:
        return "Suggestion accepted and added to the screening"
    if answered.saved:
        return "Suggestion recorded as not relevant, and your changes to the screening saved"
    return "Suggestion recorded as not relevant"


def _back_to_form(request: SignedInRequest, data: dict, anchor: str) -> HttpResponse:
    """The screening form again, with the indicator search the worker had open."""
    search = (
        urlencode({"q": data["q"], "level": data["level"]}) if data["q"] or data["level"] else ""
    )
    return redirect(f"{request.path}{'?' + search if search else ''}{anchor}")


def _add_problems(form, problems: list[tuple[str | None, str]]) -> None:
    """Each problem on its field, in the GOV.UK error summary too; a field the form already
    marks keeps its own message (it says what is missing)."""
    for field, message in problems:
        if field is None or field not in form.errors:
            form.add_error(field, message)


@require_http_methods(["GET", "POST"])
@allowed("contact.decide")
def decide(request: SignedInRequest, reference: str, child_id: int) -> HttpResponse:
    """The manager's decision for one child, with the suggestion and its evidence (R25)."""
    found = _child(request, reference, child_id)
    if isinstance(found, HttpResponse):
        return found
    contact, child = found
    policy = current_policy()
    summary = selectors.child_summary(policy=policy, contact=contact, child=child)
    conflict = None
    if request.method == "POST":
        form = DecisionForm(request.POST, policy=policy)
        valid = form.is_valid()
        data = form.cleaned_data
        transfer = None
        if data.get("outcome") in form.transfer_outcomes:
            transfer = decisions.TransferDetails(
                council_code=data.get("transfer_to", ""),
                sent_how=data.get("sent_how", ""),
                what_was_sent=data.get("what_was_sent", ""),
            )
        decision = {
            "level": data.get("level"),
            "outcome": data.get("outcome", ""),
            "rationale": data.get("rationale"),
            "rag": data.get("rag", ""),
            "transfer": transfer,
            "primary_need": data.get("primary_need", ""),
            "departure_reason": data.get("departure_reason", ""),
        }
        if not valid:
            # The rules are checked on what was given too, so every problem shows at once.
            _add_problems(
                form, decisions.decision_problems(contact=contact, child=child, **decision)
            )
        else:
            try:
                decisions.record_decision(
                    contact=contact,
                    child=child,
                    by=request.user,
                    based_on=data["based_on"],
                    **decision,
                )
            except decisions.DecisionConflict as error:
                conflict = error.decision
                form.add_error(None, error.message)
                summary = selectors.child_summary(policy=policy, contact=contact, child=child)
            except decisions.DecisionProblems as error:
                _add_problems(form, error.problems)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"Decision recorded for {child}")
                return _go_on(request, contact, child, without="decision")
    final_rag = decisions.final_rag(child)
    if request.method != "POST":
        form = DecisionForm(
            initial={
                "level": summary.level.level,
                "rag": final_rag or (summary.rag.rag.value if summary.rag.rag else ""),
                "outcome": decisions.outcome_to_offer(policy, summary, final_rag),
                "based_on": summary.based_on,
            },
            policy=policy,
        )
    return render(
        request,
        "screening/decide.html",
        {
            "contact": contact,
            "child": child,
            "summary": summary,
            "form": form,
            "conflict": conflict,
            "final_rag": final_rag,
            "final_meaning": policy.rag[final_rag] if final_rag else None,  # type: ignore[index]  # a Rag is its text
            "police": police.police_position(policy=policy, contact=contact),
            "policy": policy,
            "suggestion_history": suggestions.suggestion_history(policy=policy, child=child),
            "next_child": selectors.next_child(
                contact, child, without="decision", user=request.user
            ),
        },
    )


def _consent_people(
    contact: Contact, policy, user: User
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Who may speak (adults, and young people for themselves), and the children parents
    speak for (R12, R13): only children `user` may see (R45)."""
    people = [(f"adult-{adult.pk}", str(adult)) for adult in contact.adults.all()]
    younger = []
    on = consent.consent_day(contact)
    for child in intake_selectors.children_seen_by(user, contact=contact):
        if consent.gives_own_consent(policy, child, on):
            people.append((f"child-{child.pk}", f"{child} (young person, for themselves)"))
        else:
            younger.append((str(child.pk), str(child)))
    return people, younger


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def record_consent(request: SignedInRequest, reference: str) -> HttpResponse:
    """Record what a parent, carer or young person said about sharing (R12-R14)."""
    contact = _contact(request, reference)
    policy = current_policy()
    people, younger = _consent_people(contact, policy, request.user)
    form = ConsentForm(request.POST or None, people=people, children=younger, policy=policy)
    if request.method == "POST" and form.is_valid():
        kind, _, pk = form.cleaned_data["person"].partition("-")
        adult = contact.adults.filter(pk=pk).first() if kind == "adult" else None
        seen = intake_selectors.children_seen_by(request.user, contact=contact)
        child = seen.filter(pk=pk).first() if kind == "child" else None
        about = list(seen.filter(pk__in=form.cleaned_data["about"]))
        try:
            consent.record_consent(
                contact=contact,
                by=request.user,
                status=form.cleaned_data["status"],
                adult=adult,
                child=child,
                about=about,
                not_sought_reason=form.cleaned_data["not_sought_reason"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            field = error.field
            if field == "about" and not younger:
                field = "person"  # the children's boxes are shown only when there are some
            form.add_error(field, error.message)
        else:
            messages.success(request, "Consent recorded")
            return redirect(_screening_url(contact) + "#consent")
    return render(
        request,
        "screening/consent.html",
        {
            "contact": contact,
            "form": form,
            "people": people,
            "younger": younger,
            "own_consent_age": policy.consent.own_consent_from_age,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("consent.authorise_without")
def authorise_sharing(request: SignedInRequest, reference: str) -> HttpResponse:
    """A manager authorises sharing without consent, with reasons (R14)."""
    contact = _contact(request, reference)
    policy = current_policy()
    seen = intake_selectors.children_seen_by(request.user, contact=contact)
    children = [(str(child.pk), str(child)) for child in seen]
    form = AuthorisationForm(
        request.POST or None,
        policy=policy,
        children=children,
        initial={"child": request.GET.get("child", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent.authorise_sharing_without_consent(
                contact=contact,
                child=seen.get(pk=form.cleaned_data["child"]),
                by=request.user,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Sharing without consent authorised")
            return redirect(_screening_url(contact) + "#consent")
    return render(request, "screening/authorise.html", {"contact": contact, "form": form})


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def police_told(request: SignedInRequest, reference: str) -> HttpResponse:
    """Record that the police were told of a suspected crime, or a manager's reason not (R24)."""
    contact = _contact(request, reference)
    policy = current_policy()
    can_decide = can(request.user, "contact.decide")
    action = request.POST.get("action", "told")
    data = request.POST if request.method == "POST" else None
    told_form = PoliceToldForm(data if action == "told" else None, prefix="told")
    not_told_form = PoliceNotToldForm(data if action == "not_told" else None, prefix="not")
    if request.method == "POST":
        try:
            if action == "not_told" and can_decide and not_told_form.is_valid():
                police.record_police_not_told(
                    contact=contact,
                    by=request.user,
                    reason=not_told_form.cleaned_data["reason_not_told"],
                )
                messages.success(request, "The reason the police were not told is recorded")
                return redirect(_screening_url(contact) + "#police")
            if action == "told" and told_form.is_valid():
                assert told_form.told_at is not None  # a valid form's date and time are required
                police.record_police_told(
                    contact=contact,
                    by=request.user,
                    told_at=told_form.told_at,
                    told_whom=told_form.cleaned_data["told_whom"],
                    police_reference=told_form.cleaned_data["police_reference"],
                )
                messages.success(request, "The police are recorded as told")
                return redirect(_screening_url(contact) + "#police")
        except DomainError as error:
            form = not_told_form if action == "not_told" else told_form
            form.add_error(error.field if error.field in form.fields else None, error.message)
    audit.record_view(viewer=request.user, target=contact, through="police page")
    return render(
        request,
        "screening/police.html",
        {
            "contact": contact,
            "position": police.police_position(policy=policy, contact=contact),
            "records": list(
                PoliceNotification.objects.filter(contact=contact).select_related("recorded_by")
            ),
            "told_form": told_form,
            "not_told_form": not_told_form,
            "can_decide": can_decide,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def single_agency_enquiry(request: SignedInRequest, reference: str) -> HttpResponse:
    """Record the duty social worker's enquiries where no MASH criterion is met (R34)."""
    contact = _contact(request, reference)
    latest = contact.single_agency_enquiries.order_by("-recorded_at", "-id").first()
    initial = {name: getattr(latest, name) for name in single_agency.PARTS} if latest else None
    form = SingleAgencyEnquiryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            single_agency.record_single_agency_enquiry(
                contact=contact, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Single-agency enquiries recorded")
            return redirect(_screening_url(contact) + "#single-agency")
    audit.record_view(viewer=request.user, target=contact, through="single-agency enquiries page")
    return render(
        request,
        "screening/single_agency.html",
        {"contact": contact, "form": form, "latest": latest},
    )


@require_http_methods(["GET", "POST"])
@allowed("referral.return")
def return_referral(request: SignedInRequest, reference: str) -> HttpResponse:
    """Return a referral without clear consent to the referrer before processing (R15)."""
    contact = _contact(request, reference)
    offered = current_policy().consent.return_referrals_without_consent
    form = ReturnForm(
        request.POST or None, initial={"message": transitions.return_message(contact)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            transitions.return_to_referrer(
                contact=contact, by=request.user, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The referral was returned to the referrer")
            return redirect(_screening_url(contact))
    addresses = transitions.referrer_addresses(contact)
    return render(
        request,
        "screening/return.html",
        {"contact": contact, "form": form, "addresses": addresses, "offered": offered},
    )


@require_http_methods(["GET", "POST"])
@allowed("referral.return")
def resume_referral(request: SignedInRequest, reference: str) -> HttpResponse:
    """The referrer came back with consent: processing resumes (R15)."""
    contact = _contact(request, reference)
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transitions.resume_with_consent(
                contact=contact, by=request.user, consent_note=form.cleaned_data["consent_note"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The referral is being processed again")
            return redirect(_screening_url(contact))
    return render(request, "screening/resume.html", {"contact": contact, "form": form})


@require_http_methods(["POST"])
@allowed("contact.screen")
def follow_up_done(request: SignedInRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        FollowUp.objects.filter(
            decision__contact__in=intake_selectors.contacts_visible_to(request.user)
        ),
        pk=pk,
    )
    contact = follow_up.decision.contact
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done")
    else:
        try:
            decisions.complete_follow_up(
                follow_up=follow_up, by=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"{follow_up.get_kind_display()}: recorded as done")
    return redirect(_screening_url(contact) + "#follow-ups")


# The most decided contacts the manager's queue lists below the open ones.
DECIDED_SHOWN = 50


def _queue(request: SignedInRequest, contacts, *, title: str, description: str, filters: bool):
    now = timezone.now()
    policy = current_policy()
    # The manager's queue (with filters) goes on to the contacts decided lately.
    decided = (
        list(selectors.recently_decided(user=request.user, now=now)[: DECIDED_SHOWN + 1])
        if filters
        else []
    )
    page = Paginator(contacts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "screening/queue.html",
        {
            "title": title,
            "description": description,
            "page": page,
            "rows": selectors.queue_rows(page.object_list, now, policy),
            "closed_within_months": policy.screening.social_care_closed_within_months,
            "now": now,
            "filters": filters,
            "state": request.GET.get("state", ""),
            "overdue": request.GET.get("overdue") == "1",
            "states": [(state.value, state.label) for state in transitions.OPEN_STATES],
            "query": query.urlencode(),
            "decided_rows": selectors.queue_rows(decided[:DECIDED_SHOWN], now, policy),
            "decided_more": len(decided) > DECIDED_SHOWN,
            "decided_days": selectors.RECENTLY_DECIDED.days,
            "follow_ups": selectors.follow_ups_seen_by(
                request.user, selectors.follow_ups_due(user=request.user)[:50]
            )
            if not filters
            else [],
        },
    )


@require_http_methods(["GET"])
@allowed("contact.decide")
def screening_queue(request: SignedInRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in set(transitions.OPEN_STATES):
        state = ""
    contacts = selectors.screening_queue(
        user=request.user, state=state, overdue_only=request.GET.get("overdue") == "1"
    )
    return _queue(
        request,
        contacts,
        title="Screening queue",
        description="Every contact the front door is working on, the soonest due first.",
        filters=True,
    )


@require_http_methods(["GET"])
@allowed("contact.screen")
def my_work(request: SignedInRequest) -> HttpResponse:
    return _queue(
        request,
        selectors.my_work(user=request.user),
        title="My work",
        description="Contacts you are screening, and what must follow your contacts' decisions.",
        filters=False,
    )


@require_http_methods(["GET"])
@allowed("contact.screen")
def team_queue(request: SignedInRequest) -> HttpResponse:
    team = request.user.team
    # Not a refusal: the matrix allows the page; an empty queue says what is missing.
    return _queue(
        request,
        selectors.team_queue(user=request.user, team=team),
        title=f"{team} queue" if team else "Team queue",
        description="Contacts with your team, the soonest due first."
        if team
        else "You are not in a team: ask an administrator to set your team.",
        filters=False,
    )
