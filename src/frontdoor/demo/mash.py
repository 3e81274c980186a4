"""MASH work for the demo council in every state, so each MASH page has something on it.

A newcomer signing in as the MASH manager finds enquiries with agencies still waiting, one with
partial answers, answered late and overdue (where the council sets MASH timescales: Lewisham sets
none, so its agencies wait with no clock), a final RAG confirmed and waiting for the decision, a
strategy meeting held with an agency's dissent, case discussions, an exploitation screening with
the daily briefing's actions, an open and a resolved escalation, a record restricted to a named
manager, and a contact transferred to the council where the family lives. The demo's partner
users (police, health, a school) each have enquiries to read and answer.

Every row is made by the function the page calls (intake, screening, `mash.enquiries`,
`mash.meetings`, `escalations.services`, `privacy.restrictions`), so clocks, audit entries and
need-to-know are the system's own. Agencies, outcomes and the strategy meeting's members come
from the council's policy. Times are relative to now, as the pages read the clock. Each story's
contact carries a `mash-demo-` submission key and is made once: a story already there is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.demo.areas import area_of, ethnicity_of
from frontdoor.demo.contacts import LONDON, STREETS
from frontdoor.demo.people import match_or_create
from frontdoor.escalations.services import open_escalation, record_discussion
from frontdoor.intake.models import Channel, Contact, Report
from frontdoor.intake.services import record_contact, record_missing_episode
from frontdoor.intake.submissions import Child, Submission
from frontdoor.mash import enquiries, meetings
from frontdoor.mash.enquiries import PersonAnswer
from frontdoor.mash.models import AgencyRequest, Enquiry, Meeting
from frontdoor.people.postcodes import check_postcode
from frontdoor.policy.rag import Rag
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.privacy.restrictions import restrict
from frontdoor.screening.decisions import TransferDetails, record_decision
from frontdoor.screening.findings import save_findings
from frontdoor.screening.police import police_position, record_police_told
from frontdoor.screening.transitions import start_screening

KEY_PREFIX = "mash-demo-"


@dataclass(frozen=True)
class Answer:
    """What one agency holds on a story's child and mother ("": nothing), and its opinion."""

    child: str
    mother: str
    opinion: str


# Each agency answers from its own records, about the story it was asked about.
ANSWERS: dict[str, dict[str, Answer]] = {
    "partial": {
        "police": Answer(
            "",
            "Officers attended a noise complaint at the address in the spring; no arrests.",
            "Nothing criminal known. The call-out suggests a chaotic household: we hold "
            "nothing else on the adults.",
        ),
    },
    "late": {
        "police": Answer(
            "",
            "",
            "No trace of the family or the address on police systems.",
        ),
        "health": Answer(
            "Two A&E attendances in two years: a sprained wrist and a bump to the head, each "
            "explained as a fall.",
            "Registered with the GP; no concerns recorded.",
            "Two minor injuries in two years is not unusual on its own, but with a hand-shaped "
            "mark we advise a child protection medical.",
        ),
    },
    "final-rag": {
        "police": Answer(
            "",
            "Convicted of drink driving two years ago; no child was in the car.",
            "Alcohol misuse is known to us; no domestic abuse has been reported at the address.",
        ),
        "health": Answer(
            "Seen at his two-year review: development on track, immunisations up to date.",
            "Referred to the alcohol service last year; stopped attending after two appointments.",
            "We are worried that mother's drinking has relapsed; Freddie's own health is good.",
        ),
        "education": Answer(
            "Collected late six times this term, twice by a neighbour; clean and fed, often tired.",
            "Staff have smelt alcohol on mother at pick-up twice this half-term.",
            "The school would support a plan with mother's agreement; Freddie is settled in class.",
        ),
    },
    "strategy": {
        "police": Answer(
            "",
            "Her partner (Maja's stepfather) has a caution for assault and two domestic "
            "incidents recorded at a previous address.",
            "The stepfather's history and Maja's account point to a high risk of physical harm: "
            "we support a strategy discussion today.",
        ),
        "health": Answer(
            "Seen by the school nurse in January with a bruised forearm, explained as a fall.",
            "",
            "An earlier unexplained bruise: a child protection medical is needed.",
        ),
        "education": Answer(
            "Attendance 88%, often late; anxious when her stepfather collects her.",
            "Mother engages well with school and has asked for help with Maja's lateness.",
            "Maja has told her teacher before that she is scared of getting things wrong at home.",
        ),
    },
    # The Probation Service's answers, in the two-council demo (PROBATION_STORIES).
    "probation-answered": {
        "probation": Answer(
            "",
            "Her partner is on licence for assault on a former partner; he must tell us of "
            "any new relationship, and had not told us of this one.",
            "He poses a high risk of harm to a partner: we are recalling him to prison and "
            "support a joint visit.",
        )
    },
    "probation-answered-2": {
        "probation": Answer(
            "",
            "",
            "The father is on licence for burglary; no violence is recorded and his "
            "licence allows him to live at the address. We hold nothing on the mother.",
        )
    },
}

# The demo's partner agencies by kind: each has a demo user (`demo.loader`).
PARTNER_KINDS = ("police", "health", "education")


def agency_of_kind(policy: Policy, kind: str) -> str:
    """The key of the council's partner agency of `kind` (its first), or its first agency."""
    for agency in policy.agencies:
        if agency.kind == kind:
            return agency.key
    return policy.agencies[0].key


@dataclass(frozen=True)
class MashStaff:
    officer: User
    worker: User
    manager: User
    service_manager: User
    coordinator: User
    administrator: User
    partners: dict[str, User]  # by agency kind: police, health, education


@dataclass(frozen=True)
class DemoMash:
    stories: int  # the stories made now (0 when already loaded)


def demo_mash_loaded() -> bool:
    return Report.objects.filter(submission_key__startswith=KEY_PREFIX).exists()


def _family(
    *,
    surname: str,
    child: str,
    born: dt.date,
    worry: str,
    postcode: str,
    address: str,
    ethnicity: str,
    phone: str,
    gender: str = "female",
    immediate: bool = False,
    concern_flags: dict[str, str] | None = None,
) -> Submission:
    """One child and a mother, on made-up streets, with consent given: MASH may ask partners."""
    return Submission.model_validate(
        {
            "referrer": {
                "type": "professional",
                "name": "Dana Sampleford",
                "agency": "Exampleton Primary School",
                "role": "Designated safeguarding lead",
                "phone": phone,
                "email": "dana.sampleford@school.example",
            },
            "children": [
                {
                    "first_name": child,
                    "last_name": surname,
                    "date_of_birth": born,
                    "gender": gender,
                    "address": address,
                    "postcode": postcode,
                    "ethnicity": ethnicity,
                    "school_or_nursery": "Exampleton Primary School",
                    "first_language": "English",
                }
            ],
            "adults": [
                {
                    "first_name": "Gemma",
                    "last_name": surname,
                    "gender": "female",
                    "address": address,
                    "postcode": postcode,
                    "relationship_to_child": "Mother",
                    "parental_responsibility": "yes",
                    "lives_with_child": "yes",
                }
            ],
            "concern": {
                "worry": worry,
                "child_location": "At school",
                "immediate_protection_needed": "yes" if immediate else "no",
                "parents_aware": "yes",
                **(concern_flags or {}),
            },
            "consent": {"consent": "given"},
            "referrer_level_of_need": 3,
        }
    )


class _Mash:
    def __init__(self, *, staff: MashStaff, now: dt.datetime):
        self.staff = staff
        self.now = now
        self.today = now.astimezone(LONDON).date()
        self.policy = current_policy()
        self.agencies = {kind: agency_of_kind(self.policy, kind) for kind in PARTNER_KINDS}
        self.area = area_of(self.policy.council.ons_code)

    def home(self, story: str, *, away: bool = False) -> dict[str, Any]:
        """Where a story's family lives: a made-up street at a real postcode of the council's
        area (or, `away`, of a neighbour's), the same each time; its school rings from the
        council's own dialling code."""
        rng = random.Random(f"{KEY_PREFIX}{story}")  # noqa: S311 - made-up data, not secrets
        place = self.area.place(rng, away=away)
        street = f"{rng.randint(1, 60)} {rng.choice(STREETS)}, {place.town}"
        ethnicity = ethnicity_of(rng, self.policy.council.ons_code)
        return {
            "address": street,
            "postcode": place.postcode,
            "ethnicity": ethnicity,
            "phone": f"{self.area.phone_prefix}123",
        }

    def ago(self, **delta) -> dt.datetime:
        return self.now - dt.timedelta(**delta)

    def morning(self, *, days: int) -> dt.datetime:
        """Nine o'clock (London) `days` ago: a story whose clocks end with the day (a same-day
        strategy meeting, R40) starts there, whatever the hour the demo is loaded."""
        day = self.today - dt.timedelta(days=days)
        return dt.datetime.combine(day, dt.time(9), tzinfo=LONDON).astimezone(dt.UTC)

    def years_ago(self, years: int, days: int = 0) -> dt.date:
        return self.today - dt.timedelta(days=years * 365 + days)

    # Steps, each through the domain function a page calls

    def contact(self, key: str, submission: Submission, *, at: dt.datetime) -> Contact:
        return record_contact(
            submission=submission,
            channel=Channel.TELEPHONE,
            received_at=at,
            by=self.staff.officer,
            submission_key=f"{KEY_PREFIX}{key}",
        ).contact

    def screen(self, contact: Contact, *, concerns: list[str], at: dt.datetime) -> None:
        worker = self.staff.worker
        start_screening(contact=contact, by=worker, now=at)
        for child in contact.children.all():
            # R18: the child is found on the council's records, or given one, before partners
            # are asked about them.
            match_or_create(reported=child, by=worker)
        for child in contact.children.all():
            save_findings(
                contact=contact,
                child=child,
                by=worker,
                indicators=[],
                concerns=concerns,
                analysis=(
                    "Spoke to the referrer and checked the records. The picture is unclear: "
                    "partner agencies' information is needed to understand the risk."
                ),
                urgent_action_needed="no",
                more_information_needed=True,
                now=at + dt.timedelta(minutes=20),
            )
        if police_position(policy=self.policy, contact=contact).missing:
            # R24: a suspected crime is reported to the police at once.
            record_police_told(
                contact=contact,
                by=worker,
                told_at=at + dt.timedelta(minutes=25),
                told_whom="Public Protection Unit",
                police_reference=f"PPU-{contact.reference}",
                now=at + dt.timedelta(minutes=25),
            )

    def send(self, contact: Contact, *, rag: str, kinds=PARTNER_KINDS, at: dt.datetime) -> Enquiry:
        return enquiries.send_enquiry(
            contact=contact,
            child=contact.children.get(),
            by=self.staff.manager,
            rag=rag,
            agencies=[agency_of_kind(self.policy, kind) for kind in kinds],
            reason="Concerns of harm in the household: what do partners know of the family?",
            now=at,
        )

    def answer(self, enquiry: Enquiry, kind: str, *, story: str, at: dt.datetime) -> None:
        """The agency's answer for this story: what it holds on the child and the mother (blank:
        nothing known) and its professional opinion."""
        request = enquiry.requests.get(agency_key=agency_of_kind(self.policy, kind))
        contact = enquiry.contact
        answer = ANSWERS[story][kind]
        people = [
            PersonAnswer(child, None, not answer.child, answer.child)
            for child in contact.children.all()
        ] + [
            PersonAnswer(None, adult, not answer.mother, answer.mother)
            for adult in contact.adults.all()
        ]
        enquiries.answer_request(
            request=request,
            by=self.staff.partners[kind],
            answers=people,
            opinion=answer.opinion,
            submission_key=f"{KEY_PREFIX}answer-{request.pk}",
            now=at,
        )

    def review(self, enquiry: Enquiry, *, rag: str, at: dt.datetime) -> None:
        enquiries.review_rag(
            enquiry=enquiry,
            by=self.staff.manager,
            rag=rag,
            reason="Read every agency's answer: together they confirm the rating.",
            now=at,
        )

    def outcome(self, effect: OutcomeEffect, level: int) -> str:
        return next(
            outcome.key
            for outcome in self.policy.outcomes
            if outcome.effect == effect and level in outcome.levels
        )

    def invitees(self) -> list[meetings.Invitee]:
        """The agencies the council's policy requires at a strategy meeting (R40), and a school."""
        keys = list(self.policy.strategy_meeting_required_agencies)
        keys += [key for key in self.agencies.values() if key not in keys]
        names = {kind: user.get_full_name() for kind, user in self.staff.partners.items()}
        names["social_care"] = "Dana Keeling"
        return [
            meetings.Invitee(
                key,
                names.get(self.policy.agency(key).kind, f"{self.policy.agency(key).name} lead"),
                self.policy.agency(key).name,
            )
            for key in keys
        ]

    # The stories

    def waiting(self) -> None:
        """Green, sent 40 minutes ago: every agency still within its time."""
        contact = self.contact(
            "waiting",
            _family(
                **self.home("waiting"),
                surname="Placeholme",
                child="Isla",
                born=self.years_ago(7),
                worry="Isla told her teacher that mum's new partner shouts and throws things.",
                concern_flags={"domestic_abuse": "yes"},
            ),
            at=self.ago(hours=2),
        )
        self.screen(contact, concerns=["domestic_abuse"], at=self.ago(hours=1, minutes=40))
        self.send(contact, rag=Rag.GREEN, at=self.ago(minutes=40))

    def partial(self) -> None:
        """Amber, sent 2 hours ago: the police have answered, health and the school not yet."""
        contact = self.contact(
            "partial",
            _family(
                **self.home("partial"),
                surname="Madeupson",
                child="Leo",
                born=self.years_ago(9),
                worry="Leo came into school hungry again and said there is no food at home.",
                gender="male",
            ),
            at=self.ago(hours=4),
        )
        self.screen(contact, concerns=["neglect"], at=self.ago(hours=3))
        enquiry = self.send(contact, rag=Rag.AMBER, at=self.ago(hours=2))
        self.answer(enquiry, "police", story="partial", at=self.ago(hours=1))

    def late_and_overdue(self) -> Enquiry:
        """Red, sent two days ago: police answered in time, health late, the school never."""
        contact = self.contact(
            "late",
            _family(
                **self.home("late"),
                surname="Trialworth",
                child="Ruby",
                born=self.years_ago(12),
                worry="Ruby has a hand-shaped mark on her arm and gave two explanations.",
            ),
            at=self.ago(days=2, hours=2),
        )
        self.screen(contact, concerns=["physical_abuse"], at=self.ago(days=2, hours=1))
        enquiry = self.send(contact, rag=Rag.RED, at=self.ago(days=2))
        self.answer(enquiry, "police", story="late", at=self.ago(days=2) + dt.timedelta(hours=1))
        self.answer(enquiry, "health", story="late", at=self.ago(days=2) + dt.timedelta(hours=7))
        return enquiry

    def final_rag(self) -> Contact:
        """Amber, every agency answered, the manager confirmed the final RAG: decide next (R38),
        with a MASH case discussion arranged for tomorrow."""
        contact = self.contact(
            "final-rag",
            _family(
                **self.home("final-rag"),
                surname="Storybrook",
                child="Freddie",
                born=self.years_ago(5),
                worry="Freddie's mum has been drinking heavily and collects him late, unsteady.",
                gender="male",
                concern_flags={"substance_misuse": "yes"},
            ),
            at=self.ago(days=3, hours=2),
        )
        self.screen(contact, concerns=["neglect"], at=self.ago(days=3, hours=1))
        enquiry = self.send(contact, rag=Rag.AMBER, at=self.ago(days=3))
        for hours, kind in ((1, "police"), (2, "health"), (3, "education")):
            self.answer(
                enquiry, kind, story="final-rag", at=self.ago(days=3) + dt.timedelta(hours=hours)
            )
        self.review(enquiry, rag=Rag.AMBER, at=self.ago(days=2, hours=20))
        tomorrow = dt.datetime.combine(
            self.today + dt.timedelta(days=1), dt.time(10), tzinfo=LONDON
        )
        meetings.schedule_meeting(
            contact=contact,
            kind=Meeting.Kind.MASH_CASE_DISCUSSION,
            scheduled_for=tomorrow,
            chair=self.staff.manager,
            invitees=self.invitees()[:3],
            by=self.staff.manager,
            now=self.ago(days=2, hours=19),
        )
        return contact

    def strategy(self) -> None:
        """Red, answered, final RAG Red, a strategy discussion decided and its meeting held, with
        the school dissenting (R39, R40); the school escalates the decision (R42)."""
        contact = self.contact(
            "strategy",
            _family(
                **self.home("strategy"),
                surname="Fauxley",
                child="Maja",
                born=self.years_ago(10),
                worry="Maja disclosed that her stepfather hits her with a belt when she is late.",
                concern_flags={"domestic_abuse": "yes"},
            ),
            at=self.morning(days=4),
        )
        self.screen(contact, concerns=["physical_abuse"], at=self.morning(days=4) + HOUR)
        sent = self.morning(days=4) + 2 * HOUR
        enquiry = self.send(contact, rag=Rag.RED, at=sent)
        for hours, kind in ((1, "police"), (1, "health"), (1, "education")):
            self.answer(
                enquiry, kind, story="strategy", at=sent + dt.timedelta(hours=hours, minutes=30)
            )
        self.review(enquiry, rag=Rag.RED, at=sent + dt.timedelta(hours=2))
        decided_at = sent + dt.timedelta(hours=3)
        decision = record_decision(
            contact=contact,
            child=contact.children.get(),
            by=self.staff.manager,
            level=4,
            outcome=self.outcome(OutcomeEffect.STRATEGY_DISCUSSION, 4),
            rationale="Partners confirm a pattern of physical harm: a strategy discussion today.",
            rag=Rag.RED,
            primary_need="N1",
            now=decided_at,
        )
        meeting = meetings.schedule_meeting(
            contact=contact,
            kind=Meeting.Kind.STRATEGY_MEETING,
            scheduled_for=decided_at + dt.timedelta(hours=1),
            chair=self.staff.manager,
            invitees=self.invitees(),
            by=self.staff.manager,
            now=decided_at + dt.timedelta(minutes=30),
        )
        education = self.agencies["education"]
        held = decided_at + dt.timedelta(hours=1)
        meetings.record_meeting(
            meeting=meeting,
            by=self.staff.manager,
            held_at=held,
            contributions=[
                meetings.Contribution(
                    attendee.pk, True, f"{attendee.name} shared what their agency holds."
                )
                for attendee in meeting.attendees.all()
            ],
            analysis="Mother is protective but frightened of her partner; Maja is clear.",
            intervention="Section 47 enquiry, with a joint police and social care visit.",
            plan_of_action="Joint visit today; child protection medical tomorrow morning.",
            outcome=self.outcome(OutcomeEffect.STRATEGY_DISCUSSION, 4),
            consensus=False,
            dissents=[
                meetings.DissentIn(
                    education,
                    self.staff.partners["education"].get_full_name(),
                    "The school would rather Maja stayed with her grandmother tonight.",
                )
            ],
            expected_version=meeting.version,
            now=held + dt.timedelta(hours=1),
        )
        # R42: the school disagrees with the decision and escalates it; still open.
        open_escalation(
            contact=contact,
            decision=decision,
            about="Maja should not go home tonight: the plan leaves her with the stepfather.",
            by=self.staff.partners["education"],
            now=self.ago(days=1),
            submission_key=f"{KEY_PREFIX}escalation-open",
        )

    def resolved_escalation(self, enquiry: Enquiry) -> None:
        """The police disagreed with the late enquiry's handling; resolved by telephone."""
        police = self.staff.partners["police"]
        escalation = open_escalation(
            contact=enquiry.contact,
            about="The police information was not weighed before the RAG was set.",
            by=police,
            now=self.ago(days=1, hours=6),
            submission_key=f"{KEY_PREFIX}escalation-resolved",
        )
        record_discussion(
            escalation=escalation,
            by=police,
            held_at=self.ago(days=1, hours=4),
            method=self.policy.escalation.recorded_by[0],
            participants=f"{police.get_full_name()}, {self.staff.manager.get_full_name()}",
            discussion="Went through the police information together.",
            agreed_plan="The MASH manager reviews the RAG once health has answered.",
            outcome="resolved",
            now=self.ago(days=1, hours=3),
        )

    def exploitation(self) -> None:
        """A 14-year-old missing overnight, found with older males: the worker's exploitation
        screening, a case discussion with the coordinator, and the briefing's actions (R41)."""
        home = self.home("exploitation")
        phone = home.pop("phone")  # the referrer's, not the child's
        teenager: dict[str, Any] = {
            "first_name": "Kai",
            "last_name": "Pretendale",
            "date_of_birth": self.years_ago(14, 40),
            "gender": "male",
            **home,
        }
        submission = _family(
            surname="Pretendale",
            child="Kai",
            born=teenager["date_of_birth"],
            worry="Kai was found by police at 3am in a park with older males, with a new phone "
            "and cash he could not explain.",
            gender="male",
            address=teenager["address"],
            postcode=teenager["postcode"],
            ethnicity=teenager["ethnicity"],
            phone=phone,
        )
        contact = record_missing_episode(
            child=Child.model_validate(teenager),
            went_missing_at=self.ago(days=1, hours=10),
            returned_at=self.ago(days=1, hours=2),
            missing_from="Home",
            submission=submission,
            channel=Channel.POLICE_NOTIFICATION,
            received_at=self.ago(days=1, hours=1),
            by=self.staff.officer,
            submission_key=f"{KEY_PREFIX}exploitation",
        )
        self.screen(contact, concerns=["exploitation"], at=self.ago(days=1))
        child = contact.children.get()
        meetings.record_exploitation_screening(
            contact=contact,
            child=child,
            by=self.staff.worker,
            referrer_screening="Police screening tool: older associates, unexplained money.",
            risk_assessment="High risk of criminal exploitation: county lines indicators.",
            risk="high",
            now=self.ago(hours=20),
        )
        for action, owner in (
            ("Return home interview within 72 hours.", "Missing from home service"),
            ("Share the older males' descriptions with the police exploitation team.", "Police"),
        ):
            meetings.record_briefing_action(
                child=child, by=self.staff.coordinator, action=action, owner=owner, now=self.now
            )
        meeting = meetings.schedule_meeting(
            contact=contact,
            kind=Meeting.Kind.MASH_CASE_DISCUSSION,
            scheduled_for=self.ago(hours=6),
            chair=self.staff.manager,
            invitees=self.invitees()[:2],
            by=self.staff.manager,
            now=self.ago(hours=18),
        )
        meetings.record_meeting(
            meeting=meeting,
            by=self.staff.manager,
            held_at=self.ago(hours=6),
            contributions=[
                meetings.Contribution(attendee.pk, True, "Shared what is known.")
                for attendee in meeting.attendees.all()
            ],
            analysis="Kai is being groomed by older males; his mother is worried and willing.",
            intervention="Assessment with an exploitation specialist worker.",
            plan_of_action="Safety plan with Kai and his mother; daily briefing each morning.",
            outcome=self.outcome(OutcomeEffect.ASSESSMENT, 4),
            consensus=True,
            dissents=[],
            expected_version=meeting.version,
            now=self.ago(hours=5),
        )

    def restricted(self) -> None:
        """A record restricted to the service manager (R45): others see only whom to ask."""
        contact = self.contact(
            "restricted",
            _family(
                **self.home("restricted"),
                surname="Notarealle",
                child="Zara",
                born=self.years_ago(11),
                worry="Zara's mother, who works for the council, disclosed domestic abuse.",
                concern_flags={"domestic_abuse": "yes"},
            ),
            at=self.ago(days=1, hours=3),
        )
        self.screen(contact, concerns=["domestic_abuse"], at=self.ago(days=1, hours=2))
        self.send(contact, rag=Rag.GREEN, kinds=("police",), at=self.ago(days=1, hours=1))
        person = contact.children.get().person  # found on the records at screening
        assert person is not None, "screening links the child to a person record"
        service = self.staff.service_manager
        restrict(
            person=person,
            allowed_users=[service],
            ask=f"{service.get_full_name()}, service manager",
            reason="A family member works in the council's children's services.",
            by=self.staff.administrator,
            at=self.ago(days=1),
        )

    def transfer(self) -> None:
        """A family that moved away, passed to the council where they live now (R17)."""
        contact = self.contact(
            "transfer",
            _family(
                **self.home("transfer", away=True),
                surname="Specimen",
                child="Evie",
                born=self.years_ago(6),
                worry="Evie's family moved last month; her new school is worried about bruising.",
            ),
            at=self.ago(days=2, hours=5),
        )
        self.screen(contact, concerns=["physical_abuse"], at=self.ago(days=2, hours=4))
        where = check_postcode(
            postcode=contact.children.get().postcode, council_code=self.policy.council.ons_code
        )
        assert where.authority is not None, "the story's postcode is in a neighbour's area"
        code = where.authority.code  # the neighbour where the family now live
        record_decision(
            contact=contact,
            child=contact.children.get(),
            by=self.staff.manager,
            level=4,
            outcome=self.outcome(OutcomeEffect.TRANSFER_TO_COUNCIL, 4),
            rationale="The family now live in another council's area: passed to its front door.",
            transfer=TransferDetails(
                council_code=code,
                sent_how="Secure e-mail to the council's front door (demo)",
                what_was_sent="The contact, its report and the screening so far.",
            ),
            now=self.ago(days=2, hours=3),
        )

    def probation(self, story: ProbationStory) -> None:
        """An enquiry to the Probation Service about a mother it supervises, sent `story.sent`
        ago and answered after `story.answered_after`, or waiting still."""
        contact = self.contact(
            story.key,
            _family(
                **self.home(story.key),
                surname=story.surname,
                child=story.child,
                born=self.years_ago(story.age),
                worry=story.worry,
                concern_flags={"domestic_abuse": "yes"},
            ),
            at=self.now - story.sent - dt.timedelta(hours=2),
        )
        self.screen(contact, concerns=["domestic_abuse"], at=self.now - story.sent - HOUR)
        # The police too, who are the council's partner alone: they see no other council's.
        enquiry = self.send(
            contact, rag=story.rag, kinds=("police", "probation"), at=self.now - story.sent
        )
        if story.answered_after is not None:
            self.answer(
                enquiry,
                "probation",
                story=story.key,
                at=self.now - story.sent + story.answered_after,
            )


HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ProbationStory:
    """An enquiry to the Probation Service (`_Mash.probation`); its answer is in ANSWERS."""

    key: str
    surname: str
    child: str
    age: int
    worry: str
    rag: str
    sent: dt.timedelta  # how long ago
    answered_after: dt.timedelta | None  # None: not answered yet


# The Probation Service serves both councils of the two-council demo (`demo.councils`): each
# council asks it about families it supervises. Sefton's clock runs (answered in time, waiting,
# overdue); Lewisham sets no MASH timescales, so its requests wait with no clock.
PROBATION_STORIES: dict[int, tuple[ProbationStory, ...]] = {
    0: (  # the default council
        ProbationStory(
            "probation-answered",
            "Examplewood",
            "Ellis",
            8,
            "Ellis said his mum's boyfriend, just out of prison, shouted at her all night.",
            Rag.AMBER,
            dt.timedelta(days=3),
            2 * HOUR,
        ),
        ProbationStory(
            "probation-waiting",
            "Mockridge",
            "Amira",
            6,
            "Amira's mother told the school her ex-partner, on licence, has been at the house.",
            Rag.GREEN,
            dt.timedelta(minutes=50),
            None,
        ),
        ProbationStory(
            "probation-overdue",
            "Sketchley",
            "Harvey",
            11,
            "Harvey arrived with a cut lip and said his stepdad, on probation, lost his temper.",
            Rag.RED,
            dt.timedelta(days=1, hours=4),
            None,
        ),
    ),
    1: (  # the second council
        ProbationStory(
            "probation-answered-2",
            "Draftington",
            "Olu",
            9,
            "Olu's father, released last month, has moved back in; Olu is frightened of him.",
            Rag.AMBER,
            dt.timedelta(days=2, hours=6),
            5 * HOUR,
        ),
        ProbationStory(
            "probation-waiting-2",
            "Proofield",
            "Maisie",
            4,
            "Maisie's nursery saw her mother's partner, under probation supervision, push her.",
            Rag.GREEN,
            dt.timedelta(hours=3),
            None,
        ),
    ),
}


def load_probation_enquiries(*, staff: MashStaff, council: int) -> int:
    """The `council`th council's enquiries to the Probation Service (the first council: 0), not
    already there; `staff.partners["probation"]` answers. Returns how many were made."""
    mash = _Mash(staff=staff, now=timezone.now())
    stories = [story for story in PROBATION_STORIES[council] if not _made(story.key)]
    for story in stories:
        mash.probation(story)
    return len(stories)


def _made(key: str) -> bool:
    return Report.objects.filter(submission_key=f"{KEY_PREFIX}{key}").exists()


def load_demo_mash(*, staff: MashStaff, now: dt.datetime | None = None) -> DemoMash:
    """Make each MASH story not already there; return how many were made."""
    mash = _Mash(staff=staff, now=now or timezone.now())
    made = 0
    late: Enquiry | None = None
    stories: list[tuple[str, Callable[[], object]]] = [
        ("waiting", mash.waiting),
        ("partial", mash.partial),
        ("final-rag", mash.final_rag),
        ("strategy", mash.strategy),
        ("exploitation", mash.exploitation),
        ("restricted", mash.restricted),
        ("transfer", mash.transfer),
    ]
    if not _made("late"):
        late = mash.late_and_overdue()
        mash.resolved_escalation(late)
        made += 1
    for key, story in stories:
        if not _made(key):
            story()
            made += 1
    return DemoMash(stories=made)


def demo_requests_for(user: User) -> list[AgencyRequest]:
    """The demo's requests to `user`'s agency (for the tests and the load command's summary)."""
    return list(
        AgencyRequest.objects.filter(
            agency_key=user.agency_key,
            enquiry__contact__reports__submission_key__startswith=KEY_PREFIX,
        ).distinct()
    )
