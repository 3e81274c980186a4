"""The shape of a council policy file, checked when the system starts.

A policy file is YAML; `policy.loader` reads it and validates it against `Policy`. Everything that
differs from council to council lives here as data: code names no council (ARCHITECTURE decision 3).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from frontdoor.policy.concerns import Concern
from frontdoor.policy.rag import Rag


class Strict(BaseModel):
    """A section of a policy file: unknown keys are mistakes, and nothing changes once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(StrEnum):
    """How a timescale counts (DOMAIN.md, "How clocks are read")."""

    CLOCK_HOURS = "clock_hours"
    CORE_HOURS = "core_hours"
    WORKING_DAYS = "working_days"
    # "On the same day": by the end of the London calendar day on which the clock starts. It has
    # no length: a procedure that says "the same day" gives no number of hours.
    SAME_DAY = "same_day"


class TimescaleKey(StrEnum):
    """Every timescale the front door keeps, each with the rule that sets it."""

    CONTACT_PROGRESSED = "contact_progressed"  # R25
    WRITTEN_FOLLOW_UP = "written_follow_up"  # R3
    MASH_ENQUIRY_RED = "mash_enquiry_red"  # R36
    MASH_ENQUIRY_AMBER = "mash_enquiry_amber"  # R36
    MASH_ENQUIRY_GREEN = "mash_enquiry_green"  # R36
    STRATEGY_MEETING = "strategy_meeting"  # R40
    REFERRER_FEEDBACK = "referrer_feedback"  # R30
    CHILD_SEEN = "child_seen"  # R31
    ASSESSMENT_COMPLETED = "assessment_completed"  # Working Together: 45 working days
    INITIAL_CHILD_PROTECTION_CONFERENCE = "initial_child_protection_conference"  # 15 working days


class StartEvent(StrEnum):
    """The events from which a clock can run."""

    CONTACT_RECEIVED = "contact_received"
    PHONE_CONTACT_RECEIVED = "phone_contact_received"
    AGENCY_ALERTED = "agency_alerted"
    PROTECTION_CONCERNS_IDENTIFIED = "protection_concerns_identified"
    DECISION_RECORDED = "decision_recorded"
    ASSESSMENT_DECIDED = "assessment_decided"
    REFERRAL_ACCEPTED = "referral_accepted"
    STRATEGY_DISCUSSION_HELD = "strategy_discussion_held"
    ESCALATION_STEP_STARTED = "escalation_step_started"


# Which start events each timescale may name: the code starts each clock at one point, so a policy
# naming another start would silently be ignored. Each entry also carries the words the reference
# page uses for it.
TIMESCALES: dict[TimescaleKey, tuple[str, str, frozenset[StartEvent]]] = {
    TimescaleKey.CONTACT_PROGRESSED: (
        "R25",
        "A contact is progressed, with a manager's decision",
        frozenset({StartEvent.CONTACT_RECEIVED}),
    ),
    TimescaleKey.WRITTEN_FOLLOW_UP: (
        "R3",
        "The written referral follows a telephone referral of immediate concerns",
        frozenset({StartEvent.PHONE_CONTACT_RECEIVED}),
    ),
    TimescaleKey.MASH_ENQUIRY_RED: (
        "R36",
        "A partner agency returns a Red MASH enquiry",
        frozenset({StartEvent.AGENCY_ALERTED}),
    ),
    TimescaleKey.MASH_ENQUIRY_AMBER: (
        "R36",
        "A partner agency returns an Amber MASH enquiry",
        frozenset({StartEvent.AGENCY_ALERTED}),
    ),
    TimescaleKey.MASH_ENQUIRY_GREEN: (
        "R36",
        "A partner agency returns a Green MASH enquiry",
        frozenset({StartEvent.AGENCY_ALERTED}),
    ),
    TimescaleKey.STRATEGY_MEETING: (
        "R40",
        "A strategy meeting is held",
        frozenset({StartEvent.PROTECTION_CONCERNS_IDENTIFIED}),
    ),
    TimescaleKey.REFERRER_FEEDBACK: (
        "R30",
        "A professional referrer is told the outcome",
        frozenset({StartEvent.DECISION_RECORDED}),
    ),
    TimescaleKey.CHILD_SEEN: (
        "R31",
        "The child is seen",
        frozenset({StartEvent.ASSESSMENT_DECIDED}),
    ),
    TimescaleKey.ASSESSMENT_COMPLETED: (
        "Working Together 2023",
        "A Child and Family assessment is completed",
        frozenset({StartEvent.REFERRAL_ACCEPTED}),
    ),
    TimescaleKey.INITIAL_CHILD_PROTECTION_CONFERENCE: (
        "Working Together 2023",
        "An initial child protection conference is held",
        frozenset({StartEvent.STRATEGY_DISCUSSION_HELD}),
    ),
}

START_EVENT_WORDS: dict[StartEvent, str] = {
    StartEvent.CONTACT_RECEIVED: "the contact is received",
    StartEvent.PHONE_CONTACT_RECEIVED: "the telephone referral is received",
    StartEvent.AGENCY_ALERTED: "the partner agency is alerted",
    StartEvent.PROTECTION_CONCERNS_IDENTIFIED: "child protection concerns are identified",
    StartEvent.DECISION_RECORDED: "the manager's decision is recorded",
    StartEvent.ASSESSMENT_DECIDED: "an assessment is decided",
    StartEvent.REFERRAL_ACCEPTED: "the referral is accepted",
    StartEvent.STRATEGY_DISCUSSION_HELD: "the strategy discussion that starts the enquiry is held",
    StartEvent.ESCALATION_STEP_STARTED: "the step starts",
}


class Timescale(Strict):
    """A length of time, how it counts, and the event it runs from."""

    # None only for `same_day`, which has no length.
    length: Annotated[Decimal, Field(gt=0, le=10_000)] | None = None
    unit: Unit
    starts: StartEvent

    @model_validator(mode="after")
    def _length_fits_unit(self) -> Timescale:
        if self.unit == Unit.SAME_DAY:
            if self.length is not None:
                raise ValueError("a same_day timescale takes no length: it ends with the day")
            return self
        if self.length is None:
            raise ValueError(f"a timescale in {self.unit.value} needs a length")
        if self.unit == Unit.WORKING_DAYS and self.length != self.length.to_integral_value():
            raise ValueError("a timescale in working days must be a whole number of days")
        return self

    def duration_in_words(self) -> str:
        """'6 core hours', '1 working day', '24 hours', 'the same day'."""
        if self.length is None:
            return "the same day"
        length = self.length.normalize()
        unit = {
            Unit.CLOCK_HOURS: ("hour", "hours"),
            Unit.CORE_HOURS: ("core hour", "core hours"),
            Unit.WORKING_DAYS: ("working day", "working days"),
        }[self.unit][0 if length == 1 else 1]
        return f"{length:f} {unit}"

    def in_words(self) -> str:
        """'6 core hours from when the partner agency is alerted'; 'the same day child protection
        concerns are identified'."""
        if self.unit == Unit.SAME_DAY:
            return f"the same day {START_EVENT_WORDS[self.starts]}"
        return f"{self.duration_in_words()} from when {START_EVENT_WORDS[self.starts]}"

    def due_in_words(self) -> str:
        """For a sentence saying when something happens: 'within 24 hours from when ...',
        'on the same day ...'."""
        return f"{'on' if self.unit == Unit.SAME_DAY else 'within'} {self.in_words()}"


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class OpeningHours(Strict):
    opens: dt.time
    closes: dt.time

    @field_validator("opens", "closes", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        # YAML 1.1 reads an unquoted 9:00 as the number 540: insist on "HH:MM".
        if isinstance(value, str) and _HHMM.match(value):
            return value
        if isinstance(value, dt.time):
            return value
        raise ValueError(f'give a time as HH:MM in quotes, such as "09:00" (got {value!r})')

    @model_validator(mode="after")
    def _opens_before_closing(self) -> OpeningHours:
        if self.opens >= self.closes:
            raise ValueError("opens must be before closes")
        return self


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)


class Calendar(Strict):
    """Core hours (R32), England and Wales bank holidays, and the council's own closure days."""

    core_hours: dict[Weekday, OpeningHours | None]
    bank_holidays: Literal["england_and_wales"] = "england_and_wales"
    closure_days: list[dt.date] = []

    @field_validator("core_hours")
    @classmethod
    def _every_weekday(cls, value: dict[str, OpeningHours | None]) -> dict:
        missing = [day for day in WEEKDAYS if day not in value]
        if missing:
            raise ValueError(
                "give core hours (or null when closed) for every weekday; "
                f"missing: {', '.join(missing)}"
            )
        if not any(value.values()):
            raise ValueError("at least one weekday must have core hours")
        return value


class Council(Strict):
    name: str
    ons_code: Annotated[str, Field(pattern=r"^E0[6-9]\d{6}$")]
    # The DfE's three-digit local authority number, used in the CIN census header.
    dfe_la_number: Annotated[str, Field(pattern=r"^\d{3}$")]


class ContactNumbers(Strict):
    mash: str
    edt: str
    mash_email: str | None = None


# R33: the ways into MASH the Sefton report gives. They are not enquiry criteria (R34): a
# council's file lists the routes it uses under `mash_routes`, and either list lets a contact in.
MashRouteKey = Literal[
    "strategy_threshold",
    "more_information_needed",
    "anonymous_referral",
    "manager_discretion",
]
MASH_ROUTE_KEYS: frozenset[str] = frozenset(get_args(MashRouteKey))


class MashRoute(Strict):
    """One route into the MASH process (R33): judged by the MASH, not measured from the record."""

    key: MashRouteKey
    label: str


class MashCriterion(Strict):
    """One of the MASH enquiry criteria (R34), with the parameters that make it measurable."""

    key: Literal[
        "harm_or_neglect",
        "domestic_abuse",
        "re_referral",
        "child_exploitation",
        "missing",
    ]
    label: str
    # re_referral: within_months; missing: longer_than_hours, times_in_calendar_month and
    # within_months (how far back episodes count)
    within_months: int | None = None
    longer_than_hours: int | None = None
    times_in_calendar_month: int | None = None

    @model_validator(mode="after")
    def _parameters(self) -> MashCriterion:
        needs = {
            "re_referral": ("within_months",),
            # within_months: how far back missing episodes count.
            "missing": ("longer_than_hours", "times_in_calendar_month", "within_months"),
        }.get(self.key, ())
        for name in ("within_months", "longer_than_hours", "times_in_calendar_month"):
            value = getattr(self, name)
            if name in needs and value is None:
                raise ValueError(f"criterion {self.key} needs {name}")
            if name not in needs and value is not None:
                raise ValueError(f"criterion {self.key} takes no {name}")
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be more than 0")
        return self


class OutcomeEffect(StrEnum):
    """What the system does when an outcome is recorded (the outcomes table of DOMAIN.md)."""

    NO_FURTHER_ACTION = "no_further_action"
    EARLY_HELP = "early_help"
    ASSESSMENT = (
        "assessment"  # s17 Child and Family assessment: the contact becomes a referral (R29)
    )
    STRATEGY_DISCUSSION = "strategy_discussion"  # s47: the duty manager is alerted at once (R23)
    EMERGENCY_LEGAL_ACTION = "emergency_legal_action"
    ALLOCATED_WORKER = "allocated_worker"  # R19
    TRANSFER_TO_COUNCIL = "transfer_to_council"  # R17


class RagMeaning(Strict):
    """What a RAG rating means (R35), where it leads after MASH (R38), and its enquiry timescale."""

    meaning: str
    progression: str
    # R38: the effects of the outcomes that follow this RAG once it is the confirmed final RAG;
    # any other (but routing to an allocated worker or another council) is a recorded departure.
    leads_to: Annotated[list[OutcomeEffect], Field(min_length=1)]
    enquiry_timescale: TimescaleKey
    # R35: with an immediate need, agencies present at the strategy meeting, not in writing.
    immediate_need_presents_at_strategy_meeting: bool = False


class Outcome(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str
    levels: list[Annotated[int, Field(ge=1, le=4)]]
    effect: OutcomeEffect
    becomes_referral: bool = False
    # Who is told at once when this outcome is decided (R23: the duty and assessment team manager
    # for a strategy discussion; the early help hub for early help). An e-mail address.
    notify: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class Agency(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    kind: Literal[
        "social_care",
        "police",
        "health",
        "education",
        "early_help",
        "probation",
        "housing",
        "youth_justice",
        "substance_misuse",
        "mental_health",
        "domestic_abuse",
        "other",
    ]
    # Not among the agencies the council's published MASH documents list (the Sefton leaflet
    # names those its MASH enquiries go to): the council's own addition, marked as such where
    # agencies are listed to staff.
    own_addition: bool = False
    # The partner agency on the service this agency is, when it answers for several councils
    # (Merseyside Police for five): every council whose policy names the same `partner` sends
    # to the one agency, whose users see and answer all their enquiries in one list
    # (`policy.partners`). Without it the agency is this council's alone, as on a service of
    # one council.
    partner: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] | None = None


class ConsentReason(Strict):
    key: Literal["increased_risk", "prejudice_crime", "unjustified_delay"]
    label: str


class Consent(Strict):
    """Consent and information sharing (R12-R16)."""

    own_consent_from_age: Annotated[int, Field(ge=10, le=18)]  # R13
    required_at_levels: list[Annotated[int, Field(ge=1, le=4)]]  # R16
    may_be_dispensed_at_levels: list[Annotated[int, Field(ge=1, le=4)]]  # R16
    not_sought_reasons: list[ConsentReason]  # R14
    sharing_without_consent_authorised_by: Literal["mash_manager", "service_manager"]  # R14
    re_sought_each_episode: bool  # R12
    return_referrals_without_consent: bool  # R15

    def may_be_set_aside_at(self, level: int | None) -> bool:
        """R14, R16: may a manager's authorisation stand in for consent for work at `level`?
        Only at the levels the council lets consent be dispensed with (level 4, child
        protection); elsewhere consent is required whatever was authorised."""
        return level in self.may_be_dispensed_at_levels

    def reason_labels(self) -> dict[str, str]:
        """R14: each reason for not seeking consent, by its key, in the council's words."""
        return {reason.key: reason.label for reason in self.not_sought_reasons}


class EscalationStep(Strict):
    name: str
    who: str
    timescale: Timescale | None = None
    note: str | None = None


MeetingKind = Literal["mash_case_discussion", "early_help_case_discussion", "strategy_meeting"]
MEETING_WORDS: dict[str, str] = {
    "mash_case_discussion": "MASH case discussion",
    "early_help_case_discussion": "early help case discussion",
    "strategy_meeting": "strategy meeting",
}


class MeetingFirstStep(Strict):
    """R39: a disagreement with the outcome of these meetings goes first to this step (the
    Sefton report: to the service manager), before the escalation steps."""

    meetings: Annotated[list[MeetingKind], Field(min_length=1)]
    step: EscalationStep

    def meetings_in_words(self) -> str:
        """'MASH case discussion or strategy meeting'."""
        return " or ".join(MEETING_WORDS[kind] for kind in self.meetings)


class Escalation(Strict):
    """Escalation of professional disagreement (R39, R42, R43)."""

    recorded_by: list[Literal["telephone", "face_to_face", "online_meeting", "email"]]
    steps: Annotated[list[EscalationStep], Field(min_length=1)]
    meeting_first_step: MeetingFirstStep | None = None

    def steps_for(self, meeting_kind: str | None = None) -> list[EscalationStep]:
        """The steps an escalation goes through: about the outcome of a meeting of
        `meeting_kind`, the meeting's first step comes before the others (R39)."""
        first = self.meeting_first_step
        if first is not None and meeting_kind in first.meetings:
            return [first.step, *self.steps]
        return list(self.steps)


class LevelOfNeedSubdomain(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str


class LevelOfNeedDomain(Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str
    subdomains: list[LevelOfNeedSubdomain]


class IndicatorLine(Strict):
    """An indicator that names a child-protection concern (R28): ticking it records the concern,
    for R28, the MASH criteria (R34) and the RAG suggestion (R35), as ticking the concern would."""

    text: str
    concerns: Annotated[list[Concern], Field(min_length=1)]


class Level(Strict):
    level: Annotated[int, Field(ge=1, le=4)]
    name: str
    overview: str | None = None
    summary: str = ""
    descriptor: str
    voice_of_the_child: str | None = None
    assessment_process: str | None = None
    typical_services_intro: str | None = None
    typical_services: list[str] = []
    exit_strategy: str | None = None
    indicators_intro: str | None = None
    # Each line is its text, or {text, concerns} where it names a child-protection concern.
    indicators: dict[str, list[str | IndicatorLine]] = {}


class LevelOfNeed(Strict):
    """The council's threshold guidance (R26, R27, R5)."""

    source: str
    domains: list[LevelOfNeedDomain]
    levels: list[Level]
    pre_birth_intro: str | None = None
    pre_birth_risk_factors: list[str] = []
    pre_birth_notes: list[str] = []

    @model_validator(mode="after")
    def _consistent(self) -> LevelOfNeed:
        numbers = [level.level for level in self.levels]
        if sorted(numbers) != [1, 2, 3, 4]:
            raise ValueError(f"levels must be 1, 2, 3 and 4, once each (got {numbers})")
        declared = {sub.key for domain in self.domains for sub in domain.subdomains}
        for level in self.levels:
            unknown = sorted(set(level.indicators) - declared)
            if unknown:
                raise ValueError(
                    f"level {level.level} lists indicators under sub-domains not declared in "
                    f"domains: {', '.join(unknown)}"
                )
        return self


class Screening(Strict):
    """The look-back periods screening uses (R21, R29)."""

    # R21: social care involvement closed less than this many months ago is flagged.
    social_care_closed_within_months: Annotated[int, Field(ge=1, le=60)]
    # R29: a referral within this many months of a previous referral is a re-referral.
    re_referral_within_months: Annotated[int, Field(ge=1, le=60)]
    # R21, R23: who is told at once when screening finds child-protection concerns or social
    # care closed within the months above: the MASH managers' shared inbox. An e-mail address.
    managers_alert_email: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None
    # R24: the concerns that are a suspected crime, of which the police are told at once. A
    # decision waits until the police are recorded as told, or a manager records why not.
    crime_concerns: list[Concern] = []
    # R18 across councils on one service ("known elsewhere"): whether this council tells the
    # other councils on the service that a child they screen is known here, with whom to ask
    # (its MASH's number and address, never the details), and is told the same by them. Only
    # between two councils whose policies both say true.
    known_elsewhere: StrictBool = False


class MissingPattern(Strict):
    """Missing episodes long or frequent enough to count (R9, R34): longer than so many hours, or
    so many times in one calendar month, counting episodes from so many months back."""

    longer_than_hours: Annotated[int, Field(gt=0)]
    times_in_calendar_month: Annotated[int, Field(gt=0)]
    within_months: Annotated[int, Field(gt=0)]


class Exploitation(Strict):
    """R41: what brings the exploitation coordinator into MASH and strategy meetings."""

    # Child-protection concerns (R28) that bring the coordinator in, recorded by screening or
    # named by a ticked indicator.
    coordinator_concerns: list[Concern] = [Concern.EXPLOITATION, Concern.FREQUENT_MISSING]
    # R9, R34: long or frequent missing episodes bring the coordinator in as those concerns do.
    coordinator_missing: MissingPattern | None = None


class Retention(Strict):
    """How long records are kept before review (UK GDPR, R45)."""

    contact_no_further_action_years: Annotated[int, Field(ge=1, le=100)]
    referral_years: Annotated[int, Field(ge=1, le=100)]


# The DfE's code lists for the statutory returns (R46), as the policy may name them. Their labels,
# and how records map onto them, are in `frontdoor.returns.codes`.
ReferralSourceCode = Literal[
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
]  # fmt: skip
EthnicityCode = Literal[
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
]  # fmt: skip
ClosureReasonCode = Literal["RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9"]
AgencyKind = Literal[
    "social_care",
    "police",
    "health",
    "education",
    "early_help",
    "probation",
    "housing",
    "youth_justice",
    "substance_misuse",
    "mental_health",
    "domestic_abuse",
    "other",
]
ChannelKey = Literal[
    "online_form", "telephone", "in_person", "letter", "email", "edt", "police_notification", "api"
]  # fmt: skip
ReferrerTypeKey = Literal["professional", "public", "family", "anonymous"]


class ReferralSourceRule(Strict):
    """One way to read a report's referrer as a DfE referral source code (R46).

    A rule fits a report when every condition it gives holds: the channel, the referrer type,
    a whole word or phrase in the referrer's organisation, job title or relationship to the child,
    or the kind of the policy's agency the referrer belongs to. The first rule that fits gives
    the code; a report no rule fits is listed as data to fix, never guessed.
    """

    code: ReferralSourceCode
    channel: list[ChannelKey] = []
    referrer_type: list[ReferrerTypeKey] = []
    words: list[Annotated[str, Field(min_length=1)]] = []
    agency_kinds: list[AgencyKind] = []

    @model_validator(mode="after")
    def _some_condition(self) -> ReferralSourceRule:
        if not (self.channel or self.referrer_type or self.words or self.agency_kinds):
            # A rule with no condition would give every report its code: a guess, not a mapping.
            raise ValueError(
                f"the rule for {self.code} gives no channel, referrer_type, words or agency_kinds"
            )
        return self


class CinCensusSettings(Strict):
    """Choices the DfE's guidance leaves to the council for the children in need census."""

    # A referral closed with no further action before any assessment (ReferralNFA): the code
    # set keeps RC8 and RC9 for cases closed *after* assessment (the DfE's rule 8825Q queries
    # them without one), so the default is RC7; a council reading its guide otherwise sets it.
    referral_nfa_closure_reason: ClosureReasonCode = "RC7"


class Returns(Strict):
    """How what the front door records maps to the DfE's and Ofsted's codes (R46)."""

    referral_sources: list[ReferralSourceRule] = []
    # Ethnicity as staff and referrers type it, to the DfE code. The DfE's codes and their own
    # labels ("White British", "Any other White background") are always understood; these add
    # the council's spellings. Keys are matched ignoring case, spaces and punctuation.
    ethnicity: dict[Annotated[str, Field(min_length=1)], EthnicityCode] = {}
    cin_census: CinCensusSettings = CinCensusSettings()


class RecordSystem(Strict):
    """A council case record that takes the children the front door routes to it (R44).

    `effects` are the outcome effects whose children it takes: a child decided for one of them
    is handed off to this record (docs/handoff.md). Where it is reached (its webhook address and
    secret) is the deployment's setting, not the policy's.
    """

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    effects: Annotated[list[OutcomeEffect], Field(min_length=1)]


# R44: social care's children to the social care record, early help's to the early help record.
DEFAULT_RECORD_SYSTEMS = (
    RecordSystem(
        key="social_care",
        name="Children's social care case record",
        effects=[
            OutcomeEffect.ASSESSMENT,
            OutcomeEffect.STRATEGY_DISCUSSION,
            OutcomeEffect.EMERGENCY_LEGAL_ACTION,
            OutcomeEffect.ALLOCATED_WORKER,
            OutcomeEffect.TRANSFER_TO_COUNCIL,
        ],
    ),
    RecordSystem(
        key="early_help",
        name="Early help record",
        effects=[OutcomeEffect.EARLY_HELP],
    ),
)


class HandOffs(Strict):
    """Which case record takes the children of each routing outcome (R44)."""

    record_systems: list[RecordSystem] = list(DEFAULT_RECORD_SYSTEMS)

    @model_validator(mode="after")
    def _one_record_each(self) -> HandOffs:
        keys = [system.key for system in self.record_systems]
        if len(set(keys)) != len(keys):
            raise ValueError("handoffs.record_systems: each key must be used once")
        seen: set[OutcomeEffect] = set()
        for system in self.record_systems:
            if OutcomeEffect.NO_FURTHER_ACTION in system.effects:
                raise ValueError(
                    f"handoffs: {system.key} cannot take no_further_action: "
                    "no further action routes no child"
                )
            twice = seen.intersection(system.effects)
            if twice:
                raise ValueError(
                    "handoffs: each effect goes to one record system; "
                    + ", ".join(sorted(twice))
                    + " is named twice"
                )
            seen.update(system.effects)
        return self

    def record_system_for(self, effect: OutcomeEffect | str) -> RecordSystem | None:
        """The record that takes a child decided with `effect`, or None: no hand-off."""
        for system in self.record_systems:
            if OutcomeEffect(effect) in system.effects:
                return system
        return None

    def record_system(self, key: str) -> RecordSystem | None:
        """The record system `key` names, or None. Keys are lower case (`RecordSystem.key`), so
        one typed in capitals (LCS) names the same record, as whoever types it expects."""
        key = key.strip().lower()
        return next((system for system in self.record_systems if system.key == key), None)


class Policy(Strict):
    """A council's policy file."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    version: Annotated[str, Field(min_length=1, max_length=40)]
    title: str
    council: Council
    contact_numbers: ContactNumbers
    calendar: Calendar
    timescales: dict[TimescaleKey, Timescale | None]
    mash_routes: list[MashRoute] = []  # R33
    mash_criteria: list[MashCriterion] = []  # R34
    rag: dict[Rag, RagMeaning]
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    agencies: Annotated[list[Agency], Field(min_length=1)]
    strategy_meeting_required_agencies: list[str]
    consent: Consent
    escalation: Escalation
    level_of_need: LevelOfNeed
    screening: Screening
    exploitation: Exploitation = Exploitation()
    retention: Retention | None = None
    returns: Returns = Returns()
    handoffs: HandOffs = HandOffs()  # R44

    @model_validator(mode="before")
    @classmethod
    def _routes_listed_as_criteria(cls, data: Any) -> Any:
        """Versions stored before routes had their own list named them among the criteria:
        read those as routes, so every stored version still loads as it was decided."""
        if not isinstance(data, dict) or not isinstance(data.get("mash_criteria"), list):
            return data
        routes: list[Any] = []
        criteria: list[Any] = []
        for item in data["mash_criteria"]:
            is_route = isinstance(item, dict) and item.get("key") in MASH_ROUTE_KEYS
            (routes if is_route else criteria).append(item)
        if not routes:
            return data
        return {
            **data,
            "mash_routes": [*data.get("mash_routes", []), *routes],
            "mash_criteria": criteria,
        }

    @field_validator("timescales")
    @classmethod
    def _start_events_fit(cls, value: dict[TimescaleKey, Timescale | None]) -> dict:
        for key, timescale in value.items():
            if timescale is None:
                continue
            allowed = TIMESCALES[key][2]
            if timescale.starts not in allowed:
                raise ValueError(
                    f"{key.value} runs from {', '.join(sorted(allowed))}, "
                    f"not {timescale.starts.value}"
                )
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Policy:
        if set(self.rag) != set(Rag):
            raise ValueError("rag must give a meaning for red, amber and green")
        agency_keys = {agency.key for agency in self.agencies}
        if len(agency_keys) != len(self.agencies):
            raise ValueError("agencies: each key must be used once")
        partners = [agency.partner for agency in self.agencies if agency.partner]
        if len(set(partners)) != len(partners):
            raise ValueError(
                "agencies: each partner must be named once: two of the council's agencies "
                "cannot be the same partner agency"
            )
        unknown = [key for key in self.strategy_meeting_required_agencies if key not in agency_keys]
        if unknown:
            raise ValueError(
                "strategy_meeting_required_agencies names agencies not in agencies: "
                + ", ".join(unknown)
            )
        outcome_keys = [outcome.key for outcome in self.outcomes]
        if len(set(outcome_keys)) != len(outcome_keys):
            raise ValueError("outcomes: each key must be used once")
        criteria = [criterion.key for criterion in self.mash_criteria]
        if len(set(criteria)) != len(criteria):
            raise ValueError("mash_criteria: each key must be used once")
        routes = [route.key for route in self.mash_routes]
        if len(set(routes)) != len(routes):
            raise ValueError("mash_routes: each key must be used once")
        if not routes and not criteria:
            # R33, R34: with neither, no contact could ever go to MASH.
            raise ValueError("give mash_routes or mash_criteria: the ways a contact goes to MASH")
        return self

    # Reads used across the system, so that each question has one answer.

    def timescale(self, key: TimescaleKey | str) -> Timescale | None:
        """The council's timescale for `key`, or None when the policy leaves it unset."""
        return self.timescales.get(TimescaleKey(key))

    def offers_mash_route(self, key: str) -> bool:
        """Whether the council uses this route into MASH (R33): pages offer only those."""
        return any(route.key == key for route in self.mash_routes)

    def agency(self, key: str) -> Agency:
        for agency in self.agencies:
            if agency.key == key:
                return agency
        raise KeyError(key)

    def agency_name(self, key: str) -> str:
        """The agency's name as pages and exports show it; a key the policy no longer lists (an
        old record's) is shown as it was stored, never dropped."""
        for agency in self.agencies:
            if agency.key == key:
                return agency.name
        return key

    def outcome(self, key: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.key == key:
                return outcome
        raise KeyError(key)
