"""People the front door knows: children (unborn too), adults, households, relationships and
their involvements with children's services (R18-R22).

A contact's reported children and adults (intake) are linked to a `Person` here once screening
has decided who they are; new details in a report update the person (R22) through
`screening.linking`, never by views. Involvements (early help, social care, plans, missing
episodes) come from this system and from the council's other systems (`import-involvements`):
they are the facts the screening rules read (R19-R21, R29, R34).

Every model keeps its history (django-simple-history): what a record said before a report
changed it stays on record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from frontdoor.change_history import HistoricalRecords
from frontdoor.people.names import search_keys
from frontdoor.people.postcodes import normalise_postcode
from frontdoor.policy.clocks import day_in_words
from frontdoor.policy.councils import council_field
from frontdoor.wording import in_sentence


class Gender(models.TextChoices):
    # Reports of people (intake) use these too, so a report's answer copies across as it is.
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class Sex(models.TextChoices):
    # The statutory returns ask for sex (the DfE's M, F or U), recorded apart from gender.
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_KNOWN = "not_known", "Not known"


class Disability(models.TextChoices):
    """The DfE's disability codes (CIN census): a person's record holds the codes that apply."""

    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility: getting about the house and beyond"
    HAND = "HAND", "Hand function: holding and touching"
    PC = "PC", "Personal care: eating, washing, going to the toilet, dressing"
    INC = "INC", "Incontinence: controlling the passage of urine or faeces"
    COMM = "COMM", "Communication: speaking and understanding others"
    LD = "LD", "Learning: understanding new things"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour, including attention deficit hyperactivity disorder (ADHD)"
    CON = "CON", "Consciousness: seizures"
    AUT = "AUT", "Diagnosed with autism or Asperger syndrome"
    DDA = "DDA", "Another disability under the Disability Discrimination Act"


def disability_codes(value: str) -> list[str]:
    """'MOB HAND' -> ['MOB', 'HAND']; '' (nothing recorded) -> []."""
    return [code for code in (value or "").split() if code in Disability.values]


def disabilities_problem(codes: Sequence[str]) -> str:
    """What is wrong with a choice of disability codes ("" if nothing): "No disability" is
    chosen on its own or not at all."""
    if Disability.NONE in codes and len(codes) > 1:
        return "Select “No disability” on its own, or only the disabilities that apply"
    return ""


def disabilities_display(value: str) -> str:
    """How a record's disabilities read on a page: 'Not known' when nothing is recorded."""
    codes = disability_codes(value)
    if not codes:
        return "Not known"
    return "; ".join(Disability(code).label for code in codes)


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


# Nobody recorded as a child or an adult was born before this.
OLDEST_BIRTH_DATE = dt.date(1900, 1, 1)
# An unborn child's expected date of birth lies within this window (a pregnancy lasts at most
# about 42 weeks; an expected date a little in the past is a baby now due or overdue).
UNBORN_EXPECTED_WITHIN = dt.timedelta(days=300)
UNBORN_OVERDUE_BY = dt.timedelta(days=31)


def birth_date_problem(value: dt.date | None, *, today: dt.date, future_message: str) -> str:
    """What is wrong with a date of birth, in GOV.UK words, or '' (intake and corrections)."""
    if value is None:
        return ""
    if value > today:
        return future_message
    if value < OLDEST_BIRTH_DATE:
        return "The date of birth must be after 1900"
    return ""


def expected_date_problem(value: dt.date | None, *, today: dt.date) -> str:
    """What is wrong with an unborn child's expected date of birth as known on `today`, or ''."""
    if value is None:
        return ""
    earliest, latest = today - UNBORN_OVERDUE_BY, today + UNBORN_EXPECTED_WITHIN
    if not earliest <= value <= latest:
        return (
            "The expected date of birth must be between "
            f"{day_in_words(earliest)} and {day_in_words(latest)}"
        )
    return ""


def nhs_number_is_valid(value: str) -> bool:
    """True for ten digits (0-9) whose last is the NHS modulus 11 check digit of the first nine.

    The one check of an NHS number: intake, the API, imports and corrections all use it.
    """
    if not re.fullmatch("[0-9]{10}", value):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(value[9])


def compact_nhs_number(value: str) -> str:
    """'943 476 5919' -> '9434765919': NHS numbers are often written in groups of 3, 3 and 4."""
    return "".join(ch for ch in (value or "") if not ch.isspace() and ch != "-")


NHS_NUMBER_MESSAGE = "Enter a real NHS number: 10 digits, like 943 476 5919"


def checked_nhs_number(value: str) -> str:
    """An NHS number as typed, compacted ('943 476 5919' -> '9434765919'), or blank.

    The one check of an NHS number someone types: the staff report form, the online referral
    form, the API (all by `intake.submissions`) and the correction of a person's details.
    Raises ValueError with the one message when it is not a real NHS number.
    """
    compact = compact_nhs_number(value)
    if compact and not nhs_number_is_valid(compact):
        raise ValueError(NHS_NUMBER_MESSAGE)
    return compact


def validate_nhs_number(value: str) -> None:
    if value and not nhs_number_is_valid(value):
        raise ValidationError(
            "Enter a real NHS number: 10 digits, like 943 476 5919 (the last digit is a check "
            "digit, so a mistyped number is caught)."
        )


def swapped_day_and_month(value: dt.date | None) -> dt.date | None:
    """The date with its day and month exchanged (3 April for 4 March), when that is a date."""
    if value is None or value.day > 12 or value.day == value.month:
        return None
    try:
        return value.replace(month=value.day, day=value.month)
    except ValueError:
        return None


class Person(models.Model):
    """A child (born or unborn) or an adult known to the council's children's services (R18)."""

    # The council whose record this is: only its staff see it (`people_visible_to`).
    council = council_field()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    # Aliases, nicknames and previous names, separated by commas; matching searches them too.
    other_names = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)  # R5: an unborn child
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    sex = models.CharField(max_length=20, choices=Sex.choices, default=Sex.NOT_KNOWN)
    ethnicity = models.CharField(max_length=100, blank=True)
    first_language = models.CharField(max_length=100, blank=True)
    religion = models.CharField(max_length=100, blank=True)
    # The DfE disability codes that apply, separated by spaces ("NONE": no disability; blank:
    # not known), read by the returns as recorded.
    disabilities = models.CharField(max_length=100, blank=True)
    # Unique in the council when given (the partial unique index below also serves look-ups by
    # NHS number).
    nhs_number = models.CharField(max_length=10, blank=True, validators=[validate_nhs_number])
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    # When the report that gave the address on record arrived: R22 replaces it only with a
    # newer one (an older report read late must not move the family back).
    address_reported_at = models.DateTimeField(null=True, blank=True)
    # A restricted record (a member of staff's family, a protected address): who may see it is
    # decided by its `Restriction` (below); this says that it is one.
    restricted = models.BooleanField(default=False)
    # A duplicate merged into another record stays, pointing at the one kept (nothing is lost).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Search columns, derived from the names on every save (`refresh_search_keys`): matching
    # blocks on them with an index, then scores only the few rows found (people.matching).
    search_first_name = models.CharField(max_length=100, blank=True, editable=False)
    search_last_name = models.CharField(max_length=100, blank=True, editable=False)
    first_name_key = models.CharField(max_length=8, blank=True, editable=False)
    surname_key = models.CharField(max_length=8, blank=True, editable=False)
    surname_last_key = models.CharField(max_length=8, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "people"
        constraints = [
            # Two records of one council with one NHS number would be one child twice: merge
            # them instead. Each council keeps its own records, so a child who moved has one in
            # each council that knows them; across councils the NHS number is what "known
            # elsewhere" finds them by (people.matching.known_to, docs/councils.md). The NHS
            # number first, so that the index also serves look-ups by NHS number alone.
            models.UniqueConstraint(
                fields=["nhs_number", "council"],
                condition=~models.Q(nhs_number=""),
                name="person_nhs_number_unique_in_council",
            ),
        ]
        indexes = [
            models.Index(fields=["date_of_birth"], name="person_dob"),
            # Name keys with the date of birth: a name block narrowed to a few years around the
            # date given stays small even for the commonest names.
            models.Index(
                fields=["surname_key", "first_name_key", "date_of_birth"],
                name="person_surname_key_dob",
            ),
            models.Index(
                fields=["surname_last_key", "first_name_key", "date_of_birth"],
                name="person_surname_last_key_dob",
            ),
            models.Index(fields=["search_last_name", "search_first_name"], name="person_name"),
            # A first name searched alone ("Kayden"), or with a date of birth (search app).
            models.Index(fields=["first_name_key", "date_of_birth"], name="person_first_name_dob"),
            # A name searched alone ("Smith"), the newest first: one index per way it can match.
            models.Index(fields=["first_name_key", "id"], name="person_first_newest"),
            models.Index(fields=["surname_key", "id"], name="person_surname_newest"),
            models.Index(fields=["surname_last_key", "id"], name="person_last_newest"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.refresh_search_keys()
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "search_first_name",
                "search_last_name",
                "first_name_key",
                "surname_key",
                "surname_last_key",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("people:person", args=[self.pk])

    @property
    def disabilities_display(self) -> str:
        return disabilities_display(self.disabilities)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or "Name not known"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def refresh_search_keys(self) -> None:
        """Derive the search columns from the names, and tidy the postcode and NHS number."""
        for name, value in search_keys(self.first_name, self.last_name)._asdict().items():
            setattr(self, name, value)
        self.nhs_number = compact_nhs_number(self.nhs_number)
        if self.postcode:
            try:
                self.postcode = normalise_postcode(self.postcode)
            except ValueError:
                self.postcode = self.postcode.strip().upper()  # kept as given, to be checked


class DetailConflict(models.Model):
    """A detail a report gave that differs from the person's record, kept out of it until a
    worker resolves it (R22): which to keep, who decided and why.

    The record keeps its value meanwhile; nothing is overwritten unseen.
    """

    class Keep(models.TextChoices):
        RECORD = "record", "Keep what the record says"
        REPORT = "report", "Take what the report said"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="conflicts")
    # A Person field ("first_name", "date_of_birth", "address", ...).
    attribute = models.CharField(max_length=40)
    # The two values as found when linking: text, an ISO date, or {address, postcode}.
    on_record = models.JSONField()
    given = models.JSONField()
    # Where the report's value came from: the contact, and the reported child or adult.
    source = models.CharField(max_length=20)
    reported = models.JSONField(default=dict)
    found_at = models.DateTimeField()
    kept = models.CharField(max_length=10, choices=Keep.choices, blank=True)
    reason = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["found_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(resolved_at__isnull=True, kept="")
                    | models.Q(resolved_at__isnull=False) & ~models.Q(kept="")
                ),
                name="conflict_resolved_with_a_choice",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.person}: {self.given_text} or {self.on_record_text}"

    @property
    def label(self) -> str:
        return CONFLICT_LABELS.get(self.attribute, self.attribute.replace("_", " ").capitalize())

    def _as_text(self, value) -> str:
        if isinstance(value, dict):
            return ", ".join(part for part in (value.get("address"), value.get("postcode")) if part)
        if self.attribute in ("date_of_birth", "expected_date_of_birth"):
            day = dt.date.fromisoformat(value)
            return f"{day.day} {day:%B %Y}"
        if self.attribute == "gender":
            return Gender(value).label if value in Gender.values else str(value)
        if self.attribute == "sex":
            return Sex(value).label if value in Sex.values else str(value)
        if self.attribute == "disabilities":
            return disabilities_display(value)
        return str(value)

    @property
    def on_record_text(self) -> str:
        return self._as_text(self.on_record)

    @property
    def given_text(self) -> str:
        return self._as_text(self.given)


CONFLICT_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "gender": "Gender",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "first_language": "First language",
    "religion": "Religion",
    "address": "Address",
    "disabilities": "Disability",
}


class ExternalIdentifier(models.Model):
    """A person's id in another of the council's systems, so a re-import finds them again."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    source_system = models.CharField(max_length=50)
    external_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["source_system", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="person_identifier_once_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_system} {self.external_id}"


class PhoneNumber(models.Model):
    """A telephone number a person was known on (R22: new numbers from a contact are added)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_numbers")
    number = models.CharField(max_length=40)
    # Digits only, so '0151 000 0000' and '01510000000' are one number.
    digits = models.CharField(max_length=40, editable=False)
    source = models.CharField(max_length=200, blank=True)  # e.g. the contact reference
    added_at = models.DateTimeField(auto_now_add=True)
    # A number no longer in use is kept, marked, never deleted.
    current = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-current", "-added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "digits"], name="phone_once_per_person")
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.digits = phone_digits(self.number)
        super().save(*args, **kwargs)


def phone_digits(number: str) -> str:
    """'+44 151 000 0000' and '0151 000 0000' -> '01510000000'."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    return digits


class Household(models.Model):
    """People living at one address together, over a period."""

    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The council whose records link its members (`screening.linking`): an address is personal
    # data, kept apart as the members' records are (`policy.row_security`).
    council = council_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Household at {self.postcode or 'an unknown address'}"


class HouseholdMember(models.Model):
    """A person's membership of a household: ended_on is null while they still live there."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)  # the contact that told us
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["household", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(ended_on__isnull=True),
                name="one_current_membership_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.household}"


class Relationship(models.Model):
    """`person` is the `kind` of `other` (Jo is the mother of Ellis), recorded once per pair."""

    class Kind(models.TextChoices):
        MOTHER = "mother", "Mother"
        FATHER = "father", "Father"
        STEP_PARENT = "step_parent", "Step-parent"
        PARENT = "parent", "Parent"
        PARENTS_PARTNER = "parents_partner", "Parent's partner"
        GRANDPARENT = "grandparent", "Grandparent"
        SIBLING = "sibling", "Sibling"
        AUNT_OR_UNCLE = "aunt_or_uncle", "Aunt or uncle"
        CARER = "carer", "Carer"
        FOSTER_CARER = "foster_carer", "Foster carer"
        PARTNER = "partner", "Partner"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # As the report words it ("Mum's partner"), kept beside the kind it was read as.
    described_as = models.CharField(max_length=200, blank=True)
    parental_responsibility = models.CharField(
        max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    source = models.CharField(max_length=200, blank=True)  # the contact reference
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "other", "kind"], name="relationship_once_per_pair_and_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("other")), name="relationship_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is the {in_sentence(self.get_kind_display())} of {self.other}"


class Involvement(models.Model):
    """A period of work with a person: from this system or imported from another (R18-R21)."""

    class Kind(models.TextChoices):
        EARLY_HELP = "early_help", "Early help"
        SOCIAL_CARE = "social_care", "Children's social care"
        CHILD_PROTECTION_PLAN = "child_protection_plan", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after"
        CONTACT = "contact", "Contact"
        REFERRAL = "referral", "Referral"
        MISSING_EPISODE = "missing_episode", "Missing episode"

    class ClosureReason(models.TextChoices):
        """The DfE's reasons for closing a child in need episode (CBDS N00103)."""

        ADOPTED = "RC1", "Adopted"
        DIED = "RC2", "Died"
        CHILD_ARRANGEMENTS_ORDER = "RC3", "Child arrangements order"
        SPECIAL_GUARDIANSHIP_ORDER = "RC4", "Special guardianship order"
        TRANSFERRED_TO_ANOTHER_COUNCIL = "RC5", "Transferred to services of another local authority"
        TRANSFERRED_TO_ADULT_SERVICES = "RC6", "Transferred to adult social care services"
        SERVICES_CEASED = (
            "RC7",
            "Services ceased for any other reason, including child no longer in need",
        )
        NO_FURTHER_ACTION_AFTER_ASSESSMENT = (
            "RC8",
            "Case closed after assessment, no further action",
        )
        EARLY_HELP_AFTER_ASSESSMENT = (
            "RC9",
            "Case closed after assessment, referred to early help",
        )

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="involvements")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)  # null: still open
    allocated_worker = models.CharField(max_length=200, blank=True)
    allocated_worker_email = models.EmailField(blank=True)
    # R19: the contact goes to the allocated worker and to their line manager.
    line_manager = models.CharField(max_length=200, blank=True)
    line_manager_email = models.EmailField(blank=True)
    team = models.CharField(max_length=200, blank=True)
    # What the case record says of a social care involvement that the CIN census needs when it
    # closes the referral's episode: why it ended, when its assessment was authorised, and the
    # section 47's initial conference (held on a date, or found not to be needed).
    closure_reason = models.CharField(max_length=3, choices=ClosureReason.choices, blank=True)
    assessment_authorised_on = models.DateField(null=True, blank=True)
    initial_conference_on = models.DateField(null=True, blank=True)
    conference_not_required = models.BooleanField(default=False)
    # Which system it came from ("frontdoor", "mosaic", "liquidlogic", "early-help-module")
    # and its id there: an import run twice updates rather than doubles.
    source_system = models.CharField(max_length=50, default="frontdoor")
    external_id = models.CharField(max_length=100)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="involvement_once_per_source"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["person", "kind", "ended_on"], name="involvement_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.started_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def is_open_on(self, day: dt.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)


# How a correction shows a detail that was empty. Rows kept before it was shown in words stored
# "(blank)"; they are read, never rewritten (the history of corrections is append-only).
NOT_RECORDED = "Not recorded"
_EMPTY_AS_STORED = frozenset({"", "(blank)"})


def correction_value_shown(stored: str) -> str:
    """A correction's before or after as a page shows it: an empty detail in words."""
    return NOT_RECORDED if stored.strip() in _EMPTY_AS_STORED else stored


class Correction(models.Model):
    """One detail of a child's or adult's record corrected after intake, and why.

    The right to rectification (UK GDPR article 16), and what the statutory returns ask a worker
    to "record on the child's record". The record is a person or a child or adult as a contact
    reported them (intake sits above people, so it is named by its model label and id). What it
    said before stays here, with who corrected it, when and why; the audit trail has the entry.
    """

    record_type = models.CharField(max_length=100)  # "people.person", "intake.reportedchild"...
    record_id = models.PositiveBigIntegerField()
    # The contact the reported child or adult belongs to, so its page lists the corrections.
    contact_reference = models.CharField(max_length=20, blank=True)
    field = models.CharField(max_length=50)
    label = models.CharField(max_length=100)
    before = models.TextField(blank=True)  # as the page showed it
    after = models.TextField(blank=True)
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField()
    # The council of the record corrected: what it said before and after is that council's
    # alone (`policy.row_security`).
    council = council_field()

    class Meta:
        ordering = ["-corrected_at", "-id"]
        indexes = [
            models.Index(fields=["record_type", "record_id"], name="correction_record"),
            models.Index(fields=["contact_reference"], name="correction_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.label} corrected on {self.corrected_at:%Y-%m-%d %H:%M}"

    @property
    def before_shown(self) -> str:
        return correction_value_shown(self.before)

    @property
    def after_shown(self) -> str:
        return correction_value_shown(self.after)


class Restriction(models.Model):
    """Only the named users may open this person's record and the contacts about them (R45).

    For a record that must not be read by everyone with the role to read it: a member of staff's
    own family, a colleague's neighbour, a protected address. Everyone else still sees that the
    record exists and whom to ask (so nobody records a second child by mistake), never its
    content. `people.restrictions` says whom a restriction hides a record from; privacy's pages
    set and lift them (`privacy.restrictions`).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="restrictions")
    allowed_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="restrictions_named_on"
    )
    # Whom everyone else asks: a name or a team ("Head of Service, Children's Social Care").
    ask = models.CharField(max_length=200)
    reason = models.TextField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()
    # A lifted restriction stays on record (and in its history), with who lifted it and when.
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[allowed_users])

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            # One restriction in force per person: the names on it are the whole answer.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_restriction_in_force_per_person",
            )
        ]
        indexes = [models.Index(fields=["person", "lifted_at"], name="restriction_in_force")]

    def __str__(self) -> str:
        return f"Restricted record: ask {self.ask}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
