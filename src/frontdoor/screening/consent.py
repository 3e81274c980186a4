"""Consent to share information, and sharing without it (R12-R16).

The one home of "may the front door share this child's information with other agencies?":
decisions that refer to another agency and MASH enquiries both ask `sharing_position`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.accounts.roles import Role
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Consent as ReferrerConsent
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild
from frontdoor.people.ages import age_on
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.models import ConsentRecord, ConsentStatus, SharingAuthorisation


def _reason_keys(policy: Policy) -> dict[str, str]:
    return {reason.key: reason.label for reason in policy.consent.not_sought_reasons}


def gives_own_consent(policy: Policy, child: ReportedChild, on: dt.date) -> bool:
    """R13: a young person of the policy's age gives their own consent about themselves."""
    age = age_on(child.date_of_birth, on)
    return age is not None and age >= policy.consent.own_consent_from_age


@transaction.atomic
def record_consent(
    *,
    contact: Contact,
    by,
    status: str,
    adult: ReportedAdult | None = None,
    child: ReportedChild | None = None,
    not_sought_reason: str = "",
    notes: str = "",
    now: dt.datetime | None = None,
) -> ConsentRecord:
    """Record what one parent, carer or young person said about sharing (R12-R14)."""
    require(by, "contact.screen")
    policy = current_policy()
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state == Contact.State.CLOSED:
        raise DomainError(f"Contact {contact.reference} is closed: consent cannot be recorded.")
    if (adult is None) == (child is None):
        raise DomainError("Choose the one person whose consent this is.")
    person = adult or child
    if person.contact_id != contact.pk:
        raise DomainError(f"{person} is not part of contact {contact.reference}.")
    if child is not None and not gives_own_consent(policy, child, now.astimezone(LONDON).date()):
        raise DomainError(
            f"{child} is under {policy.consent.own_consent_from_age}: their parents or carers "
            "give consent for them (R13)."
        )
    if status not in ConsentStatus.values:
        raise DomainError("Choose whether consent was given, refused or not sought.")
    reasons = _reason_keys(policy)
    if status == ConsentStatus.NOT_SOUGHT:
        if not_sought_reason not in reasons:
            raise DomainError(
                "Say why consent was not sought: one of the reasons the council's policy allows "
                "(R14)."
            )
    elif not_sought_reason:
        raise DomainError("A reason for not seeking consent is only given when it was not sought.")
    record = ConsentRecord.objects.create(
        contact=contact,
        adult=adult,
        child=child,
        status=status,
        not_sought_reason=not_sought_reason,
        notes=notes.strip(),
        recorded_by=by,
        recorded_at=now,
        policy_version=current_policy_version(),
    )
    audit.record(
        actor=by,
        action="consent.recorded",
        target=contact,
        changes={"person": str(person), "status": status, "not_sought_reason": not_sought_reason},
        reason=notes.strip(),
        policy_version=record.policy_version,
        at=now,
    )
    return record


_AUTHORISERS = {"mash_manager": Role.MASH_MANAGER, "service_manager": Role.SERVICE_MANAGER}


@transaction.atomic
def authorise_sharing_without_consent(
    *, contact: Contact, by, reason: str, explanation: str, now: dt.datetime | None = None
) -> SharingAuthorisation:
    """A manager authorises sharing without consent, with the R14 reason and why (R14)."""
    require(by, "consent.authorise_without")
    policy = current_policy()
    authoriser = _AUTHORISERS[policy.consent.sharing_without_consent_authorised_by]
    if by.role != authoriser:
        raise DomainError(
            f"The council's policy says a {authoriser.label.lower()} authorises sharing "
            "without consent."
        )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if reason not in _reason_keys(policy):
        raise DomainError("Choose which of the policy's reasons applies (R14).")
    if not explanation.strip():
        raise DomainError("Explain why sharing without consent is justified for this child.")
    now = now or timezone.now()
    authorisation = SharingAuthorisation.objects.create(
        contact=contact,
        reason=reason,
        explanation=explanation.strip(),
        authorised_by=by,
        authorised_at=now,
        policy_version=current_policy_version(),
    )
    audit.record(
        actor=by,
        action="consent.sharing_authorised",
        target=contact,
        changes={"reason": reason},
        reason=explanation.strip(),
        policy_version=authorisation.policy_version,
        at=now,
    )
    return authorisation


@dataclass(frozen=True)
class PersonConsent:
    name: str
    who: str  # "Mother, parental responsibility" / "Young person (17)"
    status: str  # a ConsentStatus value, or "" when nothing is recorded
    record: ConsentRecord | None
    has_parental_responsibility: bool


@dataclass(frozen=True)
class SharingPosition:
    """Whether information about the contact's children may be shared, and why (R12-R16)."""

    consent_given: bool
    refused_by: list[str]
    authorisation: SharingAuthorisation | None
    from_referral: str  # what the referrer said, in words
    people: list[PersonConsent]
    return_to_referrer: bool  # R15: the council may return it before processing

    def may_share_at(self, policy: Policy, level: int) -> tuple[bool, str]:
        """May the front door share at `level`? With the reason either way (R16)."""
        if self.consent_given and not self.refused_by:
            return True, "Consent to share has been given."
        if level in policy.consent.may_be_dispensed_at_levels and self.authorisation:
            return True, (
                f"Sharing without consent authorised by {self.authorisation.authorised_by} "
                f"on {self.authorisation.authorised_at.astimezone(LONDON):%d %B %Y}."
            )
        if level in policy.consent.may_be_dispensed_at_levels:
            return False, (
                f"At level {level} consent may be set aside, but only with a manager's recorded "
                "authorisation (R14): record it on the consent section first."
            )
        if self.refused_by:
            return False, (
                f"Consent was refused by {', '.join(self.refused_by)}; at level {level} consent "
                "is required (R16)."
            )
        return False, (
            f"At level {level} consent is required before information is shared or the child "
            "is referred to another agency (R16): record the parents' consent first."
        )


def sharing_position(*, contact: Contact, adults, children, policy: Policy) -> SharingPosition:
    records = list(ConsentRecord.objects.filter(contact=contact).select_related("recorded_by"))
    latest_for_adult: dict[int, ConsentRecord] = {}
    latest_for_child: dict[int, ConsentRecord] = {}
    for record in records:  # in order: the last one wins
        if record.adult_id:
            latest_for_adult[record.adult_id] = record
        else:
            latest_for_child[record.child_id] = record
    on = contact.received_at.astimezone(LONDON).date()
    people = []
    for adult in adults:
        record = latest_for_adult.get(adult.pk)
        has_pr = adult.parental_responsibility == "yes"
        who = adult.relationship_to_child or "Adult"
        if has_pr:
            who += ", parental responsibility"
        people.append(
            PersonConsent(str(adult), who, record.status if record else "", record, has_pr)
        )
    for child in children:
        if gives_own_consent(policy, child, on):
            record = latest_for_child.get(child.pk)
            age = age_on(child.date_of_birth, on)
            people.append(
                PersonConsent(
                    str(child),
                    f"Young person ({age})",
                    record.status if record else "",
                    record,
                    False,
                )
            )
    recorded = [person for person in people if person.record]
    refused_by = [person.name for person in recorded if person.status == ConsentStatus.REFUSED]
    if recorded:
        consent_given = any(
            person.status == ConsentStatus.GIVEN
            and (person.has_parental_responsibility or person.who.startswith("Young person"))
            for person in recorded
        )
    else:
        consent_given = False
    referral_consents = {report.consent for report in contact.reports.all() if report.consent}
    if not recorded and referral_consents == {ReferrerConsent.GIVEN}:
        # Until screening speaks to the family, the referrer's account stands.
        consent_given = True
    from_referral = ", ".join(
        sorted(ReferrerConsent(value).label.lower() for value in referral_consents)
    )
    authorisation = (
        SharingAuthorisation.objects.filter(contact=contact)
        .select_related("authorised_by")
        .order_by("-authorised_at", "-id")
        .first()
    )
    return SharingPosition(
        consent_given=consent_given,
        refused_by=refused_by,
        authorisation=authorisation,
        from_referral=from_referral,
        people=people,
        return_to_referrer=policy.consent.return_referrals_without_consent
        and ReferrerConsent.GIVEN not in referral_consents,
    )
