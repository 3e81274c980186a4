"""MASH enquiries to partner agencies and their answers (R33-R38).

A MASH enquiry is about one child of a contact, with the RAG rating it was sent under. Each
partner agency asked gets its own request, with its own clock from the moment it is alerted
(R36). Answers and RAG reviews are append-only.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q

from frontdoor.audit.models import AppendOnly
from frontdoor.change_history import HistoricalRecords
from frontdoor.policy.rag import Rag


class Enquiry(models.Model):
    """A child's contact sent into MASH with a RAG rating (R33-R35)."""

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="enquiries"
    )
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="enquiries"
    )
    rag = models.CharField(max_length=10, choices=Rag.choices)  # the RAG it was sent under (R35)
    reason = models.TextField()  # why it goes to MASH: the criteria met, in the manager's words
    criteria_met = models.JSONField(default=list, blank=True)
    # R35: an immediate Red need: agencies present at the strategy meeting instead of writing.
    present_at_strategy_meeting = models.BooleanField(default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [
            # One open MASH enquiry per child: a second would split the agencies' answers.
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_enquiry_per_child",
            )
        ]

    def __str__(self) -> str:
        return f"MASH enquiry about {self.child}"


# R36, defined once: where an agency's request stands on its clock, from the moment the agency
# was alerted to the due time the policy's timescale gave it (`due_at`; none when the policy
# sets no timescale, or the agency presents at the strategy meeting instead, R35). The due
# time itself is still in time. A request whose enquiry the MASH closed before the agency
# answered is neither late nor waiting: it is closed before an answer. A request with no
# timescale is neither on time nor late, in time nor overdue: the figures count it apart, as
# untimed, so a council whose policy sets no MASH clock (Lewisham) never reads "answered on
# time". Every page, figure, export and chase asks these.


def request_answered_condition() -> Q:
    """Answered by its due time."""
    return Q(answered_at__isnull=False, answered_at__lte=F("due_at"))


def request_untimed_condition() -> Q:
    """Answered, or still asked, with no timescale to be in time or late against (the policy
    sets none, or the agency presents at the strategy meeting instead, R35)."""
    return Q(due_at__isnull=True) & (Q(answered_at__isnull=False) | request_asked_condition())


def request_late_condition() -> Q:
    """Answered after the due time."""
    return Q(answered_at__isnull=False, answered_at__gt=F("due_at"))


def request_closed_condition() -> Q:
    """Not answered, and the enquiry closed: nothing more is asked of the agency."""
    return Q(answered_at__isnull=True, enquiry__closed_at__isnull=False)


def request_overdue_condition(now: dt.datetime) -> Q:
    """Not answered, the enquiry open, and past the due time at `now`."""
    return request_asked_condition() & Q(due_at__lt=now)


def request_asked_condition() -> Q:
    """Not answered, the enquiry open: still asked of the agency, waiting or overdue."""
    return Q(answered_at__isnull=True, enquiry__closed_at__isnull=True)


def request_waiting_condition(now: dt.datetime) -> Q:
    """Not answered, the enquiry open, and still in time at `now`."""
    return request_asked_condition() & Q(due_at__gte=now)


def request_figures(now: dt.datetime) -> dict[str, Count]:
    """R36's counts of a set of requests at `now`, for `aggregate` or `annotate`: how many were
    asked, and how many stand in each state by the conditions above. They add up to `asked`."""
    return {
        "asked": Count("id"),
        "on_time": Count("id", filter=request_answered_condition()),
        "late": Count("id", filter=request_late_condition()),
        "overdue": Count("id", filter=request_overdue_condition(now)),
        "waiting": Count("id", filter=request_waiting_condition(now)),
        "closed": Count("id", filter=request_closed_condition()),
        "untimed": Count("id", filter=request_untimed_condition()),
    }


class AgencyRequestQuerySet(models.QuerySet):
    def answered_in_time(self) -> AgencyRequestQuerySet:
        return self.filter(request_answered_condition())

    def late(self) -> AgencyRequestQuerySet:
        return self.filter(request_late_condition())

    def overdue(self, now: dt.datetime) -> AgencyRequestQuerySet:
        return self.filter(request_overdue_condition(now))

    def still_asked(self) -> AgencyRequestQuerySet:
        return self.filter(request_asked_condition())

    def waiting(self, now: dt.datetime) -> AgencyRequestQuerySet:
        return self.filter(request_waiting_condition(now))

    def untimed(self) -> AgencyRequestQuerySet:
        return self.filter(request_untimed_condition())

    def closed_before_an_answer(self) -> AgencyRequestQuerySet:
        return self.filter(request_closed_condition())


class AgencyRequest(models.Model):
    """One partner agency's part of an enquiry, with its clock (R36, R37)."""

    class State(models.TextChoices):
        """Where the request stands on its clock (R36): as the conditions above define."""

        WAITING = "waiting", "Waiting"
        OVERDUE = "overdue", "Overdue"
        ANSWERED = "answered", "Answered"
        LATE = "late", "Answered late"
        CLOSED = "closed", "Closed before an answer"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="requests")
    agency_key = models.CharField(max_length=60, db_index=True)
    alerted_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)  # None: no timescale
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the agency was last chased, so a chase is sent once per stage (due soon, overdue).
    reminded_due_soon_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    objects = AgencyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "agency_key"], name="one_request_per_agency")
        ]
        # A partner agency's waiting list: its unanswered requests, soonest due first, read in
        # index order so the page stops after its 50 rows.
        indexes = [
            models.Index(
                fields=["agency_key", "answered_at", "due_at"], name="agency_waiting_requests"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_key}: {self.enquiry}"

    def state(self, now: dt.datetime) -> AgencyRequest.State:
        """R36, for one loaded request: as `AgencyRequestQuerySet` counts it at `now`. A request
        with no timescale reads "Answered" once answered and "Waiting" until then, and is counted
        by `untimed()`, not as answered in time or waiting in time."""
        if self.answered_at is not None:
            late = self.due_at is not None and self.answered_at > self.due_at
            return self.State.LATE if late else self.State.ANSWERED
        if self.enquiry.closed_at is not None:
            return self.State.CLOSED
        if self.due_at is not None and self.due_at < now:
            return self.State.OVERDUE
        return self.State.WAITING

    def late_by(self, now: dt.datetime) -> dt.timedelta | None:
        """How far past its due time the request was answered, or is at `now` (R36)."""
        state = self.state(now)
        if state == self.State.LATE:
            return self.answered_at - self.due_at  # type: ignore[operator]  # late: answered after its due time
        if state == self.State.OVERDUE:
            return now - self.due_at  # type: ignore[operator]  # overdue: it has a due time
        return None


class Answer(AppendOnly):
    """What an agency holds about one person in the household, and its opinion (R37)."""

    request = models.ForeignKey(AgencyRequest, on_delete=models.PROTECT, related_name="answers")
    # Who it is about: the child, another child of the contact, or an adult of it.
    about_child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    about_adult = models.ForeignKey(
        "intake.ReportedAdult", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nothing_known = models.BooleanField(default=False)
    information = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at", "id"]


class Opinion(AppendOnly):
    """The agency's professional opinion on the enquiry as a whole (R37)."""

    request = models.OneToOneField(AgencyRequest, on_delete=models.PROTECT, related_name="opinion")
    opinion = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()
    # The answer form's key: the same form sent twice stores one answer.
    submission_key = models.CharField(max_length=80, unique=True)


class RagReview(AppendOnly):
    """The manager's final RAG after reading the partners' answers (R38). Never edited."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.PROTECT, related_name="reviews")
    sequence = models.PositiveIntegerField()
    rag = models.CharField(max_length=10, choices=Rag.choices)
    changed = models.BooleanField()  # differs from the RAG the enquiry was sent under
    reason = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField()
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["sequence"]
        constraints = [
            models.UniqueConstraint(fields=["enquiry", "sequence"], name="one_review_per_turn")
        ]


class Meeting(models.Model):
    """A case discussion or strategy meeting about a contact (R39, R40)."""

    class Kind(models.TextChoices):
        MASH_CASE_DISCUSSION = "mash_case_discussion", "MASH case discussion"
        EARLY_HELP_CASE_DISCUSSION = "early_help_case_discussion", "Early help case discussion"
        STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"

    contact = models.ForeignKey("intake.Contact", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    scheduled_for = models.DateTimeField()
    # R40: a strategy meeting is due within the policy's hours of child-protection concerns.
    due_at = models.DateTimeField(null=True, blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    # R40: held without an agency the policy requires only when the chair says why.
    override_reason = models.TextField(blank=True)
    # R40: arranged for later than its timescale only when the chair says why.
    late_reason = models.TextField(blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    # R39: the agreed analysis, the intervention and the plan of action.
    analysis = models.TextField(blank=True)
    intervention = models.TextField(blank=True)
    plan_of_action = models.TextField(blank=True)
    outcome = models.CharField(max_length=60, blank=True)  # a policy outcome key (R40)
    outcome_label = models.CharField(max_length=200, blank=True)
    consensus = models.BooleanField(null=True)  # False: the chair decided (R39)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Called off before it was held, with the chair's reason: it stays on the record.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_reason = models.TextField(blank=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.contact}"


class Attendee(models.Model):
    """Someone invited to a meeting: each agency has a voice (R39)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendees")
    agency_key = models.CharField(max_length=60, blank=True)  # a policy agency key
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    attended = models.BooleanField(null=True)  # None until the meeting is recorded
    contribution = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Dissent(AppendOnly):
    """An agency that does not agree with the chair's decision, in its own words (R39)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="dissents")
    agency_key = models.CharField(max_length=60, blank=True)
    name = models.CharField(max_length=200)
    view = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()


class ExploitationScreening(AppendOnly):
    """The referrer's exploitation screening and the MASH social worker's risk assessment (R41)."""

    class Risk(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    contact = models.ForeignKey(
        "intake.Contact", on_delete=models.PROTECT, related_name="exploitation_screenings"
    )
    child = models.ForeignKey(
        "intake.ReportedChild", on_delete=models.PROTECT, related_name="exploitation_screenings"
    )
    referrer_screening = models.TextField()  # what the referrer's screening tool recorded
    risk_assessment = models.TextField()
    risk = models.CharField(max_length=10, choices=Risk.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-assessed_at", "-id"]


class BriefingAction(AppendOnly):
    """An action agreed for a child at the daily Missing and Exploitation briefing (R41)."""

    on = models.DateField(db_index=True)
    child = models.ForeignKey("intake.ReportedChild", on_delete=models.PROTECT, related_name="+")
    action = models.TextField()
    owner = models.CharField(max_length=200)  # who does it: a name or an agency
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]
