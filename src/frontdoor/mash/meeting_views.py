"""Pages for meetings (R39, R40), exploitation screening and the daily briefing (R41)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import SignedInRequest, allowed
from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.selectors import staff_of_served_council
from frontdoor.errors import DomainError
from frontdoor.govuk_fields import GovukForm
from frontdoor.intake import selectors as intake_selectors
from frontdoor.mash import meetings, selectors
from frontdoor.mash.models import ExploitationScreening, Meeting
from frontdoor.people.views import restricted_page
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import Policy, TimescaleKey
from frontdoor.wording import in_sentence

WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


def _when_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=WHEN_FORMATS,
        help_text="For example, 24/11/2026 14:30",
        error_messages={"invalid": f"Enter {in_sentence(label)} like 24/11/2026 14:30"},
    )


class ScheduleForm(GovukForm):
    kind = forms.ChoiceField(choices=Meeting.Kind.choices, widget=forms.RadioSelect, label="Kind")
    scheduled_for = _when_field("When it is held")
    chair = forms.ModelChoiceField(queryset=User.objects.none(), label="Chair")
    override_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="If an agency the policy requires is not invited, why the meeting goes ahead",
    )
    late_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="If it is held later than the timescale, why",
    )

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        managers = (
            staff_of_served_council()
            .filter(role=Role.MASH_MANAGER, is_active=True)
            .order_by("first_name", "last_name")
        )
        chair = self.fields["chair"]
        assert isinstance(chair, forms.ModelChoiceField)  # declared so above
        chair.queryset = managers
        chair.choices = [("", "Choose the chair")] + [(user.pk, str(user)) for user in managers]
        self.agencies = policy.agencies
        for agency in policy.agencies:
            self.fields[f"invite-{agency.key}"] = forms.CharField(
                required=False, label=f"Who attends for {agency.name}"
            )
        self.fields["invite-other"] = forms.CharField(
            required=False, label="Anyone else (one per line: name, role)", widget=forms.Textarea
        )
        self.mark_fields()

    def invitees(self) -> list[meetings.Invitee]:
        found = [
            meetings.Invitee(agency.key, self.cleaned_data[f"invite-{agency.key}"])
            for agency in self.agencies
            if self.cleaned_data[f"invite-{agency.key}"].strip()
        ]
        for line in self.cleaned_data["invite-other"].splitlines():
            name, _, role = line.partition(",")
            if name.strip():
                found.append(meetings.Invitee("", name.strip(), role.strip()))
        return found


@require_http_methods(["GET", "POST"])
@allowed("meeting.chair")
def schedule(request: SignedInRequest, reference: str) -> HttpResponse:
    contact = get_object_or_404(
        intake_selectors.contacts_visible_to(request.user), reference=reference
    )
    policy = current_policy()
    form = ScheduleForm(
        request.POST or None,
        policy=policy,
        initial={"chair": request.user.pk, "kind": Meeting.Kind.STRATEGY_MEETING},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meetings.schedule_meeting(
                contact=contact,
                kind=form.cleaned_data["kind"],
                scheduled_for=form.cleaned_data["scheduled_for"],
                chair=form.cleaned_data["chair"],
                invitees=form.invitees(),
                by=request.user,
                override_reason=form.cleaned_data["override_reason"],
                late_reason=form.cleaned_data["late_reason"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"{meeting.get_kind_display()} arranged")
            return redirect(reverse("mash:meeting", args=[meeting.pk]))
    agency_fields = [form[f"invite-{agency.key}"] for agency in policy.agencies]
    timescale = policy.timescale(TimescaleKey.STRATEGY_MEETING)
    return render(
        request,
        "mash/schedule.html",
        {
            "contact": contact,
            # R40: "within 24 hours from when ...", or "on the same day ..."
            "strategy_meeting_due": timescale.due_in_words() if timescale else "",
            "form": form,
            "agency_fields": agency_fields,
            "other_field": form["invite-other"],
            "required": [
                policy.agency(key).name for key in policy.strategy_meeting_required_agencies
            ],
        },
    )


class RecordForm(GovukForm):
    held_at = _when_field("When it was held")
    analysis = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Agreed analysis of needs and parenting capacity",
    )
    intervention = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), label="The intervention required"
    )
    plan_of_action = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="The plan of action"
    )
    outcome = forms.ChoiceField(widget=forms.RadioSelect, label="Outcome")
    consensus = forms.TypedChoiceField(
        coerce=lambda value: value == "yes",
        choices=[("yes", "Yes"), ("no", "No: the chair decided")],
        widget=forms.RadioSelect,
        label="Did everyone agree?",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, meeting: Meeting, policy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = meetings.meeting_outcomes(policy)  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field
        self.attendees = list(meeting.attendees.all())
        for attendee in self.attendees:
            self.fields[f"attended-{attendee.pk}"] = forms.BooleanField(
                required=False, label=f"{attendee.name} attended"
            )
            self.fields[f"contribution-{attendee.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                label=f"What {attendee.name} contributed",
            )
        for n in range(3):
            self.fields[f"dissent-{n}-name"] = forms.CharField(
                required=False, label="Who disagreed (name and agency)"
            )
            self.fields[f"dissent-{n}-view"] = forms.CharField(
                required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Their view"
            )
        self.mark_fields()

    def contributions(self) -> list[meetings.Contribution]:
        return [
            meetings.Contribution(
                attendee.pk,
                self.cleaned_data[f"attended-{attendee.pk}"],
                self.cleaned_data[f"contribution-{attendee.pk}"],
            )
            for attendee in self.attendees
        ]

    def dissents(self) -> list[meetings.DissentIn]:
        return [
            meetings.DissentIn(
                "", self.cleaned_data[f"dissent-{n}-name"], self.cleaned_data[f"dissent-{n}-view"]
            )
            for n in range(3)
            if self.cleaned_data[f"dissent-{n}-name"].strip()
            or self.cleaned_data[f"dissent-{n}-view"].strip()
        ]


@require_http_methods(["GET", "POST"])
@allowed("meeting.chair")
def meeting(request: SignedInRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Meeting.objects.filter(contact__in=intake_selectors.contacts_visible_to(request.user)),
        pk=pk,
    )
    policy = current_policy()
    form = RecordForm(
        request.POST or None, meeting=found, policy=policy, initial={"version": found.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meetings.record_meeting(
                meeting=found,
                by=request.user,
                held_at=data["held_at"],
                contributions=form.contributions(),
                analysis=data["analysis"],
                intervention=data["intervention"],
                plan_of_action=data["plan_of_action"],
                outcome=data["outcome"],
                consensus=data["consensus"],
                dissents=form.dissents(),
                expected_version=data["version"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "The meeting is recorded")
            return redirect(reverse("mash:meeting", args=[found.pk]))
    return render(
        request,
        "mash/meeting.html",
        {
            "meeting": found,
            "clock": meetings.meeting_clock(found),  # R40: the one reading
            "no_longer_called_for": meetings.no_longer_called_for(found),
            "contact": found.contact,
            "form": form,
            "attendee_fields": [
                (attendee, form[f"attended-{attendee.pk}"], form[f"contribution-{attendee.pk}"])
                for attendee in form.attendees
            ],
            "dissent_fields": [
                (form[f"dissent-{n}-name"], form[f"dissent-{n}-view"]) for n in range(3)
            ],
            "now": timezone.now(),
            # R45: what was said and agreed withholds a restricted child's names.
            "names_withheld": intake_selectors.names_withheld_from(
                request.user, contact=found.contact
            ),
        },
    )


class CancelForm(GovukForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why is the meeting cancelled?",
        help_text=(
            "Anyone invited by e-mail is told it is off; tell the others you invited. The reason "
            "stays on the record."
        ),
        error_messages={"required": "Give the reason the meeting is cancelled"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


@require_http_methods(["GET", "POST"])
@allowed("meeting.chair")
def cancel(request: SignedInRequest, pk: int) -> HttpResponse:
    """Call off a meeting not yet held, with the reason (R39, R40)."""
    found = get_object_or_404(
        Meeting.objects.filter(contact__in=intake_selectors.contacts_visible_to(request.user)),
        pk=pk,
    )
    # A meeting held or already cancelled: the page says so, and a POST changes nothing.
    done = found.held_at is not None or found.cancelled_at is not None
    form = CancelForm(request.POST or None, initial={"version": found.version})
    if request.method == "POST" and not done and form.is_valid():
        try:
            meetings.cancel_meeting(
                meeting=found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"The {in_sentence(found.get_kind_display())} is cancelled")
            return redirect(reverse("mash:meeting", args=[found.pk]))
    return render(
        request,
        "mash/cancel_meeting.html",
        {"meeting": found, "contact": found.contact, "form": form},
    )


class ExploitationForm(GovukForm):
    referrer_screening = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What the referrer's exploitation screening tool records",
    )
    risk_assessment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), label="Your risk assessment"
    )
    risk = forms.ChoiceField(
        choices=ExploitationScreening.Risk.choices, widget=forms.RadioSelect, label="Risk"
    )


@require_http_methods(["GET", "POST"])
@allowed("contact.screen")
def exploitation(request: SignedInRequest, reference: str, child_id: int) -> HttpResponse:
    contact = get_object_or_404(
        intake_selectors.contacts_visible_to(request.user), reference=reference
    )
    child = get_object_or_404(contact.children, pk=child_id)
    # R45: a restricted child of a contact the user may open: whom to ask, nothing more.
    restriction = intake_selectors.restriction_hiding_child(request.user, child=child)
    if restriction is not None:
        return restricted_page(request, restriction)
    form = ExploitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meetings.record_exploitation_screening(
                contact=contact, child=child, by=request.user, **form.cleaned_data
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Exploitation risk assessment recorded")
            return redirect(reverse("screening:contact", args=[contact.reference]))
    return render(
        request,
        "mash/exploitation.html",
        {
            "contact": contact,
            "child": child,
            "form": form,
            "earlier": ExploitationScreening.objects.filter(contact=contact, child=child),
        },
    )


class BriefingActionForm(GovukForm):
    child = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Action agreed")
    owner = forms.CharField(label="Who does it")


@require_http_methods(["GET", "POST"])
@allowed("exploitation.brief")
def briefing(request: SignedInRequest) -> HttpResponse:
    """The daily Missing and Exploitation briefing (R41)."""
    today = timezone.localdate()
    if request.method == "POST":
        form = BriefingActionForm(request.POST)
        if form.is_valid():
            # Only a child the user may see on the briefing, named to them (R45).
            child = get_object_or_404(
                selectors.briefing_children(request.user).filter(restricted_ask__isnull=True),  # type: ignore[misc]  # annotated by briefing_children
                pk=form.cleaned_data["child"],
            )
            try:
                meetings.record_briefing_action(
                    child=child,
                    by=request.user,
                    action=form.cleaned_data["action"],
                    owner=form.cleaned_data["owner"],
                )
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, f"Action recorded for {child}")
        else:
            messages.error(request, "Record the action agreed and who does it")
        return redirect(reverse("mash:briefing"))
    return render(
        request,
        "mash/briefing.html",
        {"rows": selectors.children_of_concern(user=request.user, today=today), "today": today},
    )
