"""Reading MASH enquiries and the daily briefing, with need-to-know applied in the query (R11,
R41, R45).

A partner agency's user loads only the requests sent to their agency, by page, API or export;
MASH staff see every request. A contact about a restricted person is left out for anyone the
restriction does not name, whatever their role. What a partner sees of the contact leaves out the
identity of a referrer who is not a professional (R11).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize
from django.utils import dateformat

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import can
from frontdoor.accounts.roles import PARTNER_ROLES, Role, is_partner
from frontdoor.intake.models import Consent as ReferrerConsent
from frontdoor.intake.models import (
    Contact,
    MissingEpisode,
    ReferrerType,
    Report,
    ReportedAdult,
    ReportedChild,
)
from frontdoor.intake.selectors import children_hidden_from, seen_by
from frontdoor.mash.models import (
    AgencyRequest,
    AgencyRequestQuerySet,
    Answer,
    BriefingAction,
    Enquiry,
    ExploitationScreening,
    RagReview,
    request_figures,
    request_late_condition,
)
from frontdoor.people.ages import age_on
from frontdoor.people.restrictions import (
    person_hidden_from,
    restrictions_closing_contact,
    whom_to_ask_about_contact,
    whom_to_ask_about_person,
)
from frontdoor.people.selectors import TimelineEntry
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.councils import councils, of_served_council, serving_council
from frontdoor.policy.partners import same_agency
from frontdoor.policy.rag import most_urgent
from frontdoor.policy.registry import current_policy, get_loaded_policy
from frontdoor.policy.row_security import open_to
from frontdoor.policy.schema import Policy, Rag
from frontdoor.screening.consent import (
    ChildConsent,
    SharingPosition,
    consent_day,
    sharing_position,
)
from frontdoor.screening.models import ConsentStatus, Decision
from frontdoor.screening.rag import RagSuggestion
from frontdoor.wording import in_sentence


def _hidden_from(user: User, contact: str) -> Exists:
    """True for rows whose contact (the path `contact`) a restriction hides from `user`."""
    return Exists(restrictions_closing_contact(user, contact=OuterRef(contact)))


def _enquiry_hidden_from(user: User, prefix: str = "") -> Q:
    """True for enquiries (or rows of one, through `prefix`, "enquiry__") `user` may not open: the
    contact is hidden, or the child the enquiry is about is restricted from them (R45)."""
    return Q(_hidden_from(user, f"{prefix}contact")) | Q(
        person_hidden_from(user, person=OuterRef(f"{prefix}child__person"))
    )


def whom_to_ask_about_enquiry(user: User, prefix: str = "") -> Coalesce:
    """Whom to ask about an enquiry (through `prefix`) restricted from `user`, or None (R45)."""
    return Coalesce(
        whom_to_ask_about_contact(user, contact=OuterRef(f"{prefix}contact")),
        whom_to_ask_about_person(user, person=OuterRef(f"{prefix}child__person")),
    )


def _of_agency(
    keys: dict[str, frozenset[str]], council: str = "council", agency: str = "agency_key"
) -> Q:
    """The rows (through `council`, the path of their council) of the agency that each council
    calls by `keys` (`policy.partners.same_agency`), `agency` naming the agency. A service
    holding one council keeps no councils apart, so there only the keys count, as they did
    before councils were data."""
    if not councils().several:
        return Q(**{f"{agency}__in": set().union(*keys.values())})
    # One condition per set of keys, not per council: a partner of many councils is mostly
    # given the same key by each.
    by_keys: dict[frozenset[str], list[str]] = {}
    for key, agency_keys in sorted(keys.items()):
        by_keys.setdefault(agency_keys, []).append(key)
    found = Q(pk__in=[])
    for agency_keys, council_keys in by_keys.items():
        found |= Q(**{f"{council}_id__in": council_keys, f"{agency}__in": sorted(agency_keys)})
    return found


def council_of(enquiry: Enquiry) -> str:
    """The council that sent `enquiry`: its contact's."""
    # The column is never empty (`council_field`); the typing knows only a key or nothing.
    return enquiry.contact.council_id or serving_council()


def policy_of(enquiry: Enquiry) -> Policy:
    """The policy of the council that sent `enquiry`, which a partner answering it from any
    council's address reads it by: the agencies' names, who may be shared about (R12, R13). A
    service of one council has the one policy."""
    if not councils().several:
        return current_policy()
    return get_loaded_policy(council_of(enquiry)).policy


def of_agency_of(user: User, council: str, agency: str = "agency_key") -> Q:
    """The rows of the agency of `user`, a partner agency's user, where `council` is the path of
    a row's council and `agency` the column naming the agency by that council's key: their own
    council's, or any council's on the service naming their agency its partner
    (`policy.partners.same_agency`)."""
    return _of_agency(same_agency(user.council_key, user.agency_key), council, agency)


def sent_to_agency_of(user: User) -> Q:
    """The requests sent to the agency of `user`, a partner agency's user: by their council,
    or by any council on the service naming their agency its partner (`policy.partners`)."""
    return of_agency_of(user, "enquiry__contact__council")


def users_of_agency_asked(request: AgencyRequest, *, managers: bool = False) -> QuerySet[User]:
    """The active users of the agency `request` was sent to, wherever their account is held:
    those a request alerts and chases (`sent_to_agency_of`, the other way round). With
    `managers`, its managers too: an overdue request is what the agency owes, theirs to chase
    (R36)."""
    roles = PARTNER_ROLES if managers else {Role.PARTNER_AGENCY}
    return User.objects.filter(
        _of_agency(same_agency(council_of(request.enquiry), request.agency_key)),
        role__in=sorted(roles),
        is_active=True,
    )


@contextmanager
def agency_councils_open(user: User) -> Iterator[None]:
    """Within the block, the database's wall (`policy.row_security`) is open to every council
    that shares the agency of `user`, a partner agency's user (`policy.partners.same_agency`):
    its list, answers and answering times cross councils on purpose, wherever the user signs
    in. The selectors still keep them to the requests sent to the agency
    (`sent_to_agency_of`). For anyone else nothing is opened."""
    partner = is_partner(user) and can(user, "enquiry.answer")
    with open_to(same_agency(user.council_key, user.agency_key) if partner else ()):
        yield


def requests_visible_to(user: User) -> AgencyRequestQuerySet:
    """The MASH requests `user` may open, none hidden from them (R45): for a partner agency's
    user, those sent to their agency by any council on the service, wherever they sign in
    (`sent_to_agency_of`); for the MASH's staff, any of the council served."""
    requests = AgencyRequest.objects.select_related(
        "enquiry__contact", "enquiry__child", "opinion"
    ).order_by("answered_at", "due_at", "id")
    if is_partner(user):
        if not can(user, "enquiry.answer"):
            return requests.none()
        requests = requests.filter(sent_to_agency_of(user))
    elif not (can(user, "enquiry.send") or can(user, "contact.screen")):
        return requests.none()
    else:
        requests = requests.filter(of_served_council("enquiry__contact__council"))
    return requests.exclude(_enquiry_hidden_from(user, "enquiry__"))


def enquiries_visible_to(user: User) -> QuerySet[Enquiry]:
    if not (can(user, "enquiry.send") or can(user, "contact.screen")):
        return Enquiry.objects.none()
    return (
        Enquiry.objects.filter(of_served_council("contact__council"))
        .exclude(_enquiry_hidden_from(user))
        .select_related("contact", "child", "sent_by")
        .prefetch_related(
            Prefetch("requests", queryset=AgencyRequest.objects.select_related("opinion")),
            "reviews",
        )
    )


def enquiries_awaiting_a_decision(user: User) -> QuerySet[Enquiry]:
    """Enquiries whose final RAG the manager confirmed (R38), closing them, with no decision
    recorded for the child since (R25): the MASH's work on them waits for that decision."""
    decided_since = Decision.objects.filter(
        child=OuterRef("child"), decided_at__gte=OuterRef("closed_at")
    )
    return (
        enquiries_visible_to(user)
        .filter(closed_at__isnull=False, reviews__isnull=False)
        .exclude(contact__state=Contact.State.CLOSED)
        .exclude(Exists(decided_since))
        .distinct()
        .order_by("closed_at", "pk")
    )


def agency_reach(policy: Policy) -> dict[str, str]:
    """For each of the policy's agencies, who can answer its MASH enquiries, in words (R37):
    its users in Front Door, and whether they are alerted by e-mail; or a warning that no one
    can. The agencies' alerts go to the same users (enquiries._agency_addresses)."""
    # A partner of the service counts its users wherever their accounts are held; a service of
    # one council keeps no councils apart (`_of_agency`).
    several = councils().several
    counts: dict[tuple[str, str], Counter[str]] = {}
    for found in (
        User.objects.filter(role=Role.PARTNER_AGENCY, is_active=True)
        .values("council", "agency_key")
        .annotate(users=Count("id"), emailed=Count("id", filter=~Q(email="")))
    ):
        where = (found["council"] if several else "", found["agency_key"])
        counts.setdefault(where, Counter()).update(users=found["users"], emailed=found["emailed"])
    reach = {}
    for agency in policy.agencies:
        row: Counter[str] = Counter()
        for council, keys in same_agency(serving_council(), agency.key).items():
            for key in keys:
                row.update(counts.get((council if several else "", key), Counter()))
        if not row["users"]:
            reach[agency.key] = (
                "Warning: no one can answer. No one in Front Door belongs to this agency, so "
                "no one is alerted or can answer; telephone the agency instead."
            )
            continue
        people = "1 person" if row["users"] == 1 else f"{row['users']} people"
        alerted = (
            "alerted by e-mail"
            if row["emailed"] == row["users"]
            else f"{row['emailed']} of them alerted by e-mail"
        )
        reach[agency.key] = f"Answered in Front Door by {people} at this agency, {alerted}"
    return reach


# R16: a Red enquiry is about significant harm, where consent may be set aside with a manager's
# authorisation (level 4); Amber and Green are child-in-need work, where consent is required.
SHARING_LEVEL = {Rag.RED: 4, Rag.AMBER: 3, Rag.GREEN: 3}


def sharing_allows(*, policy: Policy, sharing: ChildConsent, rag: str) -> tuple[bool, str]:
    """May an enquiry about the child be sent under `rag` with their consent position? With the
    reason (R16). Only the child's own position counts: a sibling's consent is not theirs."""
    return sharing.may_share_at(policy, SHARING_LEVEL[Rag(rag)])


def presents_at_strategy_meeting(*, rag: str, suggested: RagSuggestion) -> bool:
    """R35, R36: an enquiry sent Red where screening found an immediate need asks the agencies
    to present at the strategy meeting: no written answer is due, clocked or chased. The one
    place this is decided, for sending and for what the manager is told before sending."""
    return rag == Rag.RED and suggested.present_at_strategy_meeting


PRESENT_AT_MEETING = (
    "agencies present what they hold at the strategy meeting; no written answer is clocked"
)


@dataclass(frozen=True)
class RagOption:
    """A RAG an enquiry may be sent under, as the manager chooses it (R35, R36, R16)."""

    rag: Rag
    timescale: str  # "2 hours from when the partner agency is alerted", or why there is none
    may_share: bool
    why_not: str
    present_at_strategy_meeting: bool = False

    @property
    def label(self) -> str:
        return f"{self.rag.label}: {self.asked}"

    @property
    def asked(self) -> str:
        """What the agencies will be asked, in words (R35, R36)."""
        if self.present_at_strategy_meeting:
            return PRESENT_AT_MEETING
        return self.timescale


def rag_options(
    *, policy: Policy, sharing: ChildConsent, suggested: RagSuggestion
) -> list[RagOption]:
    """Each RAG with what its agencies are asked, in words, and whether consent allows sending."""
    options = []
    for rag in Rag:
        timescale = policy.timescale(policy.rag[rag].enquiry_timescale)
        may_share, why = sharing_allows(policy=policy, sharing=sharing, rag=rag)
        options.append(
            RagOption(
                rag=rag,
                timescale=timescale.in_words()
                if timescale
                else "the council sets no timescale for agencies to answer",
                may_share=may_share,
                why_not="" if may_share else why,
                present_at_strategy_meeting=presents_at_strategy_meeting(
                    rag=rag, suggested=suggested
                ),
            )
        )
    return options


@dataclass(frozen=True)
class Referrer:
    """Who referred, as a partner agency may see it (R11)."""

    description: str


def referrers_for_partner(reports: list[Report]) -> list[Referrer]:
    """Professionals are named by agency; members of the public, family and anonymous are not."""
    seen: list[Referrer] = []
    for report in reports:
        if report.referrer_type == ReferrerType.PROFESSIONAL:
            words = f"A professional from {report.referrer_agency or 'an agency'}"
        else:
            words = "A member of the public (their identity is protected)"
        if words not in [referrer.description for referrer in seen]:
            seen.append(Referrer(words))
    return seen


def may_go_to_partner(
    *,
    policy: Policy,
    sharing: SharingPosition,
    child: ReportedChild,
    rag: str,
    person: ReportedChild | ReportedAdult,
) -> tuple[bool, str]:
    """May `person`'s information go to a partner agency on an enquiry about `child` sent under
    `rag`? With why not, in words (R12-R16). The one place this is decided: the partner's page
    and API, who a partner answers about, and the manager's check before sending.

    Consent is per person and per child, at the enquiry's level (Red is level 4, Amber and Green
    level 3: R16):

    - `child`, the child the enquiry is about: sending checked their consent already.
    - Another child: their own position, exactly as for an enquiry about them. A young person
      of the policy's age consents for themselves (R13); those with parental responsibility
      consent for a younger child (R12); or a manager recorded an authorisation to share
      about them without consent (R14), which counts only at a level where the policy lets
      consent be set aside (R16: a Red enquiry, level 4). A brother's or sister's consent is
      not theirs.
    - An adult: anyone of the policy's age consents about their own information (R13). Their
      information goes where they gave consent themselves (their latest word, about this
      child where they gave one), or, where nothing they said is recorded, where the referrer's
      account since any refusal is that consent was given. A refusal in the referral is the
      refusal of those with parental responsibility (R12): it stands for each adult until they
      are asked again and consent. Where a manager authorised sharing about `child` without
      consent, the household's adults go with it (R14), at a level where the policy lets
      consent be set aside (R16).
    """

    level = SHARING_LEVEL[Rag(rag)]
    if isinstance(person, ReportedChild):
        if person.pk == child.pk:
            return True, ""
        position = sharing.for_child(person)
        allowed, _ = position.may_share_at(policy, level)
        if allowed:
            return True, ""
        if position.authorisation is not None:
            return False, (
                "sharing about them without consent was authorised, but at this level of need "
                "consent is required"
            )
        if position.own_consent:
            return False, "their own consent has not been given"
        return False, "consent for them has not been given by those with parental responsibility"
    if sharing.for_child(child).authorised_at(policy, level):
        return True, ""
    refused_at = max(
        (at for at, said in sharing.statements if said == ReferrerConsent.REFUSED), default=None
    )
    theirs = [
        entry.record
        for position in sharing.children
        for entry in position.people
        if entry.record is not None
        and entry.record.adult_id == person.pk
        and entry.record.status in (ConsentStatus.GIVEN, ConsentStatus.REFUSED)
        and (refused_at is None or entry.record.recorded_at >= refused_at)
    ]
    if theirs:
        here = [record for record in theirs if record.about_child_id == child.pk]
        latest = max(here or theirs, key=lambda record: (record.recorded_at, record.pk))
        if latest.status == ConsentStatus.GIVEN:
            return True, ""
        return False, "they refused consent to share their information"
    since = {said for at, said in sharing.statements if refused_at is None or at > refused_at}
    if since == {ReferrerConsent.GIVEN}:
        return True, ""
    if refused_at is not None:
        return False, "the referral says the parents refused consent"
    return False, "their own consent has not been given"


def withheld_on_sending(
    *,
    policy: Policy,
    sharing: SharingPosition,
    child: ReportedChild,
    rag: str,
    adults: list[ReportedAdult],
) -> list[tuple[str, str]]:
    """Whom an enquiry about `child` under `rag` would withhold from the agencies, each with
    why, for the manager's check before sending (`may_go_to_partner`)."""
    withheld = []
    everyone: list[ReportedChild | ReportedAdult] = [
        *(position.child for position in sharing.children),
        *adults,
    ]
    for person in everyone:
        allowed, why = may_go_to_partner(
            policy=policy, sharing=sharing, child=child, rag=rag, person=person
        )
        if not allowed:
            withheld.append((str(person), why))
    return withheld


@dataclass(frozen=True)
class PartnerPerson:
    """One person on the contact as a partner agency may see them (R11, R13)."""

    key: str  # "child-12" or "adult-7": the key an answer names
    name: str
    date_of_birth: dt.date | None  # None when withheld
    relationship_to_child: str = ""
    postcode: str = ""
    unborn_due: dt.date | None = None
    # Consent does not allow sharing their information (`may_go_to_partner`): their name, their
    # age where known, and why, nothing more.
    withheld: bool = False
    withheld_age: int | None = None
    withheld_why: str = ""

    @property
    def details(self) -> str:
        if self.withheld:
            age = f"aged {self.withheld_age}, " if self.withheld_age is not None else ""
            return (
                f"{age}in the household; {self.withheld_why}, so nothing more about them is shared"
            )
        words = [self.relationship_to_child] if self.relationship_to_child else []
        if self.date_of_birth:
            words.append(f"born {dateformat.format(self.date_of_birth, 'j F Y')}")
        elif self.unborn_due:
            words.append(f"unborn, due {dateformat.format(self.unborn_due, 'j F Y')}")
        if self.postcode:
            words.append(self.postcode)
        return ", ".join(words)


@dataclass(frozen=True)
class PartnerView:
    """What a partner agency sees of the people an enquiry's contact is about (R12, R13)."""

    people: list[PartnerPerson]
    # People whose information is withheld: the referral's own words may be about them, so the
    # page and the API leave those out too.
    withheld_names: list[str]
    # R45: whom to ask about each child restricted from the reader: not among `people`, and
    # not answered for.
    restricted: list[str] = field(default_factory=list)

    @property
    def referral_words_shared(self) -> bool:
        return not self.withheld_names


def asked_about(*, policy: Policy, enquiry: Enquiry, user: User | None = None) -> list[str]:
    """The people a partner answers for, by key ("child-12", "adult-7"): everyone on the
    contact whose information may go to the partner (`may_go_to_partner`, R12, R13, R37)."""
    return [
        person.key
        for person in partner_view(policy=policy, enquiry=enquiry, user=user).people
        if not person.withheld
    ]


def partner_view(*, policy: Policy, enquiry: Enquiry, user: User | None = None) -> PartnerView:
    """The one place a partner's view of the household is built, for page and API (R12, R13).

    Each person whose information may not go to the partner (`may_go_to_partner`) is named,
    with their age, and nothing more.
    """

    contact = enquiry.contact
    # R45: with `user` (the reader), a child restricted from them is only whom to ask.
    hidden = children_hidden_from(user, contact=contact) if user is not None else {}
    children = [child for child in contact.children.all() if child.pk not in hidden]
    adults = list(contact.adults.all())
    if user is not None:  # R45: a restricted child's names withheld from their words too
        adults = seen_by(user, contact=contact, rows=adults)
    sharing = sharing_position(contact=contact, adults=adults, children=children, policy=policy)
    on = consent_day(contact)
    people: list[PartnerPerson] = []
    withheld: list[str] = []
    everyone: list[ReportedChild | ReportedAdult] = [*children, *adults]
    for person in everyone:
        key = f"{'child' if isinstance(person, ReportedChild) else 'adult'}-{person.pk}"
        allowed, why = may_go_to_partner(
            policy=policy, sharing=sharing, child=enquiry.child, rag=enquiry.rag, person=person
        )
        if not allowed:
            withheld.append(str(person))
            people.append(
                PartnerPerson(
                    key,
                    str(person),
                    None,
                    withheld=True,
                    withheld_age=age_on(person.date_of_birth, on),
                    withheld_why=why,
                )
            )
        elif isinstance(person, ReportedChild):
            people.append(
                PartnerPerson(
                    key,
                    str(person),
                    person.date_of_birth,
                    postcode=person.postcode,
                    unborn_due=person.expected_date_of_birth if person.unborn else None,
                )
            )
        else:
            people.append(
                PartnerPerson(
                    key,
                    str(person),
                    person.date_of_birth,
                    relationship_to_child=person.relationship_to_child,
                )
            )
    return PartnerView(people, withheld, list(hidden.values()))


def council_names() -> dict[str, str]:
    """Each council on the service by key, with its name as its policy gives it."""
    return {key: get_loaded_policy(key).policy.council.name for key in sorted(councils().keys)}


@dataclass(frozen=True)
class AnsweringTimes:
    """How an agency answered the requests it was alerted to in a period, for one council or
    for every council together (R36): by the one definition of each state (`mash.models`)."""

    council: str  # the council's name; "" for every council together
    asked: int
    on_time: int
    late: int
    overdue: int
    waiting: int
    closed: int
    untimed: int  # answered or waiting with no timescale: neither on time nor late
    # The average time from the alert to the answer, of those answered; None when none were.
    average: dt.timedelta | None


def answering_times(user: User, *, since: dt.datetime, now: dt.datetime) -> list[AnsweringTimes]:
    """R36: how the agency of `user`, a partner agency's user, answered the requests alerted to
    it since `since`: for each council that asked, then for every council together. Counts
    only, so a request since restricted (R45) counts without saying about whom."""
    if not is_partner(user) or not can(user, "enquiry.answer"):
        return []
    figures = {
        **request_figures(now),
        "average": Avg(
            ExpressionWrapper(F("answered_at") - F("alerted_at"), output_field=DurationField())
        ),
    }
    requests = AgencyRequest.objects.filter(sent_to_agency_of(user), alerted_at__gte=since)
    names = council_names()
    rows = [
        AnsweringTimes(
            council=names.get(row.pop("enquiry__contact__council"), ""),
            **row,
        )
        for row in requests.values("enquiry__contact__council")
        .annotate(**figures)
        .order_by("enquiry__contact__council")
    ]
    rows.sort(key=lambda row: row.council)
    return [*rows, AnsweringTimes(council="", **requests.aggregate(**figures))]


@dataclass(frozen=True)
class AnswererTimes:
    """How one person of an agency answered one council's requests in a period (R36)."""

    council: str  # the council's name; "" on a service of one council
    name: str
    answered: int
    late: int
    average: dt.timedelta | None


@dataclass(frozen=True)
class OwedRequest:
    """A request of the agency's on its asking council's clock, for its manager (R36)."""

    request: AgencyRequest
    council: str  # the council that asked; "" on a service of one council
    state: str  # as `CLOCK_WORDS`, or "no timescale", "present at the strategy meeting"
    late_by: dt.timedelta | None


@dataclass(frozen=True)
class AgencyOversight:
    """What a partner agency's manager sees of its answering across councils (R36)."""

    answerers: list[AnswererTimes]
    late: list[OwedRequest]  # answered late in the period, the latest first
    owed: list[OwedRequest]  # still asked, whenever alerted, the soonest due first
    owed_total: int  # every request still owed, those not listed included
    owed_restricted: int  # still owed, about a record now restricted from the manager (R45)


# The most rows of each of the manager's lists: the counts above them are for every request.
OVERSIGHT_ROWS = 100


def _clock_words(request: AgencyRequest, now: dt.datetime) -> str:
    """Where `request` stands on its council's clock, in the manager's words (R35, R36)."""
    clock = request.state(now)  # R36: the one definition
    if clock == AgencyRequest.State.WAITING and request.enquiry.present_at_strategy_meeting:
        return "present at the strategy meeting"  # R35: no written answer is due
    if clock == AgencyRequest.State.WAITING and request.due_at is None:
        return "no timescale"
    return CLOCK_WORDS[clock]


def agency_oversight(user: User, *, since: dt.datetime, now: dt.datetime) -> AgencyOversight | None:
    """R36: for `user`, a partner agency's manager, their agency's answering across the
    councils that ask it: each of its people's answers to each council since `since`, the late
    ones, and what it still owes, each by the clock of the council that asked. None for anyone
    else. The lists leave out a record restricted from the manager (R45): the figures count it,
    the lists say only how many."""
    if not is_partner(user) or not can(user, "enquiry.oversee"):
        return None
    several = councils().several
    names = council_names() if several else {}
    sent = AgencyRequest.objects.filter(sent_to_agency_of(user))
    answered = (
        sent.filter(alerted_at__gte=since, opinion__isnull=False)
        .values("enquiry__contact__council", "opinion__answered_by")
        .annotate(
            answered=Count("id"),
            late=Count("id", filter=request_late_condition()),
            average=Avg(
                ExpressionWrapper(F("answered_at") - F("alerted_at"), output_field=DurationField())
            ),
        )
    )
    rows = list(answered)
    people = User.objects.in_bulk({row["opinion__answered_by"] for row in rows})
    answerers = sorted(
        (
            AnswererTimes(
                council=names.get(row["enquiry__contact__council"], ""),
                name=str(people[row["opinion__answered_by"]]),
                answered=row["answered"],
                late=row["late"],
                average=row["average"],
            )
            for row in rows
        ),
        key=lambda row: (row.council, row.name),
    )
    visible = requests_visible_to(user).select_related("enquiry__child", "opinion__answered_by")

    def owed(request: AgencyRequest) -> OwedRequest:
        return OwedRequest(
            request,
            names.get(council_of(request.enquiry), ""),
            _clock_words(request, now),
            request.late_by(now),
        )

    late = visible.late().filter(alerted_at__gte=since).order_by("-answered_at", "-id")
    still = visible.still_asked().order_by(F("due_at").asc(nulls_last=True), "alerted_at", "id")
    return AgencyOversight(
        answerers=answerers,
        late=[owed(request) for request in late[:OVERSIGHT_ROWS]],
        owed=[owed(request) for request in still[:OVERSIGHT_ROWS]],
        owed_total=sent.still_asked().count(),
        owed_restricted=sent.still_asked().filter(_enquiry_hidden_from(user, "enquiry__")).count(),
    )


def requests_restricted_from(user: User) -> QuerySet[AgencyRequest]:
    """The requests sent to a partner's agency that a restriction hides from `user`, each
    annotated with whom to ask (`ask`): the partner's list says such an enquiry was sent and
    is now restricted, never about whom, rather than dropping it without a word (R45)."""
    if not is_partner(user) or not can(user, "enquiry.answer"):
        return AgencyRequest.objects.none()
    return (
        AgencyRequest.objects.filter(sent_to_agency_of(user))
        .filter(_enquiry_hidden_from(user, "enquiry__"))
        .annotate(ask=whom_to_ask_about_enquiry(user, "enquiry__"))
        .only("id", "alerted_at", "due_at", "answered_at")
        .order_by("alerted_at", "id")
    )


def open_enquiries_restricted_from(user: User) -> list[str]:
    """Whom to ask about each open enquiry a restriction hides from `user`: the list says such
    an enquiry exists, never about whom (R45)."""
    if not (can(user, "enquiry.send") or can(user, "contact.screen")):
        return []
    return list(
        Enquiry.objects.filter(
            of_served_council("contact__council"),
            _enquiry_hidden_from(user),
            closed_at__isnull=True,
        )
        .annotate(ask=whom_to_ask_about_enquiry(user))
        .order_by("sent_at", "pk")
        .values_list("ask", flat=True)
    )


@dataclass(frozen=True)
class RequestState:
    request: AgencyRequest
    agency_name: str
    # "answered", "answered late", "waiting", "overdue", "no timescale",
    # "present at the strategy meeting", "closed before an answer"
    state: str
    late_by: dt.timedelta | None


CLOCK_WORDS = {
    AgencyRequest.State.ANSWERED: "answered",
    AgencyRequest.State.LATE: "answered late",
    AgencyRequest.State.OVERDUE: "overdue",
    AgencyRequest.State.WAITING: "waiting",
    AgencyRequest.State.CLOSED: "closed before an answer",
}


def request_states(policy: Policy, enquiry: Enquiry, now: dt.datetime) -> list[RequestState]:
    """Each agency's place on its clock, for the manager (R36)."""
    states = []
    for request in enquiry.requests.all():
        states.append(
            RequestState(
                request,
                policy.agency_name(request.agency_key),
                _clock_words(request, now),
                request.late_by(now),
            )
        )
    return states


def answers_by_agency(enquiry: Enquiry, *, user: User) -> dict[int, list[Answer]]:
    """The agencies' answers about each person, by request, as `user` may read them (R45): an
    answer about a child restricted from them (`children_hidden_from`, the rule the API's and
    the page's people follow) carries whom to ask (`restricted_ask`, else None), and a page
    shows it only as that, neither the child's name nor what was said."""
    hidden = children_hidden_from(user, contact=enquiry.contact)
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(request__enquiry=enquiry).select_related(
        "about_child", "about_adult", "answered_by"
    ):
        answer.restricted_ask = hidden.get(answer.about_child_id)  # type: ignore[attr-defined,arg-type]  # read by the pages
        answers.setdefault(answer.request_id, []).append(answer)
    return answers


def confirmed_final_rag(child: ReportedChild) -> str | None:
    """The final RAG the manager last confirmed for `child` after partners answered (R38)."""
    review = RagReview.objects.filter(enquiry__child=child).order_by("-reviewed_at", "-pk").first()
    return review.rag if review else None


def enquiry_rags(contact_ids: list[int]) -> dict[int, str]:
    """The RAG each contact's MASH enquiries stand at, the most serious of its children's: the
    final RAG the manager confirmed (R38), else the RAG the enquiry went under (R35)."""
    final = {}
    for enquiry_id, rag in (
        RagReview.objects.filter(enquiry__contact_id__in=contact_ids)
        .order_by("reviewed_at", "pk")
        .values_list("enquiry_id", "rag")
    ):
        final[enquiry_id] = rag  # the latest review wins
    by_contact: dict[int, list[str]] = {}
    for enquiry_id, contact_id, rag in Enquiry.objects.filter(
        contact_id__in=contact_ids
    ).values_list("pk", "contact_id", "rag"):
        by_contact.setdefault(contact_id, []).append(final.get(enquiry_id, rag))
    return {contact_id: most_urgent(rags) for contact_id, rags in by_contact.items()}


def enquiry_timeline(person) -> list:
    """The MASH enquiries about every report of `person`, for the person's timeline (R33)."""
    from django.urls import reverse

    return [
        TimelineEntry(
            on=enquiry.sent_at.astimezone(LONDON).date(),
            kind="mash_enquiry",
            title=f"{enquiry.get_rag_display()} MASH enquiry",
            detail=f"{enquiry.asked} agenc{pluralize(enquiry.asked, 'y,ies')} asked. "
            f"{enquiry.reason[:200]}",
            url=reverse("mash:review", args=[enquiry.pk]),
            opens_with="rag.confirm",  # the review page's action (mash.views.review)
            contact_id=enquiry.contact_id,
        )
        for enquiry in Enquiry.objects.filter(child__person=person)
        .select_related("contact")
        .annotate(asked=Count("requests"))
    ]


# R41: what brings a child to the daily briefing, and how much each adds to its place on it.
BRIEFING_DAYS = 90
EXPLOITATION_RISK_SCORES = {"high": 30, "medium": 20, "low": 5}
MISSING_NOW_SCORE = 50
MISSING_RETURNED_SCORE = 10


def briefing_children(user: User) -> QuerySet[ReportedChild]:
    """The children `user` may see on the briefing: those `user` runs it for, each annotated
    with whom to ask (`restricted_ask`) when a restriction hides them from `user` (R41, R45)."""
    if not can(user, "exploitation.brief"):
        return ReportedChild.objects.none()
    children = ReportedChild.objects.filter(of_served_council("contact__council"))
    return children.select_related("contact").annotate(
        # The child's own restriction, or one hiding the whole contact (a restricted adult).
        restricted_ask=Coalesce(
            whom_to_ask_about_person(user),
            whom_to_ask_about_contact(user, contact=OuterRef("contact")),
        )
    )


@dataclass
class ConcernRow:
    """One child on the daily briefing; a restricted child shows only whom to ask (R45)."""

    child: ReportedChild
    reasons: list[str]
    score: int
    actions: list[BriefingAction]

    @property
    def restricted_ask(self) -> str | None:
        return self.child.restricted_ask  # type: ignore[attr-defined]  # annotated by the query


def _day(at: dt.datetime) -> str:
    """A day as the pages give it, with its year ("3 December 2026")."""
    return dateformat.format(at.astimezone(LONDON), "j F Y")


def _time(at: dt.datetime) -> str:
    return dateformat.format(at.astimezone(LONDON), "H:i")


def children_of_concern(*, user: User, today: dt.date) -> list[ConcernRow]:
    """R41: exploitation concerns and current or repeated missing episodes, most concern first.

    Read through `briefing_children`, so a restricted child is listed by whom to ask, never by
    name or reason (R45)."""
    since = today - dt.timedelta(days=BRIEFING_DAYS)
    visible = briefing_children(user)
    screenings = ExploitationScreening.objects.filter(
        assessed_at__date__gte=since, child__in=visible.values("pk")
    )
    episodes = MissingEpisode.objects.filter(
        went_missing_at__date__gte=since, child__in=visible.values("pk")
    )
    children = visible.in_bulk(
        set(screenings.values_list("child_id", flat=True))
        | set(episodes.values_list("child_id", flat=True))
    )
    rows: dict[int, ConcernRow] = {}

    def row(child_id: int) -> ConcernRow:
        return rows.setdefault(child_id, ConcernRow(children[child_id], [], 0, []))

    for screening in screenings:
        entry = row(screening.child_id)
        entry.reasons.append(
            f"Exploitation risk {in_sentence(screening.get_risk_display())}, assessed "
            f"{_day(screening.assessed_at)}"
        )
        entry.score += EXPLOITATION_RISK_SCORES[screening.risk]
    for episode in episodes:
        entry = row(episode.child_id)
        if episode.returned_at is None:
            since = episode.went_missing_at
            entry.reasons.append(f"Missing now, since {_time(since)}, {_day(since)}")
            entry.score += MISSING_NOW_SCORE
        else:
            entry.reasons.append(f"Missing {_day(episode.went_missing_at)}, returned")
            entry.score += MISSING_RETURNED_SCORE
    for action in BriefingAction.objects.filter(child_id__in=rows, on__gte=since):
        rows[action.child_id].actions.append(action)
    for entry in rows.values():
        if entry.restricted_ask:
            # Nothing but that a record exists and whom to ask: no reason, no action agreed.
            entry.reasons, entry.actions = [], []
    return sorted(rows.values(), key=lambda entry: -entry.score)
