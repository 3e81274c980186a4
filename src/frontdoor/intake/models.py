"""Contacts and what arrives with them (R1-R11).

A contact is one incident or request: the unit of work (ARCHITECTURE decision 1). Each incoming
message (an online referral form, a phone call, a letter, a police notification) is a report
attached to a contact; several reports of one incident share a contact (R7), each keeping its own
referrer, channel, time and documents. The children and adults named are recorded as reported;
screening later links them to the people already known.

Nothing here is edited in place by views: `intake.services` makes every change, with its audit
entry, in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from frontdoor.change_history import HistoricalRecords

# A report's answers use the person record's choices, so they copy across as they are.
from frontdoor.people.models import Gender, Sex, YesNoUnknown, disabilities_display
from frontdoor.people.names import SearchKeys, search_keys
from frontdoor.policy.councils import council_field


class Channel(models.TextChoices):
    """How a report reached the front door (R2)."""

    ONLINE_FORM = "online_form", "Online referral form"
    TELEPHONE = "telephone", "Telephone"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"
    EMAIL = "email", "E-mail"
    EDT = "edt", "Emergency Duty Team (out of hours)"
    POLICE_NOTIFICATION = "police_notification", "Police notification"
    API = "api", "Partner system"


class ReferrerType(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    PUBLIC = "public", "Member of the public"
    FAMILY = "family", "Family member"
    ANONYMOUS = "anonymous", "Anonymous"


class FeedbackBy(models.TextChoices):
    """How a referrer asked to be told the outcome."""  # R30

    EMAIL = "email", "By e-mail"
    TEXT = "text", "By text message"


class Consent(models.TextChoices):
    # R12-R16: consent, as the referrer reports it.
    """What the referrer says about the consent of those with parental responsibility."""

    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"

    @property
    def parents_agree(self) -> YesNoUnknown:
        """Whether the parents agree to the referral, as the consent answer says it: the one
        question asked about it (R12). Reports made before it was asked once kept their own
        answer (`Report.earlier_parents_agree`)."""
        return _PARENTS_AGREE[self]


_PARENTS_AGREE = {
    Consent.GIVEN: YesNoUnknown.YES,
    Consent.REFUSED: YesNoUnknown.NO,
    Consent.NOT_SOUGHT: YesNoUnknown.UNKNOWN,
}


# R25, defined once: every page, figure and export asks these, never the fields themselves.
#
# A contact is *progressed* when every child of it has had a first decision or a transfer to
# another council (a transfer made without a child's decision counts for every child). For a
# sibling group that is the last of its children's: deciding one child leaves the contact
# waiting, and overdue once past its due time, until the last child is decided. The time is
# stored on the contact (`progressed_at`) by `screening.decisions.record_decision`, in the same
# transaction as the decision, and never changed after: a further report naming another child
# (R7) does not restart the contact's clocks.


def progressed_condition() -> Q:
    """R25: the contact has been progressed, for conditional counts (`Count(filter=...)`): every
    child of it has a first decision or a transfer, so a sibling group once its last child has
    (`progressed_at`, as the comment above says)."""
    return Q(progressed_at__isnull=False)


def not_progressed_condition() -> Q:
    """R25: the clock is still running (or there is no timescale to run)."""
    return Q(progressed_at__isnull=True)


def with_the_referrer_condition() -> Q:
    """R15: not progressed and back with its referrer for consent: its clock is stopped, whether
    or not its due time has passed, and restarts when they come back
    (`screening.transitions.resume_with_consent`)."""
    return not_progressed_condition() & Q(state=Contact.State.RETURNED)


def running_condition() -> Q:
    """R25: not progressed and not back with its referrer: its clock runs, if it has one."""
    return not_progressed_condition() & ~Q(state=Contact.State.RETURNED)


def overdue_condition(now: dt.datetime) -> Q:
    """R25: its clock running and past its due time at `now`; never without a timescale, and
    never while the referral is back with its referrer for consent (R15)."""
    return running_condition() & Q(progress_due_at__lt=now)


def in_time_condition(now: dt.datetime) -> Q:
    """R25: its clock running and not past its due time at `now` (the due time itself is in
    time)."""
    return running_condition() & Q(progress_due_at__gte=now)


def progressed_on_time_condition() -> Q:
    """R25: progressed by its due time (the due time itself counts as on time)."""
    return Q(progressed_at__lte=F("progress_due_at"))


# R3, defined once: an immediate concern told by word of mouth starts a clock for its written
# referral (`intake.services.record_contact`); the contact *awaits its written follow-up* until a
# written report is attached to it, and the follow-up is *overdue* once past its due time.


def awaiting_written_follow_up_condition() -> Q:
    """R3: a telephoned immediate concern whose written referral has not arrived."""
    return Q(written_follow_up_due_at__isnull=False, written_follow_up_received_at__isnull=True)


def written_follow_up_overdue_condition(now: dt.datetime) -> Q:
    """R3: awaiting its written referral and past its due time at `now`."""
    return awaiting_written_follow_up_condition() & Q(written_follow_up_due_at__lt=now)


class ContactQuerySet(models.QuerySet["Contact"]):
    """Contacts by their clocks: the one definition of progressed and overdue (R25), and of
    awaiting the written follow-up and its being overdue (R3)."""

    def progressed(self) -> ContactQuerySet:
        """Every child has a first decision or a transfer: a sibling group is progressed when
        its last child is, and waits (and is overdue past its due time) until then."""
        return self.filter(progressed_condition())

    def not_progressed(self) -> ContactQuerySet:
        return self.filter(not_progressed_condition())

    def overdue(self, now: dt.datetime) -> ContactQuerySet:
        return self.filter(overdue_condition(now))

    def awaiting_written_follow_up(self) -> ContactQuerySet:
        return self.filter(awaiting_written_follow_up_condition())

    def written_follow_up_overdue(self, now: dt.datetime) -> ContactQuerySet:
        return self.filter(written_follow_up_overdue_condition(now))


class Contact(models.Model):
    """One incident or request about one or more children (R1, R7)."""

    class Kind(models.TextChoices):
        CONCERN = "concern", "Concern about a child"
        MISSING_EPISODE = "missing_episode", "Missing episode"

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        SCREENING = "screening", "Being screened"
        IN_MASH = "in_mash", "In MASH"
        AWAITING_DECISION = "awaiting_decision", "Awaiting a decision"
        DECIDED = "decided", "Decided"
        CLOSED = "closed", "Closed"
        # R15: returned to the referrer for consent before it is processed; resumed when they
        # come back with it.
        RETURNED = "returned", "Returned to the referrer"

    reference = models.CharField(max_length=20, unique=True)
    # Whose contact this is: only that council's staff see it (`contacts_visible_to`).
    council = council_field()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.CONCERN)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    # When the first report arrived: the contact's clocks run from here.
    received_at = models.DateTimeField(db_index=True)
    # R25: by when the contact must be progressed, stored when the clock starts so the inbox
    # sorts and filters in the database. Null only when the policy sets no such timescale.
    progress_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # R25: when the last child had a first decision or transfer (see `ContactQuerySet`); null
    # while any child waits. Written only by `screening.decisions.record_decision`.
    progressed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # R3: a telephoned immediate concern must be followed by a written referral.
    written_follow_up_due_at = models.DateTimeField(null=True, blank=True)
    written_follow_up_received_at = models.DateTimeField(null=True, blank=True)
    policy_version = models.ForeignKey(
        "policy.PolicyVersion", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Optimistic locking: a change made from a stale page is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_progressed(self) -> bool:
        """R25, for one loaded contact: as `ContactQuerySet.progressed`."""
        return self.progressed_at is not None

    @property
    def is_with_the_referrer(self) -> bool:
        """R15, for one loaded contact: as `with_the_referrer_condition`, its clock paused."""
        return self.progressed_at is None and self.state == Contact.State.RETURNED

    def is_overdue(self, now: dt.datetime) -> bool:
        """R25, for one loaded contact: as `ContactQuerySet.overdue`."""
        return (
            self.progressed_at is None
            and not self.is_with_the_referrer
            and self.progress_due_at is not None
            and self.progress_due_at < now
        )

    @property
    def awaits_written_follow_up(self) -> bool:
        """R3, for one loaded contact: as `ContactQuerySet.awaiting_written_follow_up`."""
        return (
            self.written_follow_up_due_at is not None and self.written_follow_up_received_at is None
        )

    def is_written_follow_up_overdue(self, now: dt.datetime) -> bool:
        """R3, for one loaded contact: as `ContactQuerySet.written_follow_up_overdue`."""
        due = self.written_follow_up_due_at
        return self.awaits_written_follow_up and due is not None and due < now


class Report(models.Model):
    """One message about the incident, as it arrived: its referrer, channel, time and answers."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="reports")
    # The contact's council, kept on the report itself so that PostgreSQL's row-level security
    # can check a report written in the same statement as its contact (`new_rows`).
    council = council_field()
    channel = models.CharField(max_length=30, choices=Channel.choices)
    received_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A form or API call sent twice carries the same key and makes one report (R1: nothing lost,
    # nothing doubled).
    submission_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    # What was sent under that key: the same key with different content is refused, not
    # silently answered with the first report.
    submission_digest = models.CharField(max_length=64, blank=True)

    # The referrer (R11: a non-professional's identity is never shown outside children's services).
    referrer_type = models.CharField(max_length=20, choices=ReferrerType.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_agency = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    referrer_address = models.TextField(blank=True)
    referrer_relationship = models.CharField(max_length=200, blank=True)
    # R30: how the referrer asked to be told the outcome (blank: not asked, so by e-mail if they
    # gave an address), and whether they agreed to be contacted at the number or address given.
    # A text message goes to a mobile number only with that agreement.
    referrer_feedback_by = models.CharField(max_length=10, choices=FeedbackBy.choices, blank=True)
    referrer_agrees_to_contact = models.BooleanField(default=False)

    # R6: what a referral should capture.
    worry = models.TextField()
    working_well = models.TextField(blank=True)
    child_voice = models.TextField(blank=True)
    child_location = models.TextField(blank=True)
    immediate_protection_needed = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    alleged_perpetrator = models.TextField(blank=True)
    other_agencies = models.TextField(blank=True)
    parents_aware = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    # Not asked any more: derived from `consent` (`Consent.parents_agree`), so the API's
    # readers see one answer; a report made when the forms also asked it keeps that answer.
    parents_agree = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    domestic_abuse = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    mental_illness = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    substance_misuse = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    learning_difficulties = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )

    # R12-R16: consent, and the R14 reason when it was not sought.
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_not_sought_reason = models.CharField(max_length=40, blank=True)
    consent_notes = models.TextField(blank=True)
    # The referrer's view of the Level of Need (1-4), if they gave one.
    referrer_level_of_need = models.PositiveSmallIntegerField(null=True, blank=True)

    # Staff-recorded reports: a summary of a call, letter or e-mail.
    summary = models.TextField(blank=True)
    # A hash of the secret given on the confirmation page, for the referrer's status check.
    status_secret_hash = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["received_at", "id"]
        # The inbox filters contacts by the channel of any of their reports.
        indexes = [models.Index(fields=["channel", "contact"])]

    def __str__(self) -> str:
        when = f"{self.received_at:%Y-%m-%d %H:%M}"
        return f"{self.contact.reference}: {self.get_channel_display()} at {when}"

    @property
    def earlier_parents_agree(self) -> str:
        """The answer to "Do the parents agree?" of a report made when the forms asked it
        besides consent, shown when it says something other than the consent answer; blank
        when it agrees (or the report was made after it was asked once)."""
        if not self.consent or self.parents_agree == Consent(self.consent).parents_agree:
            return ""
        return self.get_parents_agree_display()


class SearchKey(models.CharField):
    """A search column derived from the row's names (`people.names.search_keys`) on every write.

    It is derived in `pre_save`, as `auto_now` is, so rows written by `NewRows`, `bulk_create` or
    a correction all carry keys that agree with their names: search finds a reported child with
    the same tolerance as matching finds a person.
    """

    def __init__(self, *args, key: str, **kwargs) -> None:
        if key not in SearchKeys._fields:
            raise ValueError(f"{key!r} is not one of the search keys {SearchKeys._fields}")
        self.key = key
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["key"] = self.key
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = getattr(search_keys(model_instance.first_name, model_instance.last_name), self.key)
        setattr(model_instance, self.attname, value)
        return value


class ReportedPerson(models.Model):
    """The details of a child or adult as a report gave them (R4)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    # The contact's council, as on `Report`.
    council = council_field()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    # A child's sex and disabilities, when the staff form or the API gives them (the public
    # form does not ask); a worker may record or correct them later as a correction.
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # The DfE disability codes that apply, as on the person record (blank: not known).
    disabilities = models.CharField(max_length=100, blank=True)
    # Search columns, as on `people.Person`: search blocks on them with an index (search app).
    search_first_name = SearchKey(key="search_first_name")
    search_last_name = SearchKey(key="search_last_name")
    first_name_key = SearchKey(key="first_name_key", max_length=8)
    surname_key = SearchKey(key="surname_key", max_length=8)
    surname_last_key = SearchKey(key="surname_last_key", max_length=8)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        # A save of named fields (a correction of the name) writes the keys derived from it too.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                field.name for field in self._meta.fields if isinstance(field, SearchKey)
            }
        super().save(*args, **kwargs)

    @property
    def disabilities_display(self) -> str:
        return disabilities_display(self.disabilities)

    @property
    def name(self) -> str:
        return (
            " ".join(part for part in (self.first_name, self.last_name) if part) or "Name not known"
        )


class ChildrenOfContacts(models.Manager["ReportedChild"]):
    """The children contacts are about: a further report's account of a child its contact
    already has (R3, R7) is the same child, not another, so it is left out here (and from
    `contact.children` and `report.children`, which use this manager). `ReportedChild.accounts`
    reads every row, further accounts included."""

    def get_queryset(self) -> models.QuerySet[ReportedChild]:
        return super().get_queryset().filter(account_of__isnull=True)


class ReportedChild(ReportedPerson):
    """A child the contact is about, or an unborn child (R4, R5).

    A further report of the same incident (R7), or the written referral after a call (R3), that
    names a child the contact already has adds a further account of that child: a row with the
    report's own words, `account_of` the child first reported (`intake.services.same_child`).
    """

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="children")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="children")
    unborn = models.BooleanField(default=False)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    # R5: the child was unborn when the contact was made. Kept when the birth is recorded later
    # (`unborn` and the expected date then give way to the date of birth): a birth after the
    # contact is then a fact, not a fault, and the returns say so (docs/returns.md).
    unborn_at_contact = models.BooleanField(default=False)
    # R5: an expectant parent who is a child, named among the adults, is a child in their own
    # right: intake adds them as a child of the contact too, screened and decided.
    expectant_parent = models.BooleanField(default=False)
    nhs_number = models.CharField(max_length=10, blank=True)
    school_or_nursery = models.CharField(max_length=200, blank=True)
    special_needs = models.TextField(blank=True)
    communication = models.TextField(blank=True)
    # R18: the known person this child is, once screening has matched or created them.
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_as_child",
    )

    # R3, R7: this row is a further report's account of that child of the same contact.
    account_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    accounts = models.Manager["ReportedChild"]()
    objects = ChildrenOfContacts()

    class Meta:
        ordering = ["id"]
        base_manager_name = "accounts"
        default_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(unborn=True, date_of_birth__isnull=True)
                    | models.Q(unborn=False, expected_date_of_birth__isnull=True)
                ),
                name="unborn_child_has_expected_date_only",
            )
        ]
        # Search (`frontdoor.search`): each kind of query is one index look-up.
        indexes = [
            models.Index(fields=["surname_key", "first_name_key"], name="reported_child_surname"),
            models.Index(
                fields=["surname_last_key", "first_name_key"], name="reported_child_surname_last"
            ),
            models.Index(fields=["date_of_birth"], name="reported_child_dob"),
            # A first name searched alone ("Kayden"), or with a date of birth.
            models.Index(
                fields=["first_name_key", "date_of_birth"], name="reported_child_first_name"
            ),
            models.Index(
                fields=["expected_date_of_birth"],
                condition=models.Q(expected_date_of_birth__isnull=False),
                name="reported_child_expected",
            ),
            models.Index(fields=["postcode"], name="reported_child_postcode"),
            # A name searched alone ("Smith"), the newest first: one index per way it can match.
            models.Index(fields=["first_name_key", "id"], name="reported_child_first_newest"),
            models.Index(fields=["surname_key", "id"], name="reported_child_surname_newest"),
            models.Index(fields=["surname_last_key", "id"], name="reported_child_last_newest"),
            models.Index(
                fields=["nhs_number"], condition=~models.Q(nhs_number=""), name="reported_child_nhs"
            ),
        ]

    def __str__(self) -> str:
        return "Unborn child" if self.unborn and not self.first_name else self.name

    @property
    def further_accounts(self) -> models.QuerySet[ReportedChild]:
        """The further reports' accounts of this child (R3, R7), each in its report's words."""
        return ReportedChild.accounts.filter(account_of=self).select_related("report")


class AdultsOfContacts(models.Manager["ReportedAdult"]):
    """The adults contacts name: a further report's account of an adult its contact already
    names (R7) is the same adult, so it is left out here, as `ChildrenOfContacts` leaves out a
    child's further accounts. `ReportedAdult.accounts` reads every row."""

    def get_queryset(self) -> models.QuerySet[ReportedAdult]:
        return super().get_queryset().filter(account_of__isnull=True)


class ReportedAdult(ReportedPerson):
    """A household member or significant adult (R4).

    A further report of the same incident (R7), or the written referral after a call (R3), that
    names an adult the contact already has adds a further account of that adult, as for a child
    (`intake.services.same_child`).
    """

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="adults")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="adults")
    relationship_to_child = models.CharField(max_length=200, blank=True)
    parental_responsibility = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    lives_with_child = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    phone = models.CharField(max_length=40, blank=True)
    # R6: the alleged perpetrator, where the referrer names one among the adults.
    alleged_perpetrator = models.BooleanField(default=False)
    # R5: the expectant parent of an unborn child the contact is about.
    expectant_parent = models.BooleanField(default=False)
    # R18: the known person this adult is, once screening has matched or created them.
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_as_adult",
    )
    # R3, R7: this row is a further report's account of that adult of the same contact.
    account_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    accounts = models.Manager["ReportedAdult"]()
    objects = AdultsOfContacts()

    # A report gives an adult neither an NHS number nor an expected date of birth: these let
    # matching's scorer read an adult as it reads a child.
    nhs_number = ""
    expected_date_of_birth = None

    class Meta:
        ordering = ["id"]
        base_manager_name = "accounts"
        default_manager_name = "objects"
        # Search (`frontdoor.search`): each kind of query is one index look-up.
        indexes = [
            models.Index(fields=["surname_key", "first_name_key"], name="reported_adult_surname"),
            models.Index(
                fields=["surname_last_key", "first_name_key"], name="reported_adult_surname_last"
            ),
            models.Index(fields=["date_of_birth"], name="reported_adult_dob"),
            # A first name searched alone ("Kayden"), or with a date of birth.
            models.Index(
                fields=["first_name_key", "date_of_birth"], name="reported_adult_first_name"
            ),
            models.Index(fields=["postcode"], name="reported_adult_postcode"),
            # A name searched alone ("Smith"), the newest first: one index per way it can match.
            models.Index(fields=["first_name_key", "id"], name="reported_adult_first_newest"),
            models.Index(fields=["surname_key", "id"], name="reported_adult_surname_newest"),
            models.Index(fields=["surname_last_key", "id"], name="reported_adult_last_newest"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def further_accounts(self) -> models.QuerySet[ReportedAdult]:
        """The further reports' accounts of this adult (R3, R7), each in its report's words."""
        return ReportedAdult.accounts.filter(account_of=self).select_related("report")


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never comes from the uploader: it cannot collide, climb folders or execute.
    return f"attachments/{instance.report.contact.reference}/{instance.sha256}"


class Attachment(models.Model):
    """A document that arrived with a report (R10), stored outside the web root."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=None)
    original_name = models.CharField(max_length=255)
    # Sniffed from the content, never trusted from the name or the browser.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class MissingEpisode(models.Model):
    """A child missing from home or care, recorded as a contact (R9)."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="missing")
    child = models.OneToOneField(ReportedChild, on_delete=models.PROTECT, related_name="+")
    went_missing_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)  # null: still missing
    missing_from = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Missing episode of {self.child}"


class Consultation(models.Model):
    """A professional rang to discuss a threshold (R8): logged with the advice, no child details."""

    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    caller_agency = models.CharField(max_length=200)
    caller_role = models.CharField(max_length=200, blank=True)
    question = models.TextField()
    advice = models.TextField()
    # When safeguarding concerns came out of the conversation, the contact it became.
    became_contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="consultation"
    )
    # The council whose front door took the call: its staff alone list and open it.
    council = council_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Consultation with {self.caller_agency} at {self.at:%Y-%m-%d %H:%M}"
