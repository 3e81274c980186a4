"""MASH pages: the manager sends and reviews enquiries; partner agencies answer theirs (R33-R38)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor import exports
from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake import selectors as intake_selectors
from frontdoor.mash import enquiries, selectors
from frontdoor.mash.forms import AnswerForm, ReviewForm, SendForm, new_submission_key
from frontdoor.mash.models import AgencyRequest, Enquiry
from frontdoor.people.views import restricted_page
from frontdoor.policy.councils import councils, serving
from frontdoor.policy.rag import Rag, rag_label
from frontdoor.policy.registry import current_policy
from frontdoor.screening import selectors as screening_selectors


@require_http_methods(["GET", "POST"])
@allowed("enquiry.send")
def send(request: SignedInRequest, reference: str, child_id: int) -> HttpResponse:
    """Send a child into MASH, with the criteria met shown (R33-R36).

    Nothing is ticked to start with, and the manager sees who will receive the child's details
    before anything is sent: sharing must be necessary and proportionate (R45)."""
    contact = get_object_or_404(
        intake_selectors.contacts_visible_to(request.user), reference=reference
    )
    child = get_object_or_404(contact.children, pk=child_id)
    # R45: a restricted child of a contact the user may open: whom to ask, nothing more.
    restriction = intake_selectors.restriction_hiding_child(request.user, child=child)
    if restriction is not None:
        return restricted_page(request, restriction)
    policy = current_policy()
    screening = screening_selectors.contact_screening(
        policy=policy, contact=contact, user=request.user
    )
    summary = next(item for item in screening.children if item.child.pk == child.pk)
    consent = screening.sharing.for_child(child)
    reach = selectors.agency_reach(policy)  # R37: who can answer each agency
    options = selectors.rag_options(policy=policy, sharing=consent, suggested=summary.rag)
    context = {
        "contact": contact,
        "child": child,
        "summary": summary,
        "consent": consent,
        "policy": policy,
        "refused_options": [option for option in options if not option.may_share],
    }
    if request.method == "POST":
        form = SendForm(request.POST, policy=policy, rag_options=options, reach=reach)
        if form.is_valid() and request.POST.get("confirm") == "yes":
            try:
                enquiries.send_enquiry(
                    contact=contact,
                    child=child,
                    by=request.user,
                    rag=form.cleaned_data["rag"],
                    agencies=form.cleaned_data["agencies"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, f"MASH enquiry sent for {child}")
                return redirect(reverse("screening:contact", args=[contact.reference]))
        elif form.is_valid() and "change" not in request.POST:
            chosen = set(form.cleaned_data["agencies"])
            option = next(o for o in options if o.rag == form.cleaned_data["rag"])
            return render(
                request,
                "mash/send_check.html",
                {
                    **context,
                    "form": form,
                    "option": option,
                    "recipients": [a for a in policy.agencies if a.key in chosen],
                    "withheld": selectors.withheld_on_sending(
                        policy=policy,
                        sharing=screening.sharing,
                        child=child,
                        rag=option.rag,
                        adults=list(contact.adults.all()),
                    ),
                },
            )
    else:
        form = SendForm(
            initial={
                "rag": summary.rag.rag.value if summary.rag.rag else "",
                "reason": "; ".join(
                    f"{item.label}: {', '.join(item.evidence)}" for item in summary.criteria_met
                ),
            },
            policy=policy,
            rag_options=options,
            reach=reach,
        )
    return render(request, "mash/send.html", {**context, "form": form})


@require_http_methods(["GET"])
@allowed("enquiry.send")
def enquiry_list(request: SignedInRequest) -> HttpResponse:
    """Open MASH enquiries, with each agency's place on its clock (R36); then those whose final
    RAG is confirmed (R38) and whose decision is still to record (R25)."""
    policy = current_policy()
    now = timezone.now()
    open_enquiries = selectors.enquiries_visible_to(request.user).filter(closed_at__isnull=True)
    rows = [(enquiry, selectors.request_states(policy, enquiry, now)) for enquiry in open_enquiries]
    restricted = selectors.open_enquiries_restricted_from(request.user)
    awaiting = selectors.enquiries_awaiting_a_decision(request.user)
    return render(
        request,
        "mash/enquiries.html",
        {
            "rows": rows,
            "restricted": restricted,
            "awaiting": awaiting,
            "now": now,
        },
    )


@require_http_methods(["GET", "POST"])
@allowed("rag.confirm")
def review(request: SignedInRequest, pk: int) -> HttpResponse:
    """Every agency's answer side by side with the contact; the final RAG (R38)."""
    enquiry = get_object_or_404(selectors.enquiries_visible_to(request.user), pk=pk)
    audit.record_view(viewer=request.user, target=enquiry.contact, through="MASH review")
    policy = current_policy()
    latest = enquiry.reviews.order_by("-sequence").first()
    conflict = None
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                enquiries.review_rag(
                    enquiry=enquiry,
                    by=request.user,
                    rag=form.cleaned_data["rag"],
                    reason=form.cleaned_data["reason"],
                    based_on=form.cleaned_data["based_on"],
                )
            except enquiries.ReviewConflict as error:
                conflict = error.review
                form.add_error(None, error.message)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Final RAG recorded: now record the decision")
                return redirect(
                    reverse("screening:decide", args=[enquiry.contact.reference, enquiry.child_id])
                )
    else:
        form = ReviewForm(
            initial={"rag": enquiry.rag, "based_on": latest.sequence if latest else 0}
        )
    answers = selectors.answers_by_agency(enquiry, user=request.user)
    now = timezone.now()  # one instant for every agency's clock and the time each has left
    states = selectors.request_states(policy, enquiry, now)
    return render(
        request,
        "mash/review.html",
        {
            "now": now,
            "enquiry": enquiry,
            "contact": enquiry.contact,
            "states": [(state, answers.get(state.request.pk, [])) for state in states],
            # R45: a restricted child's names withheld from the referrer's words.
            "reports": intake_selectors.reports_seen_by(
                request.user,
                contact=enquiry.contact,
                reports=list(enquiry.contact.reports.all()),
            ),
            "partner_view": selectors.partner_view(
                policy=current_policy(), enquiry=enquiry, user=request.user
            ),
            "form": form,
            "latest": latest,
            "conflict": conflict,
            # R38: where each final RAG leads, in the council's own words, Red first.
            "progressions": [(rag, policy.rag[rag].progression) for rag in Rag],
            "names_withheld": intake_selectors.names_withheld_from(
                request.user, contact=enquiry.contact
            ),
        },
    )


PAGE_SIZE = 50
# The CSV's "late": answered after the due time, or not answered and past it (R36).
LATE_STATES = (AgencyRequest.State.LATE, AgencyRequest.State.OVERDUE)


def across_the_agencys_councils(view: Callable) -> Callable:
    """Run a partner agency's page with the database's wall open to the councils that share
    its agency (`selectors.agency_councils_open`)."""

    @wraps(view)
    def opened(request: SignedInRequest, *args, **kwargs) -> HttpResponse:
        with selectors.agency_councils_open(request.user):
            return view(request, *args, **kwargs)

    return opened


@require_http_methods(["GET"])
@allowed("enquiry.answer")
@across_the_agencys_councils
def request_list(request: SignedInRequest) -> HttpResponse:
    """The partner agency's enquiries: only those sent to their agency (need-to-know).

    Waiting ones first, soonest due first, a page at a time; then the latest answered. Both are
    limited in the database, so an agency with years of enquiries gets the page as fast.
    """
    visible = selectors.requests_visible_to(request.user)
    if request.GET.get("format") == "csv":
        return _requests_csv(request, visible)
    waiting = visible.still_asked().order_by("due_at", "id")
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    names = selectors.council_names() if councils().several else {}

    def marked(items) -> list[tuple[AgencyRequest, str]]:
        """On a service of several councils each row names the council that asked: its clock,
        the due time, is that council's (its core hours and closure days)."""
        return [(item, names.get(selectors.council_of(item.enquiry), "")) for item in items]

    return render(
        request,
        "mash/requests.html",
        {
            "councils": names,
            "page": page,
            "waiting": marked(page.object_list),
            "answered": marked(
                visible.filter(answered_at__isnull=False).order_by("-answered_at")[:PAGE_SIZE]
            ),
            # Closed by the MASH (the final RAG confirmed) before this agency answered.
            "closed": marked(
                visible.closed_before_an_answer()
                .select_related("enquiry__child")
                .order_by("-enquiry__closed_at")[:PAGE_SIZE]
            ),
            "now": now,
            # R36: the one definition of overdue, for the rows to highlight.
            "overdue": {
                item.pk
                for item in page.object_list
                if item.state(now) == AgencyRequest.State.OVERDUE
            },
            "agency_name": request.user.agency_name,
            # R45: sent to this agency, now restricted: said, with whom to ask, not dropped.
            "restricted": list(selectors.requests_restricted_from(request.user)),
            "query": "",
        },
    )


def _requests_csv(request: SignedInRequest, visible) -> HttpResponse:
    """The agency's own enquiries as CSV: the same rows the page shows, nothing more."""
    now = timezone.now()
    names = selectors.council_names() if councils().several else {}
    rows = (
        [
            item.pk,
            *([names.get(selectors.council_of(item.enquiry), "")] if names else []),
            str(item.enquiry.child),
            rag_label(item.enquiry.rag),
            exports.london_time(item.alerted_at),
            exports.london_time(item.due_at),
            exports.london_time(item.answered_at),
            # With no timescale an answer is neither late nor on time (R36).
            exports.yes_no(item.state(now) in LATE_STATES) if item.due_at else "No timescale",
        ]
        for item in visible
    )
    # Words and London's times, as the page shows them, not stored values.
    header = ["Request", *(["Council"] if names else []), "Child", "RAG", "Alerted", "Due"]
    header += ["Answered", "Late"]
    return exports.download(
        export=exports.PARTNER_ENQUIRIES,
        by=request.user,
        file_format=exports.CSV,
        filename="mash-enquiries",
        sheets=[exports.Sheet("MASH enquiries", header, rows)],
        filters={"agency": request.user.agency_key},
    )


def _people(enquiry: Enquiry) -> list[tuple[str, str, object]]:
    contact = enquiry.contact
    people: list[tuple[str, str, object]] = [
        (f"child-{child.pk}", str(child), child) for child in contact.children.all()
    ]
    people += [(f"adult-{adult.pk}", str(adult), adult) for adult in contact.adults.all()]
    return people


@require_http_methods(["GET", "POST"])
@allowed("enquiry.answer")
@across_the_agencys_councils
def answer(request: SignedInRequest, pk: int) -> HttpResponse:
    """A partner agency answers for every child and adult, with its opinion (R37)."""
    try:
        found = selectors.requests_visible_to(request.user).get(pk=pk)
    except AgencyRequest.DoesNotExist:
        # Another agency's enquiry looks the same as one that does not exist.
        raise Http404("No such enquiry for your agency.") from None
    # Read and answered as the council that asked, whichever council's address it is opened at.
    with serving(selectors.council_of(found.enquiry)):
        return _answer(request, found)


def _answer(request: SignedInRequest, found: AgencyRequest) -> HttpResponse:
    enquiry = found.enquiry
    audit.record_view(viewer=request.user, target=enquiry.contact, through="MASH enquiry")
    policy = selectors.policy_of(enquiry)  # the asking council's
    asked = set(selectors.asked_about(policy=policy, enquiry=enquiry, user=request.user))  # R13
    people = [person for person in _people(enquiry) if person[0] in asked]
    pairs = [(key, name) for key, name, _ in people]
    if request.method == "POST" and found.answered_at:
        opinion = getattr(found, "opinion", None)
        if opinion and request.POST.get("submission_key") == opinion.submission_key:
            # Sent twice (a double click): the first was recorded, as this one would be.
            messages.success(request, "Your agency's answer was sent to the MASH")
            return redirect(reverse("mash:requests"))
    # Once answered or closed the page shows the answer, not the form: nothing to send.
    if request.method == "POST" and not (found.answered_at or enquiry.closed_at):
        form = AnswerForm(request.POST, people=pairs)
        if form.is_valid():
            data = form.cleaned_data
            answers = [
                enquiries.PersonAnswer(
                    about_child=person if key.startswith("child") else None,  # type: ignore[arg-type]  # a child's key holds a child
                    about_adult=person if key.startswith("adult") else None,  # type: ignore[arg-type]  # an adult's, an adult
                    nothing_known=data[f"{key}-held"] == "nothing",
                    information=data[f"{key}-information"],
                )
                for key, _, person in people
            ]
            try:
                enquiries.answer_request(
                    request=found,
                    by=request.user,
                    answers=answers,
                    opinion=data["opinion"],
                    submission_key=data["submission_key"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Your agency's answer was sent to the MASH")
                return redirect(reverse("mash:requests"))
    else:
        form = AnswerForm(initial={"submission_key": new_submission_key()}, people=pairs)
    return render(
        request,
        "mash/answer.html",
        {
            "found": found,
            # On a service of several councils, the council that asked, whose clock it is.
            "council_name": policy.council.name if councils().several else "",
            "enquiry": enquiry,
            "contact": enquiry.contact,
            "referrers": selectors.referrers_for_partner(list(enquiry.contact.reports.all())),
            # R45: a restricted child's names withheld from the referrer's words.
            "reports": intake_selectors.reports_seen_by(
                request.user,
                contact=enquiry.contact,
                reports=list(enquiry.contact.reports.all()),
            ),
            "partner_view": selectors.partner_view(
                policy=policy, enquiry=enquiry, user=request.user
            ),
            "form": form,
            "now": (now := timezone.now()),
            "state": found.state(now),  # R36: answered, late, overdue...
            "answers": selectors.answers_by_agency(enquiry, user=request.user).get(found.pk, []),
            "names_withheld": intake_selectors.names_withheld_from(
                request.user, contact=enquiry.contact
            ),
        },
    )


# The periods a partner agency's answering times are given for, by their days.
TIMES_PERIODS = {28: "the last 4 weeks", 91: "the last 3 months", 365: "the last 12 months"}


@require_http_methods(["GET"])
@allowed("enquiry.answer")
@across_the_agencys_councils
def request_times(request: SignedInRequest) -> HttpResponse:
    """R36: the agency's answering times for each council that asks it, and all together; for
    the agency's manager, also who answered, which answers were late and what is still owed."""
    now = timezone.now()
    days = request.GET.get("days", "91")
    chosen = int(days) if days.isdigit() and int(days) in TIMES_PERIODS else None
    if chosen is None:
        messages.error(request, "Choose one of the periods listed: the last 3 months are shown.")
        chosen = 91
    since = now - dt.timedelta(days=chosen)
    rows = selectors.answering_times(request.user, since=since, now=now)
    return render(
        request,
        "mash/request_times.html",
        {
            "agency_name": request.user.agency_name,
            # R36: the agency's manager sees who answered, the late answers and what is owed.
            "oversight": selectors.agency_oversight(request.user, since=since, now=now),
            "several": councils().several,
            "now": now,
            "periods": TIMES_PERIODS,
            "days": chosen,
            "period": TIMES_PERIODS[chosen],
            # One council: its row is the whole; several: each council, then all together.
            "rows": rows if councils().several else rows[-1:],
        },
    )
