"""What screening finds and what managers decide, child by child (R12-R31, R33-R35).

Decisions, consent records, authorisations and transfers are append-only: a later record
supersedes an earlier one, and both stay on file with who, when, why and the policy version.
"""

import datetime as dt

from django.conf import settings
from django.db import models

from frontdoor.audit.models import AppendOnly
from frontdoor.change_history import HistoricalRecords
from frontdoor.intake.models import YesNoUnknown
from frontdoor.policy.clocks import time_in_words
from frontdoor.policy.rag import Rag
from frontdoor.policy.registry import get_loaded_policy


class Assignment(models.Model):
    """Who is screening a contact, and for which team's queue it is (R19, R25)."""

    contact = models.OneToOneField(
        "intake.Contact", on_delete=models.PROTECT, related_name="assignment"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_contacts",
    )
    team = models.CharField(max_length=120, blank=True, db_index=True)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.contact} with {self.worker or self.team}"


class ChildScreening(models.Model):
    """A worker's screening of one child of a contact: what was found and judged (R24, R27, R28).

    Edited while screening goes on; every change is kept in its history.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="child_screenings"
    )
    child = models.OneToOneField(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="screening"
    )
    # Level of Need indicators found, as catalogue keys ("L3.health.2"), in the order picked.
    indicators = models.JSONField(default=list, blank=True)
    # R28 child-protection concerns (keys of screening.concerns.Concern).
    concerns = models.JSONField(default=list, blank=True)
    # R24: the worker's account of the concern, the child's needs, risk and safety planning.
    analysis = models.TextField(blank=True)
    urgent_action_needed = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    # R40: when screening first recorded child-protection concerns (cleared if they are all
    # removed): one of the moments the strategy meeting's 24 hours can start from.
    protection_concerns_at = models.DateTimeField(null=True, blank=True)
    # R33: reasons a contact goes to MASH that only a person can judge.
    more_information_needed = models.BooleanField(default=False)
    manager_discretion = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: a save from a stale page is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Screening of {self.child}"


class PrimaryNeed(models.TextChoices):
    """The DfE's primary need codes for a child in need, recorded with each referral (R29, R46)."""

    N1 = "N1", "N1 Abuse or neglect"
    N2 = "N2", "N2 Child's disability or illness"
    N3 = "N3", "N3 Parental disability or illness"
    N4 = "N4", "N4 Family in acute stress"
    N5 = "N5", "N5 Family dysfunction"
    N6 = "N6", "N6 Socially unacceptable behaviour"
    N7 = "N7", "N7 Low income"
    N8 = "N8", "N8 Absent parenting"
    N9 = "N9", "N9 Cases other than children in need"
    N0 = "N0", "N0 Not stated"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    NOT_YET_ASKED = "not_yet_asked", "Not yet asked"


class ConsentRecord(AppendOnly):
    """What one person said about sharing information about them (R12, R13, R14).

    For a parent or carer, or for a child old enough to give their own consent (R13).
    `about_child` is the child the consent is for: a young person's own record is about
    themselves; a parent's is about one child, so one parent may consent for one child of a
    sibling group and not another. A parent's record made before consent was kept per child has
    no `about_child` and stands for every child they spoke for. The latest record for a person
    and child is the one in force.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="consent_records"
    )
    adult = models.ForeignKey(
        "intake.ReportedAdult", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    about_child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    # R14: why consent was not sought (a key of the policy's consent.not_sought_reasons).
    not_sought_reason = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(adult__isnull=False, child__isnull=True)
                    | models.Q(adult__isnull=True, child__isnull=False)
                ),
                name="consent_is_one_persons",
            )
        ]


class SharingAuthorisation(AppendOnly):
    """A manager's authority to share information without consent, with reasons (R14, R16).

    For one child: a sibling's circumstances do not justify sharing about another. One made
    before authorisations were kept per child has no `child` and covers the whole contact.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="sharing_authorisations"
    )
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=40)  # a key of consent.not_sought_reasons
    explanation = models.TextField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField()
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["authorised_at", "id"]


class PoliceNotification(AppendOnly):
    """That the police were told of a suspected crime, or a manager's reason they were not (R24).

    Kept for the contact: the police are told of the incident, whichever child it concerns.
    The latest record is the one in force; earlier ones stay on file.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="police_notifications"
    )
    told = models.BooleanField()
    # When told: when, whom (officer, team or desk) and the police's reference.
    told_at = models.DateTimeField(null=True, blank=True)
    told_whom = models.CharField(max_length=200, blank=True)
    police_reference = models.CharField(max_length=60, blank=True)
    # When not told: the manager's reason.
    reason_not_told = models.TextField(blank=True)
    # The suspected crimes on file when recorded, as words (the concern labels).
    concerns = models.JSONField(default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(told=True, told_at__isnull=False, reason_not_told="")
                    | models.Q(told=False, told_at__isnull=True, police_reference="")
                    & ~models.Q(reason_not_told="")
                ),
                name="police_told_or_reason_why_not",
            )
        ]

    def __str__(self) -> str:
        return f"Police {'told' if self.told else 'not told'} for {self.contact}"


class SingleAgencyEnquiry(AppendOnly):
    """The duty social worker's own enquiries for a contact that meets no MASH criterion (R34):
    the conversations with the parents and the referrer, the social care and early help
    chronology, and the risks and protective factors (Signs of Safety).

    Append-only: a fuller account is a new record; the latest is the one in force.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="single_agency_enquiries"
    )
    parents_conversation = models.TextField()
    referrer_conversation = models.TextField()
    chronology = models.TextField()
    risks = models.TextField()
    protective_factors = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(db_index=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"Single-agency enquiries for {self.contact}"


class Decision(AppendOnly):
    """A manager's decision for one child of a contact (R25): never edited, only superseded.

    `sequence` numbers the decisions for a child from 1; the unique constraint on (child, sequence)
    means two managers deciding at once cannot both record "the" decision: the second is refused
    and shown the first.
    """

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="decisions"
    )
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="decisions"
    )
    sequence = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    # The RAG rating when the child goes to MASH (R35); blank when not.
    rag = models.CharField(max_length=10, blank=True, choices=Rag.choices)
    outcome = models.CharField(max_length=60)  # a key of the policy's outcomes
    outcome_label = models.CharField(max_length=200)  # the policy's words when decided
    outcome_effect = models.CharField(max_length=40)
    rationale = models.TextField()
    # What decision support suggested, and whether the decision departs from it (decision 5).
    suggested_level = models.PositiveSmallIntegerField(null=True, blank=True)
    suggested_rag = models.CharField(max_length=10, blank=True, choices=Rag.choices)
    departs_from_suggestion = models.BooleanField(default=False)
    departures = models.JSONField(default=list, blank=True)
    mash_criteria_met = models.JSONField(default=list, blank=True)
    # The indicators and concerns on file when decided, as words: catalogue keys alone would
    # change meaning under a later policy version.
    indicators = models.JSONField(default=list, blank=True)
    concerns = models.JSONField(default=list, blank=True)
    becomes_referral = models.BooleanField(default=False)
    # For a referral, the child's primary need (the CIN census needs it); blank otherwise.
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(db_index=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "sequence"], name="one_decision_per_turn")
        ]

    def __str__(self) -> str:
        return f"{self.outcome_label} for {self.child}"


class Referral(AppendOnly):
    """A child's contact that became a referral (R29), counted by the statutory returns."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="referral")
    contact = models.ForeignKey("intake.Contact", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="referrals"
    )
    referred_at = models.DateTimeField(db_index=True)
    # R29: within the policy's months of a previous referral of the same child.
    is_re_referral = models.BooleanField(default=False)
    previous_referral_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["referred_at", "id"]


class Transfer(AppendOnly):
    """A contact passed to the council where the child lives (R17): what, when, by whom."""

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="transfers"
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="transfer"
    )
    to_council_code = models.CharField(max_length=9)
    to_council_name = models.CharField(max_length=200)
    sent_how = models.CharField(max_length=200)  # "secure e-mail to the MASH at …"
    what_was_sent = models.TextField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]


class TransferArrival(models.Model):
    """A transfer to a council on the same service (R17): the contact it made in that council's
    inbox, and when that council accepted it. The sending council reads this row to see the
    transfer arrive; the receiving council's contact is opened only by its own staff."""

    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="arrival")
    # The receiving council's contact. A second transfer of the same contact to the same council
    # (a revised decision, a double submit) arrives in the same contact: one contact each.
    contact = models.ForeignKey("intake.Contact", on_delete=models.PROTECT, related_name="arrivals")
    from_council = models.CharField(max_length=50)  # a `policy.Council` key
    to_council = models.CharField(max_length=50)
    lawful_basis = models.CharField(max_length=200)
    # What the sending council found and decided for the child, as the receiver reads it: the
    # screening checks, the decision and what was sent (`screening.transfers.findings`).
    findings = models.JSONField(default=dict)
    arrived_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["arrived_at", "id"]

    def __str__(self) -> str:
        return f"Transfer from {self.from_council_name} to {self.to_council_name}"

    @property
    def from_council_name(self) -> str:
        return _council_name(self.from_council)

    @property
    def to_council_name(self) -> str:
        return _council_name(self.to_council)

    @property
    def in_words(self) -> str:
        """How the sender reads the transfer's arrival: where, and when it was accepted."""
        return self._and_accepted(
            f"Arrived in {self.to_council_name}'s inbox at {time_in_words(self.arrived_at)}"
        )

    @property
    def received_in_words(self) -> str:
        """How the receiver reads the transfer's arrival: from where, and when it was accepted."""
        return self._and_accepted(
            f"Arrived from {self.from_council_name} at {time_in_words(self.arrived_at)}"
        )

    def _and_accepted(self, arrived: str) -> str:
        if self.accepted_at is None:
            return f"{arrived}; not yet accepted."
        return f"{arrived}; accepted at {time_in_words(self.accepted_at)}."


def _council_name(key: str) -> str:
    try:
        return get_loaded_policy(key).policy.council.name
    except LookupError:  # a council whose policy this process has not loaded: its key
        return key


class ReferralReturn(models.Model):
    """A referral without clear consent returned to its referrer before processing, and its
    resumption when they come back with consent (R15). Written once, then resumed once."""

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="referral_returns"
    )
    # The state the contact was in, and goes back to when resumed.
    returned_from = models.CharField(max_length=20)
    sent_to = models.JSONField(default=list)  # the referrers' e-mail addresses
    message = models.TextField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField()
    resumed_at = models.DateTimeField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the referrer said of consent when they came back.
    consent_note = models.TextField(blank=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["returned_at", "id"]

    def __str__(self) -> str:
        return f"{self.contact} returned to the referrer at {self.returned_at:%Y-%m-%d %H:%M}"


class FollowUpQuerySet(models.QuerySet):
    def open(self) -> "FollowUpQuerySet":
        """Still to do: neither done nor replaced by a revised decision's own follow-ups."""
        return self.filter(done_at__isnull=True, replaced_by__isnull=True)


class FollowUp(models.Model):
    """Something that must happen after a decision, with its clock (R23, R30, R31, R40).

    A revised decision replaces what the decision it revises set in motion: the earlier
    decision's open follow-ups stay on file, marked `replaced_by` the revision, which sets its own.
    """

    class Kind(models.TextChoices):
        REFERRER_FEEDBACK = "referrer_feedback", "Tell the referrer the outcome"
        FAMILY_TOLD = "family_told", "Tell the child and family what will happen"
        CHILD_SEEN = "child_seen", "See the child"
        STRATEGY_DISCUSSION = "strategy_discussion", "Hold the strategy discussion"
        PASS_TO_ALLOCATED_WORKER = "allocated_worker", "Pass to the allocated worker"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="follow_ups")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The report whose referrer is told, for referrer feedback.
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    replaced_by = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "kind"],
                condition=models.Q(report__isnull=True),
                name="one_follow_up_per_kind",
            ),
            models.UniqueConstraint(
                fields=["decision", "kind", "report"],
                condition=models.Q(report__isnull=False),
                name="one_follow_up_per_report",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        """Still to do, for one loaded follow-up: as `FollowUpQuerySet.open`."""
        return self.done_at is None and self.replaced_by_id is None

    def is_overdue(self, now: dt.datetime) -> bool:
        """Still to do and past its due time at `now` (the due time itself is in time)."""
        return self.is_open and self.due_at is not None and self.due_at < now


class SuggestionKind(models.TextChoices):
    INDICATOR = "indicator", "Level of Need indicator"
    CRITERION = "criterion", "MASH enquiry criterion"


class SuggestionResponse(AppendOnly):
    """A worker's answer to one suggestion read from the referral's words (R27, R34): accepted
    into the child's screening, or rejected as not relevant. Kept with what the worker was shown
    (every suggestion on the page, the method's and the policy's versions), so a decision can be
    read later beside the suggestions before it."""

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="suggestion_responses"
    )
    child = models.ForeignKey("intake.ReportedChild", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=SuggestionKind.choices)
    key = models.CharField(max_length=120)
    accepted = models.BooleanField()
    score = models.FloatField()
    # The phrases of the referral, as the worker was shown them, that supported the suggestion.
    evidence = models.JSONField(default=list, blank=True)
    # Everything suggested on the page at the time: {"indicators": [...], "mash_criteria": [...]}.
    shown = models.JSONField(default=dict, blank=True)
    method_version = models.CharField(max_length=60)
    policy_version = models.CharField(max_length=60)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["child", "kind", "key", "at"])]

    def __str__(self) -> str:
        answer = "accepted" if self.accepted else "rejected"
        return f"{self.get_kind_display()} {self.key} {answer} for {self.child}"
