"""What the returns read: children contacted, decisions in force, referrals (R1, R25, R29, R46).

Returns count children, not contacts (ARCHITECTURE decision 1): every row here is one child of
one contact. Reads stream (`.values()` with `.iterator()`): a large council's year is hundreds of
thousands of rows, and memory must stay flat. A decision counts when it is the child's latest
as at the end of the period: a decision superseded within the period did not happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from frontdoor.intake.models import ReportedChild
from frontdoor.people.models import Involvement, disability_codes
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import of_served_council
from frontdoor.returns.codes import Referrer
from frontdoor.screening.models import Decision, FollowUp, Referral

CHUNK = 2_000
RESTRICTED_NAME = "A restricted record"

# What a return needs of a reported child, its person record and the report that named it.
_CHILD_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "unborn",
    "unborn_at_contact",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "sex",
    "ethnicity",
    "disabilities",
    "person_id",
    "person__restricted",
    "person__date_of_birth",
    "person__expected_date_of_birth",
    "person__gender",
    "person__sex",
    "person__ethnicity",
    "person__disabilities",
    "contact__reference",
    "contact__received_at",
    "report__channel",
    "report__referrer_type",
    "report__referrer_agency",
    "report__referrer_role",
    "report__referrer_relationship",
    "report__recorded_by__agency_key",
)


@dataclass(frozen=True)
class ChildFacts:
    """One child of one contact, as the returns report them."""

    key: str  # the child's id in every return: P<person> once known, else R<reported child>
    reference: str  # the contact's reference, for the list of data to fix
    name: str
    unborn: bool
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None
    gender: str
    sex: str  # "male", "female" or "" (not recorded)
    ethnicity: str
    disabilities: tuple[str, ...]  # DfE codes; ("NONE",) for none; () when not recorded
    contacted_on: dt.date
    referrer: Referrer
    person_id: int | None = None  # the person record screening linked the child to, if any
    reported_id: int = 0  # the child as the contact reported them (intake.ReportedChild)
    # R5: the child was unborn when the contact was made, and the expected date given for them
    # (kept once the birth is recorded): a birth after the contact is then no fault.
    unborn_at_contact: bool = False
    expected_date_given: dt.date | None = None

    def born_after(self, day: dt.date) -> bool:
        """Whether the date of birth on record is after `day`."""
        return self.date_of_birth is not None and self.date_of_birth > day

    def as_on(self, day: dt.date) -> ChildFacts:
        """The child as they were on `day` (a census reference date): a child unborn at the
        contact and born after `day` was still unborn then, with the expected date given.

        A birth after `day` of a child not reported unborn, or with no expected date known, is
        left as it is: a fault the returns list."""
        if not (self.unborn_at_contact and self.born_after(day) and self.expected_date_given):
            return self
        return replace(
            self, unborn=True, date_of_birth=None, expected_date_of_birth=self.expected_date_given
        )


def child_key(*, person_id: int | None, reported_child_id: int) -> str:
    # Alphanumeric and short, as the DfE's LAchildID must be (rules 1570, 1580); the person's id
    # once screening has linked the child, so one child reported twice is one child.
    return f"P{person_id}" if person_id else f"R{reported_child_id}"


def _given(*values: str) -> str:
    """The first value recorded: a blank or "not known" is no answer."""
    return next((value for value in values if value and value != "not_known"), "")


def recorded_sex(
    *, person_sex: str, reported_sex: str, person_gender: str, reported_gender: str
) -> str:
    """A child's sex for the returns: the person record's, else as the contact reported or
    corrected it; records from before sex was asked hold only gender, read when male or female.

    The one answer every return reads (Annex A, the CIN census), so a correction shows in each.
    """
    sex = _given(person_sex, reported_sex)
    if sex:
        return sex
    gender = _given(person_gender, reported_gender)
    return gender if gender in ("male", "female") else ""


def recorded_disabilities(*, person: str, reported: str) -> tuple[str, ...]:
    """A child's DfE disability codes: the person record's when recorded, else the contact's."""
    return tuple(disability_codes(person) or disability_codes(reported))


def child_values(prefix: str = "") -> list[str]:
    return [prefix + name for name in _CHILD_FIELDS]


def child_facts(row: dict[str, Any], prefix: str = "") -> ChildFacts:
    """A child's facts from a `.values()` row: the person record's, where screening linked one."""

    def get(name: str) -> Any:
        return row[prefix + name]

    date_of_birth = get("person__date_of_birth") or get("date_of_birth")
    expected = get("person__expected_date_of_birth") or get("expected_date_of_birth")
    gender = _given(get("person__gender"), get("gender")) or "not_known"
    name = " ".join(part for part in (get("first_name"), get("last_name")) if part)
    if get("person__restricted"):
        # R45: the returns count every child, but the lists of data to fix, read by analysts,
        # never name a restricted one: the contact's reference says where to ask.
        name = RESTRICTED_NAME
    return ChildFacts(
        key=child_key(person_id=get("person_id"), reported_child_id=get("id")),
        reference=get("contact__reference"),
        name=name or ("Unborn child" if get("unborn") else "Name not known"),
        unborn=date_of_birth is None and bool(get("unborn") or expected),
        date_of_birth=date_of_birth,
        expected_date_of_birth=None if date_of_birth else expected,
        gender=gender,
        sex=recorded_sex(
            person_sex=get("person__sex"),
            reported_sex=get("sex"),
            person_gender=get("person__gender"),
            reported_gender=get("gender"),
        ),
        ethnicity=(get("person__ethnicity") or get("ethnicity") or "").strip(),
        disabilities=recorded_disabilities(
            person=get("person__disabilities"), reported=get("disabilities")
        ),
        contacted_on=get("contact__received_at").astimezone(LONDON).date(),
        referrer=Referrer(
            channel=get("report__channel"),
            referrer_type=get("report__referrer_type"),
            agency=get("report__referrer_agency"),
            role=get("report__referrer_role"),
            relationship=get("report__referrer_relationship"),
            recorder_agency_key=get("report__recorded_by__agency_key") or "",
        ),
        person_id=get("person_id"),
        reported_id=get("id"),
        unborn_at_contact=bool(get("unborn") or get("unborn_at_contact")),
        expected_date_given=expected,
    )


def bounds(*, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants from London midnight starting `start` to London midnight ending `end`."""
    first = dt.datetime.combine(start, dt.time(), tzinfo=LONDON)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    return first, after


def on_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def children_contacted(*, start: dt.date, end: dt.date) -> Iterator[ChildFacts]:
    """Every child of every contact of the council served received from `start` to `end`
    (London dates), oldest first."""
    first, after = bounds(start=start, end=end)
    rows = (
        ReportedChild.objects.filter(
            of_served_council("contact__council"),
            contact__received_at__gte=first,
            contact__received_at__lt=after,
        )
        .order_by("contact__received_at", "id")
        .values(*child_values())
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield child_facts(row)


def decisions_in_force(*, before: dt.datetime) -> QuerySet[Decision]:
    """Each child of the council served, by their latest decision recorded before `before`."""
    later = Decision.objects.filter(
        child_id=OuterRef("child_id"), sequence__gt=OuterRef("sequence"), decided_at__lt=before
    )
    return Decision.objects.filter(
        of_served_council("contact__council"), decided_at__lt=before
    ).filter(~Exists(later))


def _follow_up_done(kind: str) -> Subquery:
    return Subquery(
        FollowUp.objects.filter(decision_id=OuterRef("pk"), kind=kind)
        .order_by("id")
        .values("done_at")[:1]
    )


def section_47_started_on(
    *, decided_on: dt.date, strategy_discussion_on: dt.date | None
) -> dt.date:
    """When a section 47 enquiry started, for every return: the strategy discussion that started
    it when it is recorded as held, else the decision that called for it (STATUTORY.md)."""
    return strategy_discussion_on or decided_on


@dataclass(frozen=True)
class DecidedChild:
    """A child whose decision in force at the end of the period was made within it."""

    child: ChildFacts
    decided_on: dt.date
    effect: str
    outcome_label: str
    child_seen_on: dt.date | None
    strategy_discussion_on: dt.date | None

    @property
    def s47_started_on(self) -> dt.date:
        return section_47_started_on(
            decided_on=self.decided_on, strategy_discussion_on=self.strategy_discussion_on
        )


def children_decided(*, start: dt.date, end: dt.date, effects: set[str]) -> Iterator[DecidedChild]:
    """Children whose decision in force at the end of the period has one of `effects` and was
    made within the period, in the order decided."""
    first, after = bounds(start=start, end=end)
    rows = (
        decisions_in_force(before=after)
        .filter(decided_at__gte=first, outcome_effect__in=sorted(effects))
        .annotate(
            child_seen_at=_follow_up_done(FollowUp.Kind.CHILD_SEEN),
            strategy_discussion_at=_follow_up_done(FollowUp.Kind.STRATEGY_DISCUSSION),
        )
        .order_by("decided_at", "id")
        .values(
            "decided_at",
            "outcome_effect",
            "outcome_label",
            "child_seen_at",
            "strategy_discussion_at",
            *child_values("child__"),
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield DecidedChild(
            child=child_facts(row, "child__"),
            decided_on=on_date(row["decided_at"]),
            effect=row["outcome_effect"],
            outcome_label=row["outcome_label"],
            child_seen_on=on_date(row["child_seen_at"]) if row["child_seen_at"] else None,
            strategy_discussion_on=(
                on_date(row["strategy_discussion_at"]) if row["strategy_discussion_at"] else None
            ),
        )


@dataclass(frozen=True)
class ReferralFacts:
    """A referral (R29) and the decision in force for its child at the end of the period."""

    child: ChildFacts
    referred_on: dt.date
    is_re_referral: bool
    primary_need: str
    # The child's decision in force at the end of the period: still a referral, or not (NFA).
    latest_effect: str
    latest_becomes_referral: bool
    latest_decided_on: dt.date
    # When the strategy discussion the decision in force called for was held, if it was.
    latest_strategy_discussion_on: dt.date | None = None

    @property
    def s47_started_on(self) -> dt.date:
        return section_47_started_on(
            decided_on=max(self.latest_decided_on, self.referred_on),
            strategy_discussion_on=self.latest_strategy_discussion_on,
        )


def referrals(*, start: dt.date, end: dt.date) -> Iterator[ReferralFacts]:
    """The council served's referrals made from `start` to `end` (London dates), the oldest
    first."""
    first, after = bounds(start=start, end=end)
    in_force = decisions_in_force(before=after).filter(child_id=OuterRef("child_id"))
    rows = (
        Referral.objects.filter(
            of_served_council("contact__council"), referred_at__gte=first, referred_at__lt=after
        )
        .annotate(
            latest_effect=Subquery(in_force.values("outcome_effect")[:1]),
            latest_becomes_referral=Subquery(in_force.values("becomes_referral")[:1]),
            latest_decided_at=Subquery(in_force.values("decided_at")[:1]),
            latest_primary_need=Subquery(in_force.values("primary_need")[:1]),
            latest_strategy_discussion_at=Subquery(
                in_force.annotate(held=_follow_up_done(FollowUp.Kind.STRATEGY_DISCUSSION)).values(
                    "held"
                )[:1]
            ),
        )
        .order_by("referred_at", "id")
        .values(
            "referred_at",
            "is_re_referral",
            "decision__primary_need",
            "latest_effect",
            "latest_becomes_referral",
            "latest_decided_at",
            "latest_primary_need",
            "latest_strategy_discussion_at",
            *child_values("child__"),
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        referred_on = on_date(row["referred_at"])
        latest_at = row["latest_decided_at"]
        yield ReferralFacts(
            child=child_facts(row, "child__"),
            referred_on=referred_on,
            is_re_referral=row["is_re_referral"],
            # A revised decision that keeps the referral may restate the primary need.
            primary_need=row["latest_primary_need"] or row["decision__primary_need"] or "",
            latest_effect=row["latest_effect"] or "",
            latest_becomes_referral=bool(row["latest_becomes_referral"]),
            latest_decided_on=on_date(latest_at) if latest_at else referred_on,
            latest_strategy_discussion_on=(
                on_date(row["latest_strategy_discussion_at"])
                if row["latest_strategy_discussion_at"]
                else None
            ),
        )


@dataclass(frozen=True)
class SocialCareSpell:
    """A social care involvement from the council's case record, as the CIN census reads it."""

    started_on: dt.date
    ended_on: dt.date | None
    closure_reason: str
    assessment_authorised_on: dt.date | None = None
    initial_conference_on: dt.date | None = None
    conference_not_required: bool = False
    # The involvement's id in the case record, to import it again with what is missing.
    source_system: str = ""
    external_id: str = ""


def social_care_spells(person_ids: Iterable[int]) -> dict[int, list[SocialCareSpell]]:
    """Each person's social care involvements (imported from the case record), oldest first."""
    spells: dict[int, list[SocialCareSpell]] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        rows = (
            Involvement.objects.filter(
                person_id__in=ids[start : start + CHUNK], kind=Involvement.Kind.SOCIAL_CARE
            )
            .order_by("person_id", "started_on", "id")
            .values(
                "person_id",
                "started_on",
                "ended_on",
                "closure_reason",
                "assessment_authorised_on",
                "initial_conference_on",
                "conference_not_required",
                "source_system",
                "external_id",
            )
        )
        for row in rows:
            # The row less its person is a spell; the stubs type the row as a fixed dict.
            spells.setdefault(row.pop("person_id"), []).append(SocialCareSpell(**row))  # type: ignore[misc]
    return spells
