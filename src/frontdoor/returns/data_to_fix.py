"""What a return found missing or unmappable, grouped so a worker can put it right (R46).

A return lists what it could not code rather than crashing or writing a silently wrong file.
An item that would make the DfE reject the census (an error under its rules) *blocks* it: the
file is not written. Others (the DfE's queries, blanks in Annex A) are listed beside the file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.urls import reverse

from frontdoor.accounts.permissions import can
from frontdoor.returns.selectors import ChildFacts

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


class FixedAt(StrEnum):
    """The page where a kind of problem is put right."""

    DETAILS = "details"  # the child's Correct details page (people.corrections)
    DECISION = "decision"  # a new decision for the child, on the contact
    CASE_RECORD = "case_record"  # the person's involvements, imported from the case record
    REFERRER = "referrer"  # the contact's report: its referrer, read against the policy file
    NOWHERE = "nowhere"  # a problem of the whole return, not of a record


# The permission that opens each page (accounts.permissions).
OPENS_WITH: dict[FixedAt, str] = {
    FixedAt.DETAILS: "records.correct",
    FixedAt.DECISION: "contact.decide",
    FixedAt.CASE_RECORD: "inbox.view",
    FixedAt.REFERRER: "inbox.view",
    FixedAt.NOWHERE: "",
}


def fix_url(fixed_at: FixedAt, child: ChildFacts) -> str:
    """Where `child`'s problem is corrected (docs/returns.md, "Data to fix").

    Details are corrected where the returns read them: the person record once screening has
    linked the child to one (its details win), else the child as the contact reported them.
    """
    if fixed_at is FixedAt.DETAILS:
        if child.person_id:
            return reverse("people:correct", args=[child.person_id])
        return reverse(
            "screening:correct_reported", args=[child.reference, "child", child.reported_id]
        )
    if fixed_at is FixedAt.DECISION:
        return reverse("screening:decide", args=[child.reference, child.reported_id])
    if fixed_at is FixedAt.CASE_RECORD and child.person_id:
        return reverse("people:person", args=[child.person_id]) + "#involvements"
    if fixed_at is FixedAt.NOWHERE:
        return ""
    return reverse("intake:contact", args=[child.reference])


# Who is shown the children's names in the data to fix: staff who may find a child's record
# by name. Others allowed the returns (a performance analyst) are given the contact's
# reference and the child's id in the returns instead (docs/returns.md, "Data to fix").
NAMES_SHOWN_WITH = "records.search"


def shows_names(user: User) -> bool:
    """Whether `user` is shown children's names in the data to fix, or only their ids."""
    return can(user, NAMES_SHOWN_WITH)


@dataclass(frozen=True)
class Item:
    """One record to fix: which contact (and child), what is wrong, and the page to fix it."""

    reference: str
    about: str  # what is wrong, without the child's name: "born 01/02/2027"
    url: str = ""
    # The child's id in the returns (`selectors.child_key`): two children of one contact with
    # the same name are two things to fix, one child named twice in a list is one.
    child: str = ""
    name: str = ""  # the child's name, for staff who may see it (`shows_names`)

    @property
    def detail(self) -> str:
        """What is wrong, naming the child: "Ellis Example: born 01/02/2027"."""
        return ": ".join(part for part in (self.name, self.about) if part)

    @property
    def identified(self) -> str:
        """What is wrong, giving the child's id instead of the name: "R12: born 01/02/2027"."""
        return ": ".join(part for part in (self.child, self.about) if part)

    def described(self, *, names: bool) -> str:
        return self.detail if names else self.identified


@dataclass(frozen=True)
class Kind:
    """A kind of problem: its summary reads '12 children have no ethnicity recorded'."""

    key: str
    one: str  # "child has no ethnicity recorded"
    many: str  # "children have no ethnicity recorded"
    blocking: bool
    how_to_fix: str
    fixed_at: FixedAt
    counted: bool = True  # False: the summary is `one` alone, for a problem of the whole return

    @property
    def opens_with(self) -> str:
        """The permission that opens the page each item links to."""
        return OPENS_WITH[self.fixed_at]


@dataclass
class Group:
    kind: Kind
    items: list[Item] = field(default_factory=list)

    @property
    def summary(self) -> str:
        count = len(self.items)
        if self.kind.many.startswith("children"):
            # The summary counts children: one child listed on several rows (a date of birth
            # after each of their contacts) is one child to fix.
            count = len({item.child or f"{item.reference} {item.about}" for item in self.items})
        if not self.kind.counted:
            return self.kind.one
        return f"{count} {self.kind.one if count == 1 else self.kind.many}"

    @property
    def blocking(self) -> bool:
        return self.kind.blocking


class DataToFix:
    """The problems a return found, grouped by kind, in the order first found."""

    def __init__(self) -> None:
        self._groups: dict[str, Group] = {}
        self._seen: dict[str, set[tuple[str, str, str]]] = defaultdict(set)

    def add(self, kind: Kind, *, child: ChildFacts | None, detail: str = "") -> None:
        """List `child`'s problem of `kind`, linked to the page where it is fixed; `detail`
        says what is wrong without naming the child (the item carries the name)."""
        url = fix_url(kind.fixed_at, child) if child is not None else ""
        # A referrer's problem is the contact's, however many children it names.
        about_child = kind.fixed_at is not FixedAt.REFERRER
        self._add(
            kind,
            Item(
                reference=child.reference if child else "",
                about=detail,
                url=url,
                child=child.key if child and about_child else "",
                name=child.name if child and about_child else "",
            ),
        )

    def _add(self, kind: Kind, item: Item) -> None:
        seen = (item.reference, item.child, item.about)
        if seen in self._seen[kind.key]:
            return  # one child named twice in a list is one thing to fix
        self._seen[kind.key].add(seen)
        self._groups.setdefault(kind.key, Group(kind)).items.append(item)

    def merge(self, other: DataToFix) -> None:
        """Add everything `other` found, in its order."""
        for group in other._groups.values():
            for item in group.items:
                self._add(group.kind, item)

    def only(self, *, blocking: bool) -> DataToFix:
        """The problems that block a file (`blocking`), or those that do not."""
        kept = DataToFix()
        for group in self._groups.values():
            if group.blocking == blocking:
                for item in group.items:
                    kept._add(group.kind, item)
        return kept

    def rows(self, *, names: bool = True) -> list[list[str]]:
        """Every item, for the CSV of data to fix: what, where, the link to the page where it is
        fixed, and how to fix it; the child named, or (not `names`) given by id."""
        return [
            [
                "Stops the file" if group.blocking else "Listed",
                group.kind.one,
                item.reference,
                item.url,
                item.described(names=names),
                group.kind.how_to_fix,
            ]
            for group in self.groups
            for item in group.items
        ]

    @property
    def groups(self) -> list[Group]:
        # Blocking problems first: they are why a file was not written.
        return sorted(self._groups.values(), key=lambda group: not group.blocking)

    @property
    def blocking(self) -> bool:
        return any(group.blocking for group in self._groups.values())

    def __bool__(self) -> bool:
        return bool(self._groups)

    def lines(self, *, limit: int = 20) -> list[str]:
        """The list as plain text lines, for the command line."""
        lines = []
        for group in self.groups:
            mark = "BLOCKS THE FILE: " if group.blocking else ""
            lines.append(f"- {mark}{group.summary}. {group.kind.how_to_fix}")
            for item in group.items[:limit]:
                lines.append(
                    f"    {item.url}  {item.detail}".rstrip() if item.url else f"    {item.detail}"
                )
            if len(group.items) > limit:
                lines.append(f"    ... and {len(group.items) - limit} more")
        return lines


# The kinds of problem the returns find. Blocking ones would be errors under the DfE's rules
# (their rule numbers are given); the others are the DfE's queries or blanks Ofsted will see.
NO_SOURCE_CODE = Kind(
    "no_source_code",
    "referrer has no referral source code",
    "referrers have no referral source code",
    blocking=True,
    how_to_fix=(
        "Add a rule for them to returns.referral_sources in the council's policy file "
        "(DfE rule 8866)."
    ),
    fixed_at=FixedAt.REFERRER,
)

NO_SOURCE_CODE_CONTACT = Kind(
    "no_contact_source_code",
    "referrer has no contact source code",
    "referrers have no contact source code",
    blocking=False,
    how_to_fix=(
        "Add a rule for them to returns.referral_sources in the council's policy file; "
        "until then the source is left blank."
    ),
    fixed_at=FixedAt.REFERRER,
)

UNMAPPED_ETHNICITY = Kind(
    "unmapped_ethnicity",
    "child has an ethnicity no DfE code is mapped to",
    "children have an ethnicity no DfE code is mapped to",
    blocking=True,
    how_to_fix=(
        "Correct the child's ethnicity, or add the spelling to returns.ethnicity in the "
        "council's policy file (DfE rule 4220)."
    ),
    fixed_at=FixedAt.DETAILS,
)

UNMAPPED_ETHNICITY_LIST = Kind(
    "unmapped_ethnicity_listed",
    "child has an ethnicity no DfE code is mapped to",
    "children have an ethnicity no DfE code is mapped to",
    blocking=False,
    how_to_fix=(
        "Correct the child's ethnicity, or add the spelling to returns.ethnicity in the "
        "council's policy file; until then it is left blank."
    ),
    fixed_at=FixedAt.DETAILS,
)

NO_ETHNICITY = Kind(
    "no_ethnicity",
    "child has no ethnicity recorded",
    "children have no ethnicity recorded",
    blocking=False,
    how_to_fix=(
        "Record it with Correct details on the child's record (linked); until then it is "
        "returned as NOBT."
    ),
    fixed_at=FixedAt.DETAILS,
)

NO_SEX = Kind(
    "no_sex",
    "child has no sex recorded",
    "children have no sex recorded",
    blocking=False,
    how_to_fix=(
        "Record it with Correct details on the child's record (linked); until then it is "
        "returned as not recorded (U)."
    ),
    fixed_at=FixedAt.DETAILS,
)

BORN_AFTER_EVENT = Kind(
    "born_after_event",
    "child's date of birth is after the contact, referral or enquiry listed",
    "children's dates of birth are after the contact, referral or enquiry listed",
    blocking=False,
    how_to_fix=(
        "Correct the date of birth on the child's record (linked). If the child was unborn "
        "when the contact was made, correct the child as the contact reported them instead: "
        "unborn, with the expected date given. A child unborn at the contact may be born after "
        "it; Ofsted's age column is blank for a day before the birth."
    ),
    fixed_at=FixedAt.DETAILS,
)

BORN_AFTER_REFERENCE_DATE = Kind(
    "born_after_reference_date",
    "child's date of birth is after the census reference date",
    "children's dates of birth are after the census reference date",
    blocking=True,
    how_to_fix=(
        "Correct the date of birth on the child's record, or link the report to the right "
        "person. A child the contact reported unborn and born after the reference date is "
        "returned unborn, with the expected date of birth given (DfE rule 8520)."
    ),
    fixed_at=FixedAt.DETAILS,
)

EXPECTED_DATE_OUT_OF_RANGE = Kind(
    "expected_date_out_of_range",
    "unborn child's expected date of birth is outside the census's range",
    "unborn children's expected dates of birth are outside the census's range",
    blocking=False,
    how_to_fix=(
        "Check the expected date of birth: the DfE expects one from 30 days before the census "
        "reference date to 9 months after it. Record the date of birth if the child has been "
        "born, or correct the expected date, with Correct details on the child's record "
        "(DfE query 8530Q)."
    ),
    fixed_at=FixedAt.DETAILS,
)

UN1_GUESSED = Kind(
    "un1_guessed",
    "child with no date of birth is returned as not of school age (UN1), a guess",
    "children with no date of birth are returned as not of school age (UN1), a guess",
    blocking=False,
    how_to_fix=(
        "Record the child's date of birth on their record: the census then gives the right "
        "reason for the missing UPN."
    ),
    fixed_at=FixedAt.DETAILS,
)

NO_DATE_OF_BIRTH = Kind(
    "no_date_of_birth",
    "child has no date of birth recorded",
    "children have no date of birth recorded",
    blocking=False,
    how_to_fix=(
        "Record it with Correct details on the child's record (linked) (DfE query 8525Q; "
        "Ofsted's age column is blank)."
    ),
    fixed_at=FixedAt.DETAILS,
)

NO_PRIMARY_NEED = Kind(
    "no_primary_need",
    "referral has no primary need",
    "referrals have no primary need",
    blocking=True,
    how_to_fix=(
        "A manager records a new decision for the child, with the primary need, on the "
        "decision page (linked) (DfE rule 8610)."
    ),
    fixed_at=FixedAt.DECISION,
)

OVERLAPPING_EPISODES = Kind(
    "overlapping_episodes",
    "child has a referral while an earlier episode is still open",
    "children have a referral while an earlier episode is still open",
    blocking=True,
    how_to_fix=(
        "Front Door does not know when the earlier episode closed: import the case record's "
        "social_care involvement that started on or after the earlier referral, with its "
        "ended_on and closure_reason (import-involvements or the API, "
        "docs/importing-involvements.md); the person's page (linked) shows the involvements "
        "known. Or, if the two reports are not the same child, correct the link on the "
        "contact's screening (DfE rules 8815 and 8820)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

NO_CLOSURE_REASON = Kind(
    "no_closure_reason",
    "child's social care involvement ended with no reason for closure",
    "children's social care involvements ended with no reason for closure",
    blocking=True,
    how_to_fix=(
        "The case record says when the episode ended but not why: import the involvement again "
        "with its closure_reason (RC1 to RC9; docs/importing-involvements.md) (DfE rule 8805)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

ASSESSMENT_NOT_AUTHORISED = Kind(
    "assessment_not_authorised",
    "child's closed episode has an assessment with no authorisation date",
    "children's closed episodes have an assessment with no authorisation date",
    blocking=True,
    how_to_fix=(
        "The case record closed the episode, but Front Door does not know when its assessment "
        "was authorised: import the involvement again with assessment_authorised_on "
        "(docs/importing-involvements.md) (DfE rule 8867)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

CONFERENCE_NOT_KNOWN = Kind(
    "conference_not_known",
    "child's closed episode has a section 47 with no conference date or 'not required'",
    "children's closed episodes have a section 47 with no conference date or 'not required'",
    blocking=True,
    how_to_fix=(
        "The case record closed the episode, but Front Door does not know whether the initial "
        "child protection conference was held: import the involvement again with "
        "initial_conference (a date, or 'not required') (DfE rule 8868)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

CASE_RECORD_DATES_OUT_OF_ORDER = Kind(
    "case_record_dates_out_of_order",
    "child's closed episode has dates from the case record in the wrong order",
    "children's closed episodes have dates from the case record in the wrong order",
    blocking=True,
    how_to_fix=(
        "The case record's dates for the episode cannot all be right: the episode ends before "
        "its assessment or section 47 started or after its conference was held (DfE rule "
        "8565), the assessment is authorised before it started (8608), or the conference is "
        "before the strategy discussion (8615). Correct them in the case record and import "
        "the involvement again (docs/importing-involvements.md)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

CONFERENCE_ON_WEEKEND = Kind(
    "conference_on_weekend",
    "child's initial child protection conference is on a weekend",
    "children's initial child protection conferences are on a weekend",
    blocking=True,
    how_to_fix=(
        "The case record gives a Saturday or Sunday as the day of the initial child protection "
        "conference, which the DfE rejects (rule 8875): correct it in the case record and import "
        "the involvement again (docs/importing-involvements.md)."
    ),
    fixed_at=FixedAt.CASE_RECORD,
)

REFERRED_TOO_EARLY = Kind(
    "referred_too_early",
    "child was referred more than 40 weeks before their date of birth or expected date",
    "children were referred more than 40 weeks before their dates of birth or expected dates",
    blocking=True,
    how_to_fix=(
        "Check the date of birth or expected date of birth, and correct it with Correct details "
        "on the child's record (linked) (DfE rule 8606)."
    ),
    fixed_at=FixedAt.DETAILS,
)

NOTHING_TO_RETURN = Kind(
    "nothing_to_return",
    "No child was referred in the collection year",
    "",
    blocking=True,
    how_to_fix=(
        "The DfE's census needs at least one child: check the year, or return the census "
        "from the social care record."
    ),
    counted=False,
    fixed_at=FixedAt.NOWHERE,
)
