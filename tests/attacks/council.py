"""A council seeded in every state, made through the domain functions, for the crawl (R45).

One member of staff of every role, partner users of two agencies, and a MASH manager named on a
restriction; contacts new, screening, in MASH (agencies waiting, answered in time and late,
overdue; a final RAG confirmed), awaiting a decision, decided, closed, transferred, escalated
(open, resolved, and a meeting's outcome by an agency that attended it); a case discussion and a
strategy meeting recorded with a dissent, consultations, a missing episode, documents, and one
child whose record is restricted. Every row is written by the function a page or the API would
call, so clocks, audit entries and need-to-know are real.

Times are relative to now, as the pages read the clock: an agency "waiting" is still within its
time while the crawl runs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.services import create_user
from frontdoor.accounts.tokens import issue_token, user_for_token
from frontdoor.escalations.models import Escalation
from frontdoor.escalations.services import open_escalation, record_discussion
from frontdoor.handoffs import delivery
from frontdoor.handoffs import services as handoffs
from frontdoor.handoffs.models import HandOff
from frontdoor.intake.attachments import add_attachment
from frontdoor.intake.models import Attachment, Channel, Consultation, Contact, ReportedChild
from frontdoor.intake.services import (
    consultation_to_contact,
    record_consultation,
    record_contact,
    record_missing_episode,
)
from frontdoor.intake.submissions import Child
from frontdoor.mash import enquiries, meetings
from frontdoor.mash.models import AgencyRequest, Enquiry, Meeting
from frontdoor.people.corrections import correct_details
from frontdoor.people.models import Person
from frontdoor.policy.councils import serving_council
from frontdoor.policy.registry import current_loaded_policy, current_policy
from frontdoor.policy.schema import OutcomeEffect
from frontdoor.privacy.restrictions import restrict
from frontdoor.screening.consent import authorise_sharing_without_consent
from frontdoor.screening.decisions import complete_follow_up, record_decision
from frontdoor.screening.findings import save_findings
from frontdoor.screening.linking import create_person_from, link_reported_person
from frontdoor.screening.models import Decision, FollowUp
from frontdoor.screening.protection import strategy_meeting_due
from frontdoor.screening.transitions import close_contact, start_screening, submit_for_decision
from tests.intake.factories import make_submission
from tests.mash.test_enquiries import everyone, send
from tests.mash.test_meetings import record, schedule
from tests.screening.factories import ADVICE, STRATEGY_DISCUSSION, TRANSFER, decide_every_child

# Names found nowhere else: a page showing them has shown the restricted record (R45), or a
# public referrer's identity (R11).
RESTRICTED_NAME = "Vexbridge"
PUBLIC_REFERRER_NAME = "Thistlewood"

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Council:
    """What was seeded, by name, for the crawl to fill URLs and know who may see what."""

    users: dict[str, User] = field(default_factory=dict)
    contacts: dict[str, Contact] = field(default_factory=dict)
    enquiries: dict[str, Enquiry] = field(default_factory=dict)
    requests: dict[str, AgencyRequest] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    escalations: dict[str, Escalation] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    consultations: dict[str, Consultation] = field(default_factory=dict)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    follow_ups: dict[str, FollowUp] = field(default_factory=dict)
    status_secrets: dict[str, str] = field(default_factory=dict)  # by contact key (R30)
    handoffs: dict[str, HandOff] = field(default_factory=dict)


# Who signs in to the crawl: a member of staff of every role (a police user for the partner
# agency role, the police's manager for the partner agency manager's), a second agency, and a
# MASH manager the restriction names, in no team.
STAFF = {
    "contact_officer": (Role.CONTACT_OFFICER, "", "MASH"),
    "mash_social_worker": (Role.MASH_SOCIAL_WORKER, "", "MASH"),
    "mash_manager": (Role.MASH_MANAGER, "", "MASH"),
    "service_manager": (Role.SERVICE_MANAGER, "", "Children's Services"),
    "partner_agency": (Role.PARTNER_AGENCY, "police", ""),
    "early_help_worker": (Role.EARLY_HELP_WORKER, "", "Early Help"),
    "exploitation_coordinator": (Role.EXPLOITATION_COORDINATOR, "", ""),
    "performance_analyst": (Role.PERFORMANCE_ANALYST, "", "Performance"),
    "administrator": (Role.ADMINISTRATOR, "", "Systems"),
    "partner_health": (Role.PARTNER_AGENCY, "health", ""),
    # The police's own manager: the police's pages, its oversight, and nothing of the council's.
    "partner_manager": (Role.PARTNER_AGENCY_MANAGER, "police", ""),
    "named_manager": (Role.MASH_MANAGER, "", ""),
}


def _users(staff: str) -> dict[str, User]:
    return {
        key: create_user(
            username=f"{staff.lower()}-{key}",
            password=None,
            role=role,
            first_name=staff,
            last_name=key.replace("_", " ").title(),
            email=f"{key}@{staff.lower()}.example",
            agency_key=agency,
            team=team,
            by=None,
        )
        for key, (role, agency, team) in STAFF.items()
    }


def _answer_everyone(request: AgencyRequest, by: User, *, at: dt.datetime) -> None:
    enquiries.answer_request(
        request=request,
        by=by,
        answers=everyone(request.enquiry.contact, "Known to us: two call-outs."),
        opinion="Risk from the mother's partner.",
        submission_key=f"crawl-{request.pk}",
        now=at,
    )


def _screen_every_child(contact: Contact, by: User, *, at: dt.datetime) -> None:
    # More information is needed too: a MASH criterion of some councils' (Lewisham's) where
    # others' (Sefton's) are met by the concern itself.
    for child in contact.children.all():
        save_findings(
            contact=contact,
            child=child,
            by=by,
            indicators=[],
            concerns=["physical_abuse"],
            analysis="Bruise with an account of being hit.",
            more_information_needed=True,
            now=at,
        )


def _to_mash(contact: Contact, worker: User, manager: User, *, now: dt.datetime, **extra):
    """Screened, then sent to MASH, under whichever council's policy is loaded (R33, R34)."""
    _screen_every_child(contact, worker, at=now - dt.timedelta(minutes=5))
    return send(contact, manager, now=now, **extra)


def _authorise_sharing(contact: Contact, users: dict[str, User], *, at: dt.datetime) -> None:
    """R14: the manager the council's policy names authorises sharing without consent."""
    consent = current_policy().consent
    authoriser = users[consent.sharing_without_consent_authorised_by]
    for child in contact.children.all():
        authorise_sharing_without_consent(
            contact=contact,
            child=child,
            by=authoriser,
            reason=consent.not_sought_reasons[0].key,
            explanation="Asking the mother's partner would put the children at risk.",
            now=at,
        )


def _advice() -> dict:
    """The council's own no-further-action outcome: each names it its own way."""
    outcome = next(
        outcome.key
        for outcome in current_policy().outcomes
        if outcome.effect == OutcomeEffect.NO_FURTHER_ACTION
    )
    return {**ADVICE, "outcome": outcome}


def _early_help() -> dict:
    """R20: the council's own early help outcome, each names it its own way."""
    outcome = next(
        outcome.key
        for outcome in current_policy().outcomes
        if outcome.effect == OutcomeEffect.EARLY_HELP
    )
    return {
        "level": 2,
        "outcome": outcome,
        "rationale": "Needs help with routines: Team Around the Family.",
    }


def seed_council(now: dt.datetime | None = None, *, staff: str = "Crawl") -> Council:
    """Every state a page or the API can show, made the way the front door makes it, for the
    council served; its staff are named `staff` (another council's apart)."""
    now = now or timezone.now()
    council = Council(users=_users(staff))
    users = council.users
    officer, worker, manager = (
        users["contact_officer"],
        users["mash_social_worker"],
        users["mash_manager"],
    )
    police, health = users["partner_agency"], users["partner_health"]
    days_ago = now - dt.timedelta(days=3)

    def recorded(key: str, *, at: dt.datetime, channel=Channel.TELEPHONE, by=officer, **data):
        contact = record_contact(
            submission=make_submission(**data), channel=channel, received_at=at, by=by
        ).contact
        council.contacts[key] = contact
        return contact

    # New, in the inbox, with a document (R10); consent not sought, for a reason of the
    # policy's (R14).
    reason = current_policy().consent.not_sought_reasons[0].key
    new = recorded(
        "new",
        at=now - dt.timedelta(hours=2),
        consent={"consent": "not_sought", "not_sought_reason": reason},
    )
    council.attachments["new"] = add_attachment(
        report=new.reports.get(),
        uploaded_file=SimpleUploadedFile("school report.pdf", PDF, "application/pdf"),
    )
    council.people["known"] = create_person_from(reported=new.children.first(), by=worker)
    # A correction, in the person's history and corrections, and on the contact (R45).
    correct_details(
        record=council.people["known"],
        by=worker,
        details={"nhs_number": "943 476 5919", "sex": "female"},
        reason="The GP confirmed the details.",
    )
    correct_details(
        record=new.children.first(),
        by=officer,
        details={"nhs_number": "943 476 5919"},
        reason="The GP confirmed the details.",
    )
    # New from the online form, overdue (R25); its referrer checks its progress.
    online = record_contact(
        submission=make_submission(), channel=Channel.ONLINE_FORM, received_at=days_ago
    )
    council.contacts["overdue"] = online.contact
    council.status_secrets["overdue"] = online.status_secret

    # Being screened.
    screening = recorded("screening", at=now - dt.timedelta(hours=5))
    start_screening(contact=screening, by=worker, now=now - dt.timedelta(hours=4))

    # In MASH: a member of the public referred (R11); both agencies still within their time.
    public = {"type": "public", "name": f"Perpetua {PUBLIC_REFERRER_NAME}", "phone": "07700900123"}
    waiting = recorded("mash_waiting", at=now - dt.timedelta(hours=1), referrer=public)
    council.enquiries["waiting"] = _to_mash(
        waiting, worker, manager, rag="green", now=now - dt.timedelta(minutes=30)
    )
    council.requests["police_waiting"] = council.enquiries["waiting"].requests.get(
        agency_key="police"
    )

    # In MASH: police answered in time, health late (R36). Shared without consent, as the
    # manager authorised: the disclosure log gives the policy's reason (R14).
    answered = recorded("mash_answered", at=days_ago - dt.timedelta(hours=1))
    _authorise_sharing(answered, users, at=days_ago - dt.timedelta(minutes=30))
    sent = _to_mash(answered, worker, manager, rag="red", now=days_ago)
    council.enquiries["answered"] = sent
    council.requests["police_answered"] = sent.requests.get(agency_key="police")
    council.requests["health_late"] = sent.requests.get(agency_key="health")
    _answer_everyone(
        council.requests["police_answered"], police, at=days_ago + dt.timedelta(hours=1)
    )
    _answer_everyone(council.requests["health_late"], health, at=days_ago + dt.timedelta(hours=5))
    council.meetings["case_discussion"] = schedule(
        answered,
        manager,
        invitees=[meetings.Invitee("police", "PC Lee")],
        kind=Meeting.Kind.MASH_CASE_DISCUSSION,
        scheduled_for=now + dt.timedelta(days=1),
        now=now - dt.timedelta(hours=1),
    )

    # In MASH: nobody answered a Red enquiry (R36), so both agencies are overdue.
    overdue = recorded("mash_overdue", at=days_ago - dt.timedelta(hours=1))
    council.enquiries["overdue"] = _to_mash(overdue, worker, manager, rag="red", now=days_ago)

    # Out of MASH: both agencies answered and the manager confirmed the final RAG (R38).
    confirmed = recorded("final_rag", at=days_ago - dt.timedelta(hours=2))
    sent = _to_mash(confirmed, worker, manager, rag="amber", now=days_ago - dt.timedelta(hours=1))
    council.enquiries["final_rag"] = sent
    for request, by in (
        (sent.requests.get(agency_key="police"), police),
        (sent.requests.get(agency_key="health"), health),
    ):
        _answer_everyone(request, by, at=days_ago)
    enquiries.review_rag(
        enquiry=sent,
        by=manager,
        rag="red",
        reason="Police hold two call-outs for domestic abuse this month.",
        now=days_ago + dt.timedelta(hours=1),
    )

    # Screened and waiting for the manager's decision.
    awaiting = recorded("awaiting_decision", at=now - dt.timedelta(hours=6))
    start_screening(contact=awaiting, by=worker, now=now - dt.timedelta(hours=5))
    _screen_every_child(awaiting, worker, at=now - dt.timedelta(hours=4))
    submit_for_decision(contact=awaiting, by=worker, now=now - dt.timedelta(hours=3))

    # Decided: an assessment for each child, with its follow-ups; a strategy meeting recorded.
    decided = recorded("decided", at=days_ago)
    decide_every_child(
        decided, by=manager, now=days_ago + dt.timedelta(hours=2), decision=STRATEGY_DISCUSSION
    )
    council.decisions["decided"] = decided.decisions.order_by("pk").first()
    council.follow_ups["decided"] = FollowUp.objects.filter(decision__contact=decided).first()
    # Held within the council's R40 timescale, whatever the time of day the suite runs: each
    # policy counts it its own way (clock hours, or to the end of a working day).
    decided_at = days_ago + dt.timedelta(hours=2)
    due = strategy_meeting_due(contact=decided, loaded=current_loaded_policy(), now=decided_at)
    held_at = days_ago + dt.timedelta(hours=4)
    if due is not None:
        held_at = max(min(held_at, due - dt.timedelta(minutes=10)), decided_at)
    meeting = schedule(
        decided,
        manager,
        scheduled_for=held_at,
        now=decided_at,
        late_reason="" if due is None or held_at <= due else "The police could attend no sooner.",
    )
    # R39: police did not agree, and the chair decided; their view is on record.
    council.meetings["strategy_meeting"] = record(
        meeting,
        manager,
        held_at=held_at,
        consensus=False,
        dissents=[meetings.DissentIn("police", "PC Lee", "The partner should be arrested today.")],
        now=held_at + dt.timedelta(hours=1),
    )

    # Closed after advice.
    closed = recorded("closed", at=days_ago)
    decide_every_child(closed, by=manager, now=days_ago + dt.timedelta(hours=1), decision=_advice())
    for follow_up in FollowUp.objects.filter(decision__contact=closed, done_at__isnull=True):
        complete_follow_up(
            follow_up=follow_up,
            by=worker,
            note="Told the family by telephone.",
            now=days_ago + dt.timedelta(hours=2),
        )
    close_contact(contact=closed, by=manager, now=days_ago + dt.timedelta(hours=3))

    # Transferred to the council where the family lives (R17).
    moved = recorded("transferred", at=days_ago)
    council.decisions["transferred"] = record_decision(
        contact=moved,
        child=moved.children.first(),
        by=manager,
        now=days_ago + dt.timedelta(hours=1),
        **TRANSFER,
    )

    # Routed to early help (R20), for the early help worker to take.
    helped = recorded("early_help", at=days_ago)
    council.decisions["early_help"] = record_decision(
        contact=helped,
        child=helped.children.first(),
        by=manager,
        now=days_ago + dt.timedelta(hours=1),
        **_early_help(),
    )

    # Escalations (R42): one open about a decision, one a partner raised and resolved.
    council.escalations["open"] = open_escalation(
        contact=decided,
        decision=council.decisions["decided"],
        about="The threshold was set too high.",
        by=worker,
        now=now - dt.timedelta(days=1),
    )
    resolved = open_escalation(
        contact=answered,
        about="Police information was not weighed.",
        by=police,
        now=days_ago + dt.timedelta(hours=6),
    )
    record_discussion(
        escalation=resolved,
        by=police,
        held_at=days_ago + dt.timedelta(hours=8),
        method="telephone",
        participants="PC Lee, MASH manager",
        discussion="Went through the police information.",
        agreed_plan="Review at the next case discussion.",
        outcome="resolved",
        now=days_ago + dt.timedelta(hours=9),
    )
    council.escalations["resolved"] = resolved
    # R39: police attended the strategy meeting (no MASH enquiry went to them) and escalate its
    # outcome.
    council.escalations["meeting"] = open_escalation(
        meeting=council.meetings["strategy_meeting"],
        about="The police view was not weighed at the strategy meeting.",
        by=police,
        now=now - dt.timedelta(hours=2),
    )

    # Consultations (R8): one logged, one that became a contact.
    council.consultations["logged"] = record_consultation(
        caller_agency="Exampleton Primary School",
        caller_role="Safeguarding lead",
        question="Is a child of 10 left alone after school a referral?",
        advice="Below threshold on its own.",
        at=now - dt.timedelta(hours=3),
        by=worker,
    )
    became = record_consultation(
        caller_agency="Exampleton Primary School",
        caller_role="Safeguarding lead",
        question="A child disclosed that dad hit mum last night.",
        advice="Safeguarding concerns: taken as a contact now.",
        at=now - dt.timedelta(hours=3),
        by=worker,
    )
    council.contacts["from_consultation"] = consultation_to_contact(
        consultation=became, submission=make_submission(), by=worker
    )
    council.consultations["became_contact"] = became

    # A missing episode (R9).
    council.contacts["missing"] = record_missing_episode(
        child=Child(first_name="Ellis", last_name="Examplechild", date_of_birth="2012-03-02"),
        went_missing_at=now - dt.timedelta(hours=20),
        returned_at=now - dt.timedelta(hours=4),
        missing_from="Home",
        submission=make_submission(),
        channel=Channel.EDT,
        received_at=now - dt.timedelta(hours=3),
        by=officer,
    )

    _seed_restricted(council, now=now, days_ago=days_ago)
    _seed_handoffs(council, now=now)
    for contact in council.contacts.values():
        contact.refresh_from_db()
    return council


def _seed_handoffs(council: Council, *, now: dt.datetime) -> None:
    """R44: the transferred child's hand-off accepted by the case record; the decided contact's
    stopped after its record's webhook did not answer, for an administrator to send again."""
    transferred = HandOff.objects.get(decision=council.decisions["transferred"])
    _, token = issue_token(
        user=council.users["administrator"],
        name="Case record",
        by=None,
        record_system=transferred.record_system,
    )
    handoffs.accept(user=user_for_token(token), handoff=transferred, external_id="123456")
    council.handoffs["accepted"] = transferred
    nowhere = {"url": "http://127.0.0.1:9/handoffs", "secret": "whsec_" + "QUJD" * 8}
    systems = current_policy().handoffs.record_systems  # each council names its own
    webhooks = {serving_council(): {system.key: nowhere for system in systems}}
    with override_settings(HANDOFF_WEBHOOKS=webhooks, HANDOFF_MOST_ATTEMPTS=1):
        delivery.deliver_due(now)
    council.handoffs["stopped"] = HandOff.objects.filter(
        contact=council.contacts["decided"], state=HandOff.State.DEAD
    ).first()  # type: ignore[assignment]  # the decided contact was handed off
    # R20: the children routed to early help, one of them restricted (R45).
    for key in ("early_help", "restricted_early_help"):
        council.handoffs[key] = HandOff.objects.get(decision=council.decisions[key])


def _seed_restricted(council: Council, *, now: dt.datetime, days_ago: dt.datetime) -> None:
    """A child whose record an administrator restricted to one MASH manager (R45): in MASH with
    police asked, screened for exploitation and missing, so every list that could show them has
    something to show."""
    users = council.users
    worker, manager = users["mash_social_worker"], users["mash_manager"]
    child = {
        "first_name": "Ottoline",
        "last_name": RESTRICTED_NAME,
        "date_of_birth": "2012-05-09",
        "gender": "female",
        "postcode": "L21 7PQ",
    }
    mother = {
        "first_name": "Morwenna",
        "last_name": RESTRICTED_NAME,
        "relationship_to_child": "Mother",
        "parental_responsibility": "yes",
        "lives_with_child": "yes",
    }
    contact = record_contact(
        submission=make_submission(children=[child], adults=[mother]),
        channel=Channel.TELEPHONE,
        received_at=days_ago,
        by=users["contact_officer"],
    ).contact
    council.contacts["restricted"] = contact
    council.attachments["restricted"] = add_attachment(
        report=contact.reports.get(),
        uploaded_file=SimpleUploadedFile(f"{RESTRICTED_NAME} letter.pdf", PDF, "application/pdf"),
    )
    reported: ReportedChild = contact.children.get()
    person = create_person_from(reported=reported, by=worker)
    council.people["restricted"] = person
    council.enquiries["restricted"] = _to_mash(
        contact, worker, manager, agencies=["police"], now=days_ago + dt.timedelta(hours=1)
    )
    council.requests["police_restricted"] = council.enquiries["restricted"].requests.get()
    meetings.record_exploitation_screening(
        contact=contact,
        child=reported,
        by=worker,
        referrer_screening="Found with older males, with cash.",
        risk_assessment="High risk of criminal exploitation.",
        risk="high",
        now=now - dt.timedelta(hours=2),
    )
    missing = record_missing_episode(
        child=Child.model_validate(child),
        went_missing_at=now - dt.timedelta(hours=10),
        returned_at=None,
        missing_from="Home",
        submission=make_submission(children=[child], adults=[mother]),
        channel=Channel.POLICE_NOTIFICATION,
        received_at=now - dt.timedelta(hours=9),
        by=users["contact_officer"],
    )
    link_reported_person(reported=missing.children.get(), person=person, by=worker)
    council.contacts["restricted_missing"] = missing
    # Routed to early help: the early help worker's list must say only whom to ask (R45).
    council.decisions["restricted_early_help"] = record_decision(
        contact=missing,
        child=missing.children.get(),
        by=manager,
        now=now - dt.timedelta(hours=8),
        **_early_help(),
    )
    # Police, asked in MASH, escalate it before the restriction: its page and the escalation
    # lists must then hide it as the contact is hidden (R45).
    council.escalations["restricted"] = open_escalation(
        contact=contact,
        about=f"Physical assault on Ottoline {RESTRICTED_NAME} was not weighed.",
        by=users["partner_agency"],
        now=now - dt.timedelta(hours=1),
    )
    restrict(
        person=person,
        allowed_users=[users["named_manager"]],
        ask="The MASH manager named on the record",
        reason="A family member works in children's services.",
        by=users["administrator"],
    )
