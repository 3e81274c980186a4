"""A year of front-door history for the demo council: contacts screened, decided and closed.

The demo's recent weeks of contacts (`demo.contacts`) arrive as received. So that the dashboards
and the returns have something to count, this adds older contacts, then works through every
contact from before the last two days as the front door would have: a worker takes it
(`start_screening`), records the screening (`save_findings`), a manager decides each child
(`record_decision`, with `now=` in the past), what the decision set going is done
(`complete_follow_up`) and the contact is closed (`close_contact`). Every step goes through the
real domain functions, so the clocks, audit entries, referrals, re-referrals (R29) and transfers
(R17) are the system's own. The last two days stay open, some being screened and some waiting for
the manager, and a few recent strategy discussions are not yet held: a Monday morning.

The mix follows a front door's year: most contacts end in advice or early help, some in a Child
and Family assessment, a few in a strategy discussion, and families over the border are passed on.
About one family in four comes back, so some referrals are re-referrals. Everything is invented
(the families have the demo's obviously fictional surnames), a seeded generator makes the same
history every time (relative to today), and it is made once: its contacts carry `demo-history-`
submission keys.

Volume: the older weeks hold a small council's trickle (about 500 contacts, one to three a
working day), because every contact, the recent weeks' thousand too, goes through the domain
functions and `python3 dev.py run` on a fresh clone must stay quick. Deciding a contact costs
about 65 ms of CPU, most of it in `record_decision`: the whole demo loads in about two minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.demo.contacts import LONDON, Staff, _Generator
from frontdoor.demo.people import WORKERS, match_or_create, record_system_for
from frontdoor.intake import services as intake
from frontdoor.intake.models import Channel, Consent, Contact, Report, ReportedChild
from frontdoor.intake.submissions import Child, Submission
from frontdoor.outbox.models import Message
from frontdoor.people.involvement_import import NOT_REQUIRED, import_involvements
from frontdoor.people.models import ExternalIdentifier, Involvement, Person
from frontdoor.people.postcodes import Where, check_postcode
from frontdoor.policy.catalogue import Indicator, indicators
from frontdoor.policy.rag import Rag
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect, Policy
from frontdoor.screening.checks import open_social_care
from frontdoor.screening.consent import (
    authorise_sharing_without_consent,
    consent_day,
    gives_own_consent,
    record_consent,
)
from frontdoor.screening.decisions import TransferDetails, complete_follow_up, record_decision
from frontdoor.screening.facts import facts_for
from frontdoor.screening.findings import save_findings
from frontdoor.screening.linking import create_person_from, link_reported_person
from frontdoor.screening.models import ConsentStatus, FollowUp, Referral
from frontdoor.screening.police import police_position, record_police_told
from frontdoor.screening.transitions import close_contact, start_screening, submit_for_decision

SEED = 2028
KEY_PREFIX = "demo-history-"
HISTORY_WEEKS = 52
# Contacts a working day, and a weekend day, in the older weeks: a smaller council's volume.
WORKING_DAY_CONTACTS = (1, 3)
WEEKEND_DAY_CONTACTS = (0, 1)
# Contacts received this recently are still being worked on: the Monday-morning queues.
STILL_OPEN = dt.timedelta(hours=48)
# Of the contacts from the days before, a few are still waiting: overdue on Monday morning (R25).
STILL_WAITING = dt.timedelta(days=4)
STILL_WAITING_SHARE = 0.2
# A strategy discussion decided this recently may not have been held yet.
STRATEGY_PENDING = dt.timedelta(days=4)
# About one family in four comes back to the front door (R29: re-referrals), a month or more on.
RETURNING_SHARE = 0.3
RETURNS_AFTER = dt.timedelta(days=30)
ON_TIME_SHARE = 0.86
# Screening findings are recorded in full for the contacts decided at this level or above.
SCREENED_FROM_LEVEL = 3  # R25: most contacts are progressed within the working day

PRIMARY_NEEDS: tuple[tuple[str, int], ...]
PRIMARY_NEEDS = (("N1", 52), ("N2", 5), ("N3", 6), ("N4", 10), ("N5", 14), ("N6", 5), ("N8", 5))
PRIMARY_NEEDS += (("N7", 2), ("N9", 1))
# The manager's rationale for each kind of outcome: each council words and keys its outcomes
# differently (policies/*.yaml), so the history chooses by what an outcome does, not its key.
RATIONALES = {
    OutcomeEffect.NO_FURTHER_ACTION: "Needs met by universal services: advice given to the "
    "referrer and the family signposted to the school nurse and the local family hub.",
    OutcomeEffect.EARLY_HELP: "Additional needs across school attendance and routines: the "
    "family agree to an early help assessment with school as lead professional.",
    OutcomeEffect.ASSESSMENT: "Multiple and complex needs that universal and early help "
    "services have not met: an assessment is needed to understand them.",
    OutcomeEffect.STRATEGY_DISCUSSION: "Reasonable cause to suspect significant harm: a "
    "strategy discussion with the police and health today.",
    OutcomeEffect.EMERGENCY_LEGAL_ACTION: "The child cannot be kept safe at home tonight: "
    "emergency legal advice sought and the duty team is acting now.",
    OutcomeEffect.ALLOCATED_WORKER: "The child is open to social care: the contact goes to the "
    "allocated worker and their manager.",
    OutcomeEffect.TRANSFER_TO_COUNCIL: "The family live outside the council's area: passed to "
    "the council where they live.",
}
CONCERNS = ("physical_abuse", "neglect", "domestic_abuse", "emotional_abuse", "exploitation")


@dataclass(frozen=True)
class DemoHistory:
    contacts: int  # older contacts recorded now
    decided: int  # contacts decided (older and recent)
    closed: int
    left_open: int


@dataclass(frozen=True)
class Plan:
    """What the manager decides for each child of one contact."""

    level: int
    outcome: str  # a key of the council's outcomes
    effect: OutcomeEffect
    rag: str = ""
    primary_need: str = ""  # only where the outcome makes the contact a referral
    concerns: tuple[str, ...] = ()


def plan_for(
    policy: Policy,
    effect: OutcomeEffect,
    level: int,
    *,
    rag: str = "",
    need: str = "",
    concerns: tuple[str, ...] = (),
    rng: random.Random | None = None,
) -> Plan:
    """The council's outcome with `effect` for `level`: one of its outcomes for the level if it
    has any (a random one of several, such as Sefton's two early help routes), else its outcome
    with that effect at the nearest level it allows (Lewisham's early help is level 2 only)."""
    fitting = [outcome for outcome in policy.outcomes if outcome.effect == effect]
    if not fitting:  # a council without this kind of outcome: advice instead
        fitting = [o for o in policy.outcomes if o.effect == OutcomeEffect.NO_FURTHER_ACTION]
        fitting = fitting or list(policy.outcomes)
    at_level = [outcome for outcome in fitting if level in outcome.levels]
    if at_level:
        outcome = at_level[0] if rng is None or len(at_level) == 1 else rng.choice(at_level)
    else:
        outcome = fitting[0]
        level = min(outcome.levels, key=lambda allowed: (abs(allowed - level), -allowed))
    return Plan(
        level=level,
        outcome=outcome.key,
        effect=outcome.effect,
        rag=rag,
        primary_need=need if outcome.becomes_referral else "",
        concerns=concerns,
    )


def demo_history_loaded() -> bool:
    return Report.objects.filter(submission_key__startswith=KEY_PREFIX).exists()


def default_weeks() -> int:
    # The suite loads the demo many times (tests/demo), pinning the recent weeks as received; a
    # year through the domain functions each time would cost minutes. Tests of the history ask
    # for it by giving `weeks`.
    return 0 if settings.ENVIRONMENT == "test" else HISTORY_WEEKS


def load_demo_history(
    *,
    staff: Staff,
    manager: User,
    weeks: int | None = None,
    now: dt.datetime | None = None,
    then: Callable[[], object] | None = None,
) -> DemoHistory:
    """Record `weeks` of older contacts, then do `then` (record the recent weeks' contacts), and
    work through every contact but the last two days'. The older contacts are recorded first, as
    they came, so records are numbered in the order they arrived, as a council's are."""
    weeks = default_weeks() if weeks is None else weeks
    if weeks <= 0 or demo_history_loaded():
        if then is not None:
            then()
        return DemoHistory(contacts=0, decided=0, closed=0, left_open=0)
    now = now or timezone.now()
    history = _History(staff=staff, manager=manager, now=now)
    recorded = history.record_older_contacts(weeks=weeks)
    if then is not None:
        then()
    before = Message.objects.aggregate(last=Max("id"))["last"] or 0
    result = history.work_through(recorded=recorded)
    # The history's e-mails (feedback to referrers, alerts) went at the time: the demo's worker
    # must not send a year of them again when it starts.
    Message.objects.filter(id__gt=before, sent_at__isnull=True).update(sent_at=now)
    return result


class _History:
    def __init__(self, *, staff: Staff, manager: User, now: dt.datetime):
        self.staff = staff
        self.manager = manager
        self.now = now
        self.rng = random.Random(SEED)  # noqa: S311 - made-up data, not secrets
        self.generator = _Generator(staff=staff, now=now, seed=SEED)
        self.count = 0
        self.policy = policy = current_policy()
        self.indicators: dict[int, list[Indicator]] = {level: [] for level in (1, 2, 3, 4)}
        for indicator in indicators(policy):
            self.indicators[indicator.level].append(indicator)
        # Children whose families come back: their reported details, and their person record.
        self.returning: list[Returning] = []
        self.known_families: set[int] = set()  # contacts about a child who comes back
        self.case_record = CaseRecord(rng=random.Random(SEED + 1))  # noqa: S311 - made-up data
        # Whether a child has come back while their case was open (R19): the first to does.
        self.allocated_shown = False

    # Recording the older contacts

    def record_older_contacts(self, *, weeks: int) -> int:
        first_recent = (
            Contact.objects.order_by("received_at").values_list("received_at", flat=True).first()
        )
        today = self.now.astimezone(LONDON).date()
        # Up to the recent weeks' first contact or, with none loaded, up to now.
        until = first_recent.astimezone(LONDON).date() if first_recent else today + dt.timedelta(1)
        day = today - dt.timedelta(weeks=weeks)
        while day < until:
            self._day(day)
            day += dt.timedelta(days=1)
        return self.count

    def _day(self, day: dt.date) -> None:
        rng = self.rng
        working = day.weekday() < 5
        low, high = WORKING_DAY_CONTACTS if working else WEEKEND_DAY_CONTACTS
        times = sorted(
            self._at(day, 8.5, 17.5) if working else self._at(day, 0, 23.9)
            for _ in range(rng.randint(low, high))
        )
        for at in times:
            if at <= self.now:
                self._contact(at)

    def _at(self, day: dt.date, start_hour: float, end_hour: float) -> dt.datetime:
        minutes = self.rng.uniform(start_hour * 60, end_hour * 60)
        return dt.datetime.combine(day, dt.time(), tzinfo=LONDON) + dt.timedelta(minutes=minutes)

    def _contact(self, at: dt.datetime) -> None:
        rng = self.rng
        channel = rng.choices(
            (Channel.ONLINE_FORM, Channel.TELEPHONE, Channel.EMAIL, Channel.POLICE_NOTIFICATION),
            (45, 22, 15, 18),
        )[0]
        submission = self.generator.submission(
            on=at.astimezone(LONDON).date(),
            referrer="police" if channel == Channel.POLICE_NOTIFICATION else None,
        )
        returning = None
        # A child comes back after a while, not while their last contact is still being worked.
        back = [child for child in self.returning if at - child.last_seen >= RETURNS_AFTER]
        if back and rng.random() < RETURNING_SHARE:
            returning = rng.choice(back)
            returning.last_seen = at
            submission = _with_child(submission, returning.details)
        self.count += 1
        by = None if channel == Channel.ONLINE_FORM else self.staff.officer
        recorded = intake.record_contact(
            submission=submission,
            channel=channel,
            received_at=at,
            by=by,
            submission_key=f"{KEY_PREFIX}{self.count:05}",
        )
        child = recorded.contact.children.order_by("id").first()
        if child is None or child.unborn:
            return
        if returning is not None:
            # R18: the worker finds the child already known, and links them.
            link_reported_person(reported=child, person=returning.person, by=self.staff.worker)
            self.known_families.add(recorded.contact.pk)
        elif rng.random() < RETURNING_SHARE * 1.5:
            person = create_person_from(reported=child, by=self.staff.worker)
            self.returning.append(Returning(_child_details(child), person, last_seen=at))
            self.known_families.add(recorded.contact.pk)

    # Working through the contacts

    def work_through(self, *, recorded: int) -> DemoHistory:
        decided = closed = left_open = 0
        contacts = (
            Contact.objects.filter(state=Contact.State.RECEIVED)
            .prefetch_related("children", "reports")
            .order_by("received_at", "id")
        )
        for contact in contacts:
            age = self.now - contact.received_at
            if age < STILL_OPEN or (
                age < STILL_WAITING and self.rng.random() < STILL_WAITING_SHARE
            ):
                self._leave_open(contact)
                left_open += 1
                continue
            # A child known to social care comes back: their case has closed since, or is still
            # open and the contact goes to their allocated worker (R19).
            for child in contact.children.all():
                open_case = child.person_id in self.case_record.open_cases
                if (
                    child.person_id
                    and self.rng.random() < CASE_CLOSED_SHARE
                    and (self.allocated_shown or not open_case)
                ):
                    self.case_record.close(child.person_id, before=_on(contact.received_at))
                elif open_case:
                    # However short the demo, one child comes back to their allocated worker.
                    self.allocated_shown = True
            done = self._decide(contact)
            decided += 1
            for referral in Referral.objects.filter(contact=contact).select_related(
                "child__person", "decision"
            ):
                self.case_record.open(referral)
            if done is not None and self._close(contact, after=done):
                closed += 1
        # Most children's social care work from months ago has ended by now.
        self.case_record.close_older(today=_on(self.now))
        return DemoHistory(contacts=recorded, decided=decided, closed=closed, left_open=left_open)

    def _leave_open(self, contact: Contact) -> None:
        """The last two days: some taken by a worker, some screened and waiting for a manager."""
        roll = self.rng.random()
        started = contact.received_at + dt.timedelta(minutes=self.rng.randint(20, 120))
        if roll < 0.5 or started > self.now:
            return
        start_screening(contact=contact, by=self.staff.worker, now=started)
        if roll < 0.8:
            return
        for child in contact.children.all():
            self._findings(contact, child, self._plan(contact), at=started)
        submit_for_decision(contact=contact, by=self.staff.worker, now=started)

    def _decided_at(self, contact: Contact) -> dt.datetime:
        rng = self.rng
        received, due = contact.received_at, contact.progress_due_at
        if due is None or rng.random() < ON_TIME_SHARE:
            window = max((due - received) if due else dt.timedelta(hours=6), dt.timedelta(hours=1))
            when = received + window * rng.uniform(0.1, 0.95)
        else:  # late: picked up after the due time
            when = due + dt.timedelta(minutes=rng.randint(30, 36 * 60))
        return min(when, self.now - dt.timedelta(minutes=5))

    def _decide(self, contact: Contact) -> dt.datetime | None:
        decided_at = self._decided_at(contact)
        started = contact.received_at + (decided_at - contact.received_at) * 0.3
        worker, manager = self.staff.worker, self.manager
        start_screening(contact=contact, by=worker, now=started)
        plan = self._plan(contact)
        children = list(contact.children.all())
        if plan.level >= SCREENED_FROM_LEVEL:
            # R18: the worker finds each child on the council's records, or makes them one, so
            # the case record can follow the referral.
            for child in children:
                if not child.unborn:
                    match_or_create(reported=child, by=worker)
            children = list(ReportedChild.objects.filter(contact=contact).order_by("id"))
            # The screening is written up where it carries the decision; below that level the
            # manager decides from the worker's screening in the queue (and the load stays quick).
            screened = started + (decided_at - started) / 2
            for child in children:
                self._findings(contact, child, plan, at=screened)
            if police_position(policy=current_policy(), contact=contact).missing:
                # R24: a suspected crime is reported to the police at once.
                record_police_told(
                    contact=contact,
                    by=worker,
                    told_at=screened,
                    told_whom="Public Protection Unit",
                    police_reference=f"PPU-{contact.reference}",
                    now=screened,
                )
            submit_for_decision(contact=contact, by=worker, now=screened)
        if _consent_given(contact):
            # R13: the family's consent is not a young person's own: the worker asks each one
            # aged 16 or over, who agrees as their family did.
            for child in children:
                if gives_own_consent(self.policy, child, consent_day(contact)):
                    record_consent(
                        contact=contact,
                        by=worker,
                        status=ConsentStatus.GIVEN,
                        child=child,
                        now=started,
                    )
        if plan.rag and not _consent_given(contact):
            # R14: a manager authorises sharing without consent at level 4, with reasons, for
            # each child.
            for child in children:
                authorise_sharing_without_consent(
                    contact=contact,
                    child=child,
                    by=manager,
                    reason="increased_risk",
                    explanation="Seeking consent would place the children at increased risk.",
                    now=decided_at,
                )
        transfer = _transfer_for(children)
        for child in children:
            child_plan = plan
            if transfer is not None:
                child_plan = plan_for(self.policy, OutcomeEffect.TRANSFER_TO_COUNCIL, plan.level)
            elif child.person_id and open_social_care(facts_for(child)):
                child_plan = plan_for(self.policy, OutcomeEffect.ALLOCATED_WORKER, plan.level)
            record_decision(
                contact=contact,
                child=child,
                by=manager,
                level=child_plan.level,
                outcome=child_plan.outcome,
                rationale=RATIONALES[child_plan.effect],
                rag=child_plan.rag if child_plan.outcome == plan.outcome else "",
                primary_need=child_plan.primary_need,
                transfer=transfer,
                now=decided_at,
            )
        pending = self.now - decided_at < STRATEGY_PENDING
        if plan.effect == OutcomeEffect.STRATEGY_DISCUSSION and pending:
            return None  # not yet held: the contact stays decided
        return decided_at

    def _close(self, contact: Contact, *, after: dt.datetime) -> bool:
        done_at = after + dt.timedelta(hours=self.rng.randint(2, 50))
        if done_at > self.now:
            return False
        for follow_up in FollowUp.objects.open().filter(decision__contact=contact):
            complete_follow_up(
                follow_up=follow_up, by=self.manager, note=_done_note(follow_up), now=done_at
            )
        close_contact(contact=contact, by=self.manager, now=done_at)
        return True

    def _findings(self, contact: Contact, child: ReportedChild, plan: Plan, *, at) -> None:
        # An indicator that names a child-protection concern records it (R28): pick those only
        # for a child the plan gives that concern, or the plan's outcome would be refused.
        fitting = [
            indicator.key
            for indicator in self.indicators[plan.level]
            if set(indicator.concerns) <= set(plan.concerns)
        ]
        picks = self.rng.sample(fitting, k=min(2, len(fitting)))
        save_findings(
            contact=contact,
            child=child,
            by=self.staff.worker,
            indicators=picks,
            concerns=list(plan.concerns),
            analysis=(
                "Spoke to the referrer and checked the records. "
                + RATIONALES[plan.effect].split(":")[0]
                + "."
            ),
            urgent_action_needed="yes" if plan.level == 4 else "no",
            now=at,
        )

    def _plan(self, contact: Contact) -> Plan:
        """The outcome for the contact's children: most advice or early help, a few s47 (R26)."""
        rng = self.rng
        reports = list(contact.reports.all())
        consent = _consent_given(contact, reports)
        immediate = any(report.immediate_protection_needed == "yes" for report in reports)
        # Families the front door knows already come back with more serious worries (R29).
        known = contact.pk in self.known_families
        roll = rng.uniform(0.6 if known else 0.0, 1.0)
        if immediate:
            # A referral saying the child needs protecting now is, in the demo, borne out by
            # screening: an assessment or a strategy discussion, never early help (R28).
            roll = max(roll, rng.uniform(0.8, 1.0))
        need = rng.choices(*zip(*PRIMARY_NEEDS, strict=True))[0]
        not_sought = any(report.consent == Consent.NOT_SOUGHT for report in reports)

        def plan(effect: OutcomeEffect, level: int, rag: str = "", concerns=(), **more) -> Plan:
            more.setdefault("need", need)
            return plan_for(self.policy, effect, level, rag=rag, concerns=concerns, rng=rng, **more)

        if roll > 0.95 and (consent or not_sought):
            abuse = ("physical_abuse",)
            if roll > 0.997:
                return plan(OutcomeEffect.EMERGENCY_LEGAL_ACTION, 4, Rag.RED, abuse, need="N1")
            concern = (rng.choice(CONCERNS),)
            return plan(OutcomeEffect.STRATEGY_DISCUSSION, 4, Rag.RED, concern, need="N1")
        if roll > 0.90:
            return plan(OutcomeEffect.ASSESSMENT, 4 if immediate else 3)
        if roll > 0.80:
            rag = Rag.AMBER if consent and rng.random() < 0.5 else ""
            return plan(OutcomeEffect.ASSESSMENT, 3, rag)
        if not consent:  # R16: early help and MASH need consent below level 4
            return plan(OutcomeEffect.NO_FURTHER_ACTION, 1)
        if roll > 0.68:
            return plan(OutcomeEffect.EARLY_HELP, 3, Rag.GREEN if rng.random() < 0.2 else "")
        if roll > 0.40:
            return plan(OutcomeEffect.EARLY_HELP, 2)
        return plan(OutcomeEffect.NO_FURTHER_ACTION, 1)


def _consent_given(contact: Contact, reports: list[Report] | None = None) -> bool:
    """Until screening speaks to the family, the referrer's account of consent stands (R12)."""
    reports = reports if reports is not None else list(contact.reports.all())
    return bool(reports) and all(report.consent == Consent.GIVEN for report in reports)


def _transfer_for(children: list[ReportedChild]) -> TransferDetails | None:
    """R17: a family living over the border is passed to their council."""
    council_code = current_policy().council.ons_code
    for child in children:
        check = check_postcode(postcode=child.postcode, council_code=council_code)
        if check.where == Where.ELSEWHERE and check.authority is not None:
            return TransferDetails(
                council_code=check.authority.code,
                sent_how="Secure e-mail to the council's front door (demo)",
                what_was_sent="The contact, its reports and the screening so far.",
            )
    return None


def _done_note(follow_up: FollowUp) -> str:
    notes: dict[str, str] = {
        FollowUp.Kind.REFERRER_FEEDBACK: "Told the referrer the outcome by telephone.",
        FollowUp.Kind.FAMILY_TOLD: "Told the family what will happen next.",
        FollowUp.Kind.STRATEGY_DISCUSSION: "Strategy discussion held with police and health.",
        FollowUp.Kind.CHILD_SEEN: "The child was seen by the duty social worker.",
        FollowUp.Kind.PASS_TO_ALLOCATED_WORKER: "Passed to the allocated worker.",
    }
    return notes.get(follow_up.kind, "Done.")


def _child_details(child: ReportedChild) -> dict:
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth,
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "address": child.address,
        "postcode": child.postcode,
        "school_or_nursery": child.school_or_nursery,
    }


def _with_child(submission: Submission, details: dict) -> Submission:
    """The same family again: the returning child first, with the family's surname."""
    child = Child.model_validate(details)
    home = {"address": details["address"], "postcode": details["postcode"]}
    others = [
        other.model_copy(update={"last_name": details["last_name"], **home})
        for other in submission.children
        if not other.unborn
    ][:1]
    adults = [
        adult.model_copy(update=home) if adult.postcode else adult for adult in submission.adults
    ]
    return submission.model_copy(update={"children": [child, *others], "adults": adults})


def _on(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


@dataclass
class Returning:
    """A child whose family may come back: as first reported, their record, when last seen."""

    details: dict
    person: Person
    last_seen: dt.datetime


# Of the children who come back while their social care case is open, the share whose case has
# closed by then (a new referral) rather than still open (to the allocated worker, R19).
CASE_CLOSED_SHARE = 0.6
# Social care cases still open this long after the referral have mostly ended by now.
CASES_END_AFTER = dt.timedelta(days=45)
CASES_ENDED_SHARE = 0.75


def case_record() -> str:
    """The key of the council's social care case record, as the policy names it."""
    return record_system_for(Involvement.Kind.SOCIAL_CARE)


@dataclass
class _Case:
    person_id: int
    row: dict[str, str]
    effect: str
    started_on: dt.date


class CaseRecord:
    """The council's children's social care record, as its nightly export tells the front door
    (`import_involvements`, as `import-involvements` and the API do): a case opens for each
    referral, with an allocated worker, and closes with the DfE's reason when the work ends,
    with when its assessment was authorised or whether an initial conference was held. The
    census closes the referral's episode from it (docs/returns.md)."""

    def __init__(self, *, rng: random.Random):
        self.rng = rng
        self.open_cases: dict[int, _Case] = {}

    def _send(self, row: dict[str, str]) -> None:
        result = import_involvements(rows=[(2, row)], source_system=case_record())
        if result.rejected:
            raise ValueError(f"The demo case record's row was refused: {result.rejected}")

    def open(self, referral: Referral) -> None:
        person = referral.child.person
        if person is None or person.pk in self.open_cases:
            return
        identifier, _ = ExternalIdentifier.objects.get_or_create(
            source_system=case_record(),
            external_id=f"CHILD-{person.pk}",
            defaults={"person": person},
        )
        worker, team = WORKERS[person.pk % 3]  # a social work team, not the family hub
        started = _on(referral.referred_at)
        row = {
            "person_id": identifier.external_id,
            "kind": Involvement.Kind.SOCIAL_CARE,
            "started_on": started.isoformat(),
            "allocated_worker": worker,
            "allocated_worker_email": f"{worker.lower().replace(' ', '.')}@demo.invalid",
            "team": team,
            "external_id": f"CASE-{referral.pk}",
        }
        self._send(row)
        self.open_cases[person.pk] = _Case(
            person.pk, row, referral.decision.outcome_effect, started
        )

    def close(self, person_id: int, *, before: dt.date) -> None:
        """Close the person's open case on a day before `before`, if it has run two weeks."""
        case = self.open_cases.get(person_id)
        if case is None:
            return
        earliest, latest = case.started_on + dt.timedelta(days=14), before - dt.timedelta(days=1)
        if earliest > latest:
            return
        ended = earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))
        row = {**case.row, "ended_on": ended.isoformat()}
        if case.effect == OutcomeEffect.ASSESSMENT:
            # Authorised within the 45 working days (about 63 days), on or before closing.
            last = min(ended, case.started_on + dt.timedelta(days=60))
            authorised = case.started_on + dt.timedelta(
                days=self.rng.randint(
                    min(10, (last - case.started_on).days), (last - case.started_on).days
                )
            )
            row["assessment_authorised_on"] = authorised.isoformat()
            row["closure_reason"] = self.rng.choice(("RC8", "RC8", "RC9"))
        else:  # a section 47 enquiry: an initial conference held on a working day, or not needed
            row["closure_reason"] = "RC7"
            conference = case.started_on + dt.timedelta(days=self.rng.randint(7, 18))
            while conference.weekday() >= 5:
                conference -= dt.timedelta(days=1)
            held = self.rng.random() < 0.4 and case.started_on < conference <= ended
            row["initial_conference"] = conference.isoformat() if held else NOT_REQUIRED
        self._send(row)
        del self.open_cases[person_id]

    def close_older(self, *, today: dt.date) -> None:
        for person_id, case in sorted(self.open_cases.items()):
            if today - case.started_on > CASES_END_AFTER and self.rng.random() < CASES_ENDED_SHARE:
                self.close(person_id, before=today)
