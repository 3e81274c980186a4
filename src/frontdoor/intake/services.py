"""Recording contacts (R1-R11): every change to a contact goes through a function here.

Each function takes keyword arguments and the acting user, runs in one transaction, checks
permission then state, writes the change with its audit entry and clocks, and refuses anything
else with a `DomainError` a worker can act on.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import PermissionDeniedError, require
from frontdoor.accounts.roles import is_partner
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import (
    Channel,
    Consultation,
    Contact,
    MissingEpisode,
    Report,
    ReportedAdult,
    ReportedChild,
)
from frontdoor.intake.submissions import OLDEST_BIRTH_DATE, Adult, Child, Submission
from frontdoor.new_rows import NewRows
from frontdoor.people.ages import is_child_on
from frontdoor.people.names import fold, is_nickname_of
from frontdoor.people.services import as_text
from frontdoor.policy.clocks import LONDON, start_clock
from frontdoor.policy.councils import of_served_council
from frontdoor.policy.registry import calendar_for, current_loaded_policy
from frontdoor.policy.schema import TimescaleKey
from frontdoor.policy.versions import current_policy_version

# Channels whose sender checks progress with a status code: a member of the public on the online
# form (no sign-in) and a partner system through the API (a token, acting as its user).
PUBLIC_CHANNELS = frozenset({Channel.ONLINE_FORM, Channel.API})
# Written channels: a written report follows up a telephoned immediate concern (R3).
WRITTEN_CHANNELS = frozenset({Channel.ONLINE_FORM, Channel.LETTER, Channel.EMAIL, Channel.API})
# R3: an immediate concern told by word of mouth (telephoned, in person, or to the EDT out of
# hours) must be followed by the written referral.
SPOKEN_CHANNELS = frozenset({Channel.TELEPHONE, Channel.IN_PERSON, Channel.EDT})
# A clock skew allowance: a report cannot arrive later than now.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

# References are read over the phone: no 0/O, 1/I/L, and no vowels to spell words.
_REFERENCE_ALPHABET = "23456789BCDFGHJKMNPQRSTVWXYZ"
# How many new references to try when the one drawn is already taken.
REFERENCE_ATTEMPTS = 10


def new_reference() -> str:
    body = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))
    return f"FD-{body[:4]}-{body[4:]}"


def _signing_keys() -> list[str]:
    # The current key, then those it replaced (FRONTDOOR_SECRET_KEY_FALLBACKS): after a rotation
    # every status code given before it still works, as signed-in sessions do.
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def _secret_digest(secret: str, key: str | None = None) -> str:
    return salted_hmac(
        "frontdoor.intake.status", secret, secret=key, algorithm="sha256"
    ).hexdigest()


def _status_secret(
    channel: Channel, submission_key: str | None, key: str | None = None, *, by: User | None
) -> str:
    """The secret with which the sender of a report on a public channel, or a partner agency's
    system on any channel it may send (the police's notifications), checks its progress.

    Under a submission key it is derived from the key (and the server's secret key), so a
    retry, sent because the first answer was lost, gets the same secret back with the same
    contact: the sender cannot tell whether it was the first. Only the sender can send under
    its key (API keys are the token user's own), and only with the same content (`_existing`).
    """
    if channel not in PUBLIC_CHANNELS and not _is_partner(by):
        return ""
    if not submission_key:
        return secrets.token_urlsafe(12)
    derived = salted_hmac(
        "frontdoor.intake.status-secret", submission_key, secret=key, algorithm="sha256"
    )
    return base64.urlsafe_b64encode(derived.digest()[:12]).decode()


def _recorded_before(report: Report, submission_key: str | None) -> Recorded:
    """The answer to a submission recorded before: its contact, and the same secret when it
    can be made again (not for a report whose secret was drawn at random: then none)."""
    for key in _signing_keys():
        secret = _status_secret(Channel(report.channel), submission_key, key, by=report.recorded_by)
        if secret and constant_time_compare(_secret_digest(secret, key), report.status_secret_hash):
            return Recorded(
                contact=report.contact, report=report, created=False, status_secret=secret
            )
    return Recorded(contact=report.contact, report=report, created=False)


@dataclass(frozen=True)
class Recorded:
    """The result of recording a report; `status_secret` is its sender's (`_status_secret`)."""

    contact: Contact
    report: Report
    created: bool
    status_secret: str = ""


def _acting_user(by: User | None) -> User | None:
    """The signed-in user a change is recorded against; None for the public and the system."""
    return by if getattr(by, "is_authenticated", False) else None


def _check_received_at(received_at: dt.datetime, now: dt.datetime) -> None:
    if timezone.is_naive(received_at):
        raise DomainError("Give the time the report was received with its time zone.")
    if received_at > now + FUTURE_TOLERANCE:
        raise DomainError("The time the report was received cannot be in the future.")
    # No report reached the council before anyone it could be about was born; and a clock cannot
    # start at a time the calendar cannot reach (the year 1, in another time zone).
    if received_at.date() < OLDEST_BIRTH_DATE:
        raise DomainError(
            f"The time the report was received cannot be before {OLDEST_BIRTH_DATE.year}."
        )


def _digest(submission: Submission) -> str:
    return hashlib.sha256(submission.model_dump_json().encode()).hexdigest()


def _existing(submission_key: str | None, submission: Submission | None = None) -> Report | None:
    """The report already recorded under `submission_key`, if any.

    A key sent again with different content is a mistake by the sender (a reused key), not a
    retry: it is refused rather than answered with the first report.
    """
    if not submission_key:
        return None
    report = Report.objects.select_related("contact").filter(submission_key=submission_key).first()
    if (
        report is not None
        and submission is not None
        and report.submission_digest
        and report.submission_digest != _digest(submission)
    ):
        raise DomainError(
            "This submission key was already used for a different report: "
            "send a new report with a new key."
        )
    return report


# What an expectant parent added as a child keeps of the details given for them as an adult.
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "other_names",
    "date_of_birth",
    "gender",
    "ethnicity",
    "first_language",
    "religion",
    "address",
    "postcode",
)


def young_expectant_parents(submission: Submission, *, on: dt.date) -> list[Adult]:
    """R5: the expectant parents among a report's adults who are children on `on`."""
    return [
        adult
        for adult in submission.adults
        if adult.expectant_parent and is_child_on(adult.date_of_birth, on)
    ]


def _people(*, contact: Contact, report: Report, submission: Submission) -> tuple[list, list]:
    """The children and adults a report names, as new rows.

    R5: an expectant parent under 18 is a child in their own right: they stay among the adults
    as the unborn child's parent, and are added as a child of the contact, to be screened and
    decided like any other.
    """
    children = [
        ReportedChild(
            contact=contact,
            report=report,
            **child.model_dump(exclude={"disabilities"}),
            unborn_at_contact=child.unborn,
            # Stored as the person record stores them: the codes, separated by spaces.
            disabilities=" ".join(child.disabilities),
        )
        for child in submission.children
    ]
    on = report.received_at.astimezone(LONDON).date()
    children += [
        ReportedChild(
            contact=contact,
            report=report,
            expectant_parent=True,
            **{name: getattr(adult, name) for name in PERSON_FIELDS},
        )
        for adult in young_expectant_parents(submission, on=on)
    ]
    adults = [
        ReportedAdult(contact=contact, report=report, **adult.model_dump())
        for adult in submission.adults
    ]
    return children, adults


# The details two accounts of one child may give differently (R3, R7): a difference is listed
# for a worker to resolve, and neither account is changed.
ACCOUNT_DETAILS = (
    *PERSON_FIELDS,
    "sex",
    "disabilities",
    "nhs_number",
    "school_or_nursery",
)


def same_child(one: ReportedChild | ReportedAdult, other: ReportedChild | ReportedAdult) -> bool:
    """R3, R7: whether two reports of one incident name the same child (or the same adult: the
    rule is the same, and an adult is never unborn).

    The same child is the same person, once screening has matched both to one; before matching,
    the same first name (or a known short form of it, `people.names.is_nickname_of`) and surname
    as names are folded for matching, and the same date of birth, or expected date of birth for
    an unborn child. Two children with the same name and different dates are two children.
    """
    if one.person_id is not None and one.person_id == other.person_id:
        return True
    if getattr(one, "unborn", False) != getattr(other, "unborn", False):
        return False
    # An adult has no expected date of birth (nor, as the migrations read it, the attribute).
    if (one.date_of_birth, getattr(one, "expected_date_of_birth", None)) != (
        other.date_of_birth,
        getattr(other, "expected_date_of_birth", None),
    ):
        return False
    first, other_first = fold(one.first_name), fold(other.first_name)
    return fold(one.last_name) == fold(other.last_name) and (
        first == other_first or is_nickname_of(first, other_first)
    )


def account_differences(
    child: ReportedChild | ReportedAdult, account: ReportedChild | ReportedAdult
) -> dict[str, dict]:
    """The details a further account of `child` gives differently from it (R3, R7, R22).

    A detail one of them leaves blank is not a difference. Screening lists these as conflicts on
    the person's record when the child is linked (`screening.linking.link_reported_person`).
    """
    differences = {}
    for name in ACCOUNT_DETAILS:
        # An adult has no school: a detail only a child has is none of an adult's.
        on_contact, given = getattr(child, name, ""), getattr(account, name, "")
        if on_contact in ("", None, "not_known") or given in ("", None, "not_known"):
            continue
        if isinstance(given, str) and fold(given) == fold(on_contact):
            continue
        if given != on_contact:
            differences[name] = {"on_contact": as_text(on_contact), "given": as_text(given)}
    return differences


def _further_accounts(
    contact: Contact, people: list[ReportedChild] | list[ReportedAdult]
) -> list[dict]:
    """Make each of a further report's children (or adults) the contact already has a further
    account of that child or adult (R3, R7); return, for the audit entry, which and how their
    details differ."""
    if not people:
        return []
    kind = "child" if isinstance(people[0], ReportedChild) else "adult"
    model = type(people[0])
    existing: list = list(model.objects.filter(contact=contact))
    accounts = []
    for new in people:
        first = next((c for c in existing if same_child(c, new)), None)
        if first is None:
            continue
        existing.remove(first)  # one account per person from each report
        new.account_of = first
        new.person_id = first.person_id
        accounts.append(
            {
                kind: first.pk,
                "name": first.name,
                "differences": account_differences(first, new),
            }
        )
    return accounts


def _add_report(
    rows: NewRows,
    *,
    contact: Contact,
    submission: Submission,
    channel: Channel,
    received_at: dt.datetime,
    submission_key: str | None,
    status_secret: str,
    further: bool = False,
) -> tuple[Report, list[dict]]:
    """Add a report to `rows`, with the children and adults it names: for a `further` report of
    the contact, a child the contact already has is a further account of it (`same_child`)."""
    referrer, concern, consent = submission.referrer, submission.concern, submission.consent
    report = Report(
        contact=contact,
        channel=channel,
        received_at=received_at,
        recorded_by=rows.user,
        submission_key=submission_key or None,
        submission_digest=_digest(submission) if submission_key else "",
        referrer_type=referrer.type,
        referrer_name=referrer.name,
        referrer_agency=referrer.agency,
        referrer_role=referrer.role,
        referrer_phone=referrer.phone,
        referrer_email=referrer.email,
        referrer_address=referrer.address,
        referrer_relationship=referrer.relationship_to_child,
        referrer_feedback_by=referrer.feedback_by,
        referrer_agrees_to_contact=referrer.agrees_to_contact,
        consent=consent.consent,
        consent_not_sought_reason=consent.not_sought_reason,
        consent_notes=consent.notes,
        referrer_level_of_need=submission.referrer_level_of_need,
        summary=submission.summary,
        status_secret_hash=_secret_digest(status_secret) if status_secret else "",
        **concern.model_dump(exclude={"parents_agree"}),
        parents_agree=consent.consent.parents_agree,
    )
    rows.add([report])
    children, adults = _people(contact=contact, report=report, submission=submission)
    accounts = (
        [*_further_accounts(contact, children), *_further_accounts(contact, adults)]
        if further
        else []
    )
    rows.add(children)
    rows.add(adults)
    return report, accounts


def _expectant_parents_added(submission: Submission, received_at: dt.datetime) -> dict:
    """For the audit entry: the expectant parents under 18 added as children (R5)."""
    young = young_expectant_parents(submission, on=received_at.astimezone(LONDON).date())
    if not young:
        return {}
    return {
        "expectant_parents_added_as_children": [
            " ".join(part for part in (adult.first_name, adult.last_name) if part)
            or adult.relationship_to_child
            for adult in young
        ]
    }


def _is_partner(by: User | None) -> bool:
    return is_partner(by)


def _check_channel(channel: Channel, by: User | None) -> None:
    # The online form is the public's, with no sign-in; a partner system's token acts with its
    # user's role, as the pages do (R45); every other channel is staff recording a contact.
    if channel == Channel.ONLINE_FORM:
        return
    if channel == Channel.API:
        require(by, "contact.report")
        return
    if _is_partner(by):
        # R2: a police notification is the police's own report, so the police's system may send
        # one as it is; any other agency, and any other channel, is the partner's own report.
        kind = _agency_kind(getattr(by, "agency_key", ""))
        if channel == Channel.POLICE_NOTIFICATION and kind == "police":
            require(by, "contact.report")
            return
        sender = (
            "the police's own system"
            if channel == Channel.POLICE_NOTIFICATION
            else "children's services staff, recording what reached them another way"
        )
        raise PermissionDeniedError(
            f'Send your agency\'s reports with the channel "api": "{channel.value}" is for '
            f"{sender}."
        )
    require(by, "contact.record")


def _agency_kind(agency_key: str) -> str:
    try:
        return current_loaded_policy().policy.agency(agency_key).kind
    except KeyError:
        return ""


def _check_consent_reason(submission: Submission) -> None:
    # R14: the policy lists the reasons consent may go unsought.
    reason = submission.consent.not_sought_reason
    allowed = {r.key for r in current_loaded_policy().policy.consent.not_sought_reasons}
    if reason and reason not in allowed:
        raise DomainError("Select one of the council's reasons for not seeking consent.")


def _check_report(
    *,
    channel: Channel | str,
    received_at: dt.datetime | None,
    by: User | None,
    submission: Submission,
) -> tuple[Channel, dt.datetime]:
    """What every report must pass before it is recorded: who records it, when it arrived, and
    the council's reasons for not seeking consent. Returns the channel and the time received."""
    channel = Channel(channel)
    _check_channel(channel, by)
    now = timezone.now()
    received_at = received_at or now
    _check_received_at(received_at, now)
    _check_consent_reason(submission)
    return channel, received_at


def record_contact(
    *,
    submission: Submission,
    channel: Channel,
    received_at: dt.datetime | None = None,
    by: User | None = None,
    submission_key: str | None = None,
    kind: Contact.Kind = Contact.Kind.CONCERN,
) -> Recorded:
    """Record a new contact from its first report (R1, R2, R3, R25).

    A submission already recorded under the same `submission_key` (a double click, the back
    button, a retried request) returns the contact it made instead of making another.
    """
    channel, received_at = _check_report(
        channel=channel, received_at=received_at, by=by, submission=submission
    )
    # Performance: no lookups before the insert. The unique constraints on the report's
    # submission key and the contact's reference are what guarantee one contact per submission
    # and one contact per reference; a query first only repeated their work for the rare retry
    # or collision. So insert, and look only when the database refuses (the transaction is
    # rolled back whole, so nothing is half-saved).
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference()
        try:
            # The contact is written by `NewRows.write`: all of it or nothing, in one transaction.
            return _record_new_contact(
                submission=submission,
                channel=channel,
                received_at=received_at,
                by=by,
                submission_key=submission_key,
                kind=kind,
                reference=reference,
            )
        except IntegrityError:
            # The same submission was recorded before (a retried request) or by a concurrent
            # request a moment ago; a reused key with other content is refused by `_existing`.
            if existing := _existing(submission_key, submission):
                return _recorded_before(existing, submission_key)
            # Or the new reference was already taken (rare: 28^8 = 3.8e11 of them): draw another.
            if not Contact.objects.filter(reference=reference).exists():
                raise
    raise DomainError("Could not make a new contact reference: please try again.")


def _record_new_contact(
    *,
    submission: Submission,
    channel: Channel,
    received_at: dt.datetime,
    by: User | None,
    submission_key: str | None,
    kind: Contact.Kind,
    reference: str,
) -> Recorded:
    loaded = current_loaded_policy()
    calendar = calendar_for(loaded)
    policy_version = current_policy_version()
    # R25: every contact is progressed within the council's timescale (Sefton: 1 working day).
    progress = start_clock(
        timescale=loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED),
        start=received_at,
        calendar=calendar,
    )
    # R3: immediate concerns are told by word of mouth, and the written referral must follow.
    follow_up = None
    if channel in SPOKEN_CHANNELS and submission.concern.immediate_protection_needed == "yes":
        follow_up = start_clock(
            timescale=loaded.policy.timescale(TimescaleKey.WRITTEN_FOLLOW_UP),
            start=received_at,
            calendar=calendar,
        )
    contact = Contact(
        reference=reference,
        kind=kind,
        received_at=received_at,
        progress_due_at=progress.due if progress else None,
        written_follow_up_due_at=follow_up.due if follow_up else None,
        policy_version=policy_version,
    )
    # Performance: the contact, its report, children, adults, their change history and the
    # audit entry are written together (one statement on PostgreSQL): see `NewRows`.
    rows = NewRows(user=_acting_user(by), at=timezone.now())
    rows.add([contact])
    status_secret = _status_secret(channel, submission_key, by=by)
    report, _ = _add_report(
        rows,
        contact=contact,
        submission=submission,
        channel=channel,
        received_at=received_at,
        submission_key=submission_key,
        status_secret=status_secret,
    )
    event = audit.entry(
        actor=by,
        action="contact.recorded",
        target=contact,
        changes={
            "channel": channel.value,
            "children": len(submission.children),
            "adults": len(submission.adults),
            **_expectant_parents_added(submission, received_at),
            "progress_due_at": contact.progress_due_at.isoformat()
            if contact.progress_due_at
            else None,
        },
        policy_version=policy_version,
    )
    rows.add([event], target_id=contact)
    rows.write()
    return Recorded(contact=contact, report=report, created=True, status_secret=status_secret)


def attach_report(
    *,
    contact: Contact,
    submission: Submission,
    channel: Channel,
    received_at: dt.datetime | None = None,
    by: User | None = None,
    submission_key: str | None = None,
) -> Recorded:
    """Add another report of the same incident to a contact (R7), or the written follow-up (R3).

    The contact is not held up waiting for other reports: its clocks do not change.
    """
    channel, received_at = _check_report(
        channel=channel, received_at=received_at, by=by, submission=submission
    )
    if existing := _existing(submission_key, submission):
        if existing.contact_id != contact.pk:
            raise DomainError("This submission was already recorded on another contact.")
        return _recorded_before(existing, submission_key)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.state == Contact.State.CLOSED:
            raise DomainError(
                f"Contact {contact.reference} is closed: record a new contact instead."
            )
        status_secret = _status_secret(channel, submission_key, by=by)
        rows = NewRows(user=_acting_user(by), at=timezone.now())
        report, accounts = _add_report(
            rows,
            contact=contact,
            submission=submission,
            channel=channel,
            received_at=received_at,
            submission_key=submission_key,
            status_secret=status_secret,
            further=True,
        )
        rows.write()
        changes = {
            "channel": channel.value,
            "report": report.pk,
            **_expectant_parents_added(submission, received_at),
        }
        if accounts:
            changes["further_accounts"] = accounts
        if contact.awaits_written_follow_up and channel in WRITTEN_CHANNELS:
            contact.written_follow_up_received_at = received_at
            contact.version += 1
            contact.save(update_fields=["written_follow_up_received_at", "version"])
            changes["written_follow_up_received_at"] = received_at.isoformat()
        audit.record(actor=by, action="contact.report_attached", target=contact, changes=changes)
    return Recorded(contact=contact, report=report, created=True, status_secret=status_secret)


def record_written_referral(
    *,
    submission: Submission,
    channel: Channel,
    phone_reference: str = "",
    received_at: dt.datetime | None = None,
    by: User | None = None,
    submission_key: str | None = None,
) -> Recorded:
    """A written referral: the follow-up of the telephoned contact `phone_reference` while that
    contact awaits it (R3), or else a new contact.

    A reference that is unknown, already followed up or closed makes a new contact, which the
    MASH links by hand; the sender is told nothing about the phoned contact either way.
    """
    phoned = None
    if phone_reference and channel in WRITTEN_CHANNELS:
        phoned = (
            Contact.objects.awaiting_written_follow_up()
            .exclude(state=Contact.State.CLOSED)
            .filter(reference=phone_reference)
            .first()
        )
    if phoned is not None:
        try:
            return attach_report(
                contact=phoned,
                submission=submission,
                channel=channel,
                received_at=received_at,
                by=by,
                submission_key=submission_key,
            )
        except DomainError:
            pass  # closed since it was found: a new contact, as for any other reference
    return record_contact(
        submission=submission,
        channel=channel,
        received_at=received_at,
        by=by,
        submission_key=submission_key,
    )


@transaction.atomic
def record_missing_episode(
    *,
    child: Child,
    went_missing_at: dt.datetime,
    returned_at: dt.datetime | None,
    missing_from: str,
    submission: Submission,
    channel: Channel,
    received_at: dt.datetime | None = None,
    by: User,
    submission_key: str | None = None,
) -> Contact:
    """Record a child's missing episode as a contact (R9); `returned_at` None: still missing.

    A form sent twice under the same `submission_key` records the episode once.
    """
    require(by, "missing_episode.record")
    if existing := _existing(submission_key):
        return existing.contact
    now = timezone.now()
    if went_missing_at > now + FUTURE_TOLERANCE:
        raise DomainError("The time the child went missing cannot be in the future.")
    if returned_at is not None and returned_at < went_missing_at:
        raise DomainError("The child cannot have returned before they went missing.")
    if returned_at is not None and returned_at > now + FUTURE_TOLERANCE:
        raise DomainError("The time the child returned cannot be in the future.")
    submission = submission.model_copy(update={"children": [child]})
    recorded = record_contact(
        submission=submission,
        channel=channel,
        received_at=received_at,
        by=by,
        submission_key=submission_key,
        kind=Contact.Kind.MISSING_EPISODE,
    )
    MissingEpisode.objects.create(
        contact=recorded.contact,
        child=recorded.contact.children.get(),
        went_missing_at=went_missing_at,
        returned_at=returned_at,
        missing_from=missing_from,
    )
    return recorded.contact


@transaction.atomic
def record_consultation(
    *,
    caller_agency: str,
    caller_role: str,
    question: str,
    advice: str,
    at: dt.datetime | None = None,
    by: User,
) -> Consultation:
    """Log a professional consultation, anonymously, with the advice given (R8)."""
    require(by, "contact.record")
    if not caller_agency.strip() or not question.strip() or not advice.strip():
        raise DomainError("Enter the caller's organisation, what they asked and the advice given.")
    consultation = Consultation.objects.create(
        at=at or timezone.now(),
        recorded_by=by,
        caller_agency=caller_agency.strip(),
        caller_role=caller_role.strip(),
        question=question,
        advice=advice,
    )
    audit.record(actor=by, action="consultation.recorded", target=consultation)
    return consultation


def consultation_to_contact(
    *, consultation: Consultation, submission: Submission, by: User
) -> Contact:
    """Safeguarding concerns came out of a consultation: it becomes a contact (R8)."""
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.became_contact_id:
            raise DomainError(
                f"This consultation already became contact {consultation.became_contact.reference}."  # type: ignore[union-attr]  # its id is set
            )
        recorded = record_contact(
            submission=submission, channel=Channel.TELEPHONE, received_at=consultation.at, by=by
        )
        consultation.became_contact = recorded.contact
        consultation.save(update_fields=["became_contact"])
        audit.record(
            actor=by,
            action="consultation.became_contact",
            target=consultation,
            changes={"contact": recorded.contact.reference},
        )
    return recorded.contact


def referrer_status(*, reference: str, secret: str) -> str | None:
    """The stage of a referrer's own submission, or None when the pair does not match.

    Nothing else is revealed: not the children, the outcome or other reports.
    """
    reports = Report.objects.filter(
        of_served_council("contact__council"),
        contact__reference=reference.strip().upper(),
        status_secret_hash__gt="",
    ).select_related("contact")
    digests = [_secret_digest(secret.strip(), key) for key in _signing_keys()]
    for report in reports:
        if any(constant_time_compare(report.status_secret_hash, d) for d in digests):
            return report.contact.get_state_display()
    return None
