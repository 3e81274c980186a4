"""Consent to share information, and sharing without it (R12-R16).

The one home of "may the front door share this child's information with other agencies?":
decisions that refer to another agency and MASH enquiries both ask `sharing_position(...)
.for_child(child)`. Consent is per person and per child: a young person of the policy's age
consents for their own information (R13); those with parental responsibility for a younger
child (R12). A refusal in the referral stands until consent is sought again, and consent from an
earlier episode carries into a new contact only where the policy does not re-seek it (R12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import require
from frontdoor.accounts.roles import Role
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Consent as ReferrerConsent
from frontdoor.intake.models import Contact, ReportedAdult, ReportedChild, YesNoUnknown
from frontdoor.people.ages import age_on
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import Policy
from frontdoor.policy.versions import current_policy_version
from frontdoor.screening.models import (
    ConsentRecord,
    ConsentStatus,
    ReferralReturn,
    SharingAuthorisation,
)
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


def _reason_keys(policy: Policy) -> dict[str, str]:
    return policy.consent.reason_labels()


def consent_day(contact: Contact) -> dt.date:
    """The day ages are taken on for consent: the day the contact arrived (R13)."""
    return contact.received_at.astimezone(LONDON).date()


def gives_own_consent(policy: Policy, child: ReportedChild, on: dt.date) -> bool:
    """R13: a young person of the policy's age gives their own consent about themselves."""
    age = age_on(child.date_of_birth, on)
    return age is not None and age >= policy.consent.own_consent_from_age


def under_own_consent_age(policy: Policy, adult: ReportedAdult, on: dt.date) -> bool:
    """R5, R13: one of a contact's adults known to be younger than the policy's own-consent age
    (a young expectant parent): their parents or carers consent for them, so their own consent
    counts for no child, not even their unborn baby; a refusal they give is still heard."""
    age = age_on(adult.date_of_birth, on)
    return age is not None and age < policy.consent.own_consent_from_age


def is_same_person(adult: ReportedAdult, child: ReportedChild) -> bool:
    """R5: an expectant parent who is a child is among the adults, as the unborn baby's parent,
    and among the children, in their own right (`intake.services`): the same person, who does
    not speak for themselves as a parent would."""
    if adult.person_id is not None and adult.person_id == child.person_id:
        return True
    return (
        adult.expectant_parent
        and child.expectant_parent
        and (adult.first_name, adult.last_name, adult.date_of_birth)
        == (child.first_name, child.last_name, child.date_of_birth)
    )


@transaction.atomic
def record_consent(
    *,
    contact: Contact,
    by: User,
    status: str,
    adult: ReportedAdult | None = None,
    child: ReportedChild | None = None,
    about: Sequence[ReportedChild] = (),
    not_sought_reason: str = "",
    notes: str = "",
    now: dt.datetime | None = None,
) -> list[ConsentRecord]:
    """Record what one parent, carer or young person said about sharing, for each child it is
    about (R12-R14).

    A young person (`child`) speaks for themselves. A parent or carer (`adult`) speaks for the
    children in `about`, each younger than the policy's age; one record is kept per child.
    """
    require(by, "contact.screen")
    policy = current_policy()
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state == Contact.State.CLOSED:
        raise DomainError(f"Contact {contact.reference} is closed: consent cannot be recorded.")
    if (adult is None) == (child is None):
        raise DomainError("Choose the one person whose consent this is.")
    person = adult or child
    if person.contact_id != contact.pk:  # type: ignore[union-attr]  # one of them, checked above
        raise DomainError(f"{person} is not part of contact {contact.reference}.")
    on = consent_day(contact)
    if child is not None:
        if not gives_own_consent(policy, child, on):
            raise DomainError(
                f"{child} is under {policy.consent.own_consent_from_age}: their parents or carers "
                "give consent for them."
            )
        if any(other.pk != child.pk for other in about):
            raise DomainError(
                f"{child} gives consent about their own information only: each child's consent "
                "is recorded for that child.",
                field="about",
            )
        about = [child]
    else:
        about = list(dict.fromkeys(about))
        if not about:
            raise DomainError("Select the children this consent is for", field="about")
        for each in about:
            if each.contact_id != contact.pk:
                raise DomainError(f"{each} is not part of contact {contact.reference}.")
            if gives_own_consent(policy, each, on):
                raise DomainError(
                    f"{each} is {policy.consent.own_consent_from_age} or over and gives their "
                    "own consent: record it as theirs."
                )
            if is_same_person(adult, each):  # type: ignore[arg-type]  # the adult's branch
                raise DomainError(
                    f"{each} cannot consent for themselves as a parent: under "
                    f"{policy.consent.own_consent_from_age}, their parents or carers give "
                    "consent for them.",
                    field="about",
                )
        if adult.parental_responsibility == YesNoUnknown.NO:  # type: ignore[union-attr]  # the child's is the other branch
            raise DomainError(
                f"{adult} does not hold parental responsibility: record the consent of those "
                "who do."
            )
    if status not in ConsentStatus.values:
        raise DomainError("Choose whether consent was given, refused or not sought.")
    reasons = _reason_keys(policy)
    if status == ConsentStatus.NOT_SOUGHT:
        if not_sought_reason not in reasons:
            raise DomainError(
                "Say why consent was not sought: one of the reasons the council's policy allows."
            )
    elif not_sought_reason:
        raise DomainError("A reason for not seeking consent is only given when it was not sought.")
    version = current_policy_version()
    records = [
        ConsentRecord.objects.create(
            contact=contact,
            adult=adult,
            child=child,
            about_child=each,
            status=status,
            not_sought_reason=not_sought_reason,
            notes=notes.strip(),
            recorded_by=by,
            recorded_at=now,
            policy_version=version,
        )
        for each in about
    ]
    audit.record(
        actor=by,
        action="consent.recorded",
        target=contact,
        changes={
            "person": str(person),
            "for": [str(each) for each in about],
            "status": status,
            "not_sought_reason": not_sought_reason,
        },
        reason=notes.strip(),
        policy_version=version,
        at=now,
    )
    return records


_AUTHORISERS = {"mash_manager": Role.MASH_MANAGER, "service_manager": Role.SERVICE_MANAGER}


@transaction.atomic
def authorise_sharing_without_consent(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    reason: str,
    explanation: str,
    now: dt.datetime | None = None,
) -> SharingAuthorisation:
    """A manager authorises sharing one child's information without consent, with the R14
    reason and why (R14)."""
    require(by, "consent.authorise_without")
    policy = current_policy()
    authoriser = _AUTHORISERS[policy.consent.sharing_without_consent_authorised_by]
    if by.role != authoriser:
        raise DomainError(
            f"The council's policy says a {in_sentence(authoriser.label)} authorises sharing "
            "without consent."
        )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if child.contact_id != contact.pk:
        raise DomainError(f"{child} is not part of contact {contact.reference}.")
    if reason not in _reason_keys(policy):
        raise DomainError("Choose which of the policy's reasons applies.")
    if not explanation.strip():
        raise DomainError("Explain why sharing without consent is justified for this child.")
    now = now or timezone.now()
    authorisation = SharingAuthorisation.objects.create(
        contact=contact,
        child=child,
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
        changes={"child": str(child), "reason": reason},
        reason=explanation.strip(),
        policy_version=authorisation.policy_version,
        at=now,
    )
    return authorisation


@dataclass(frozen=True)
class PersonConsent:
    """What one person who speaks for a child said, as it stands (R12, R13)."""

    name: str
    who: str  # "Mother, parental responsibility" / "Young person (17)"
    status: str  # a ConsentStatus value, or "" when nothing stands
    record: ConsentRecord | None
    # Their consent counts for the child: the young person, or a known holder of parental
    # responsibility. A refusal counts from anyone who may hold it.
    consent_counts: bool
    refusal_counts: bool


@dataclass(frozen=True)
class ChildConsent:
    """Whether one child's information may be shared, and why (R12-R16)."""

    child: ReportedChild
    own_consent: bool  # R13: the young person speaks for themselves
    people: list[PersonConsent]
    consent_given: bool
    refused_by: list[str]
    basis: str  # how consent stands, in words
    authorisation: SharingAuthorisation | None
    earlier_episode: str = ""  # R12: what an earlier contact recorded, and whether it carries

    def authorised_at(self, policy: Policy, level: int) -> bool:
        """Does a manager's authorisation to share without consent count at `level`? Only where
        the policy lets consent be set aside (R14, R16: level 4, child protection): at other
        levels consent is required whatever was authorised."""
        return self.authorisation is not None and policy.consent.may_be_set_aside_at(level)

    def may_share_at(self, policy: Policy, level: int) -> tuple[bool, str]:
        """May the front door share this child's information at `level`? With the reason (R16)."""
        if self.consent_given and not self.refused_by:
            return True, f"Consent to share about {self.child} has been given: {self.basis}."
        if self.authorised_at(policy, level) and self.authorisation:
            return True, (
                f"Sharing about {self.child} without consent authorised by "
                f"{self.authorisation.authorised_by} on "
                f"{self.authorisation.authorised_at.astimezone(LONDON):%d %B %Y}."
            )
        if policy.consent.may_be_set_aside_at(level):
            return False, (
                f"At level {level} consent may be set aside, but only with a manager's recorded "
                f"authorisation for {self.child}: record it on the consent section first."
            )
        if self.refused_by:
            return False, (
                f"Consent for {self.child} was refused by {', '.join(self.refused_by)}; at level "
                f"{level} consent is required."
            )
        whose = "their own" if self.own_consent else "their parents'"
        return False, (
            f"At level {level} consent is required before information is shared or the child "
            f"is referred to another agency: record {whose} consent for {self.child} first."
        )


@dataclass(frozen=True)
class SharingPosition:
    """Each child's consent position on a contact, and what the referral said (R12-R16)."""

    children: list[ChildConsent]
    from_referral: str  # what the referrer said, in words
    return_to_referrer: bool  # R15: the council may return it before processing
    statements: list[tuple[dt.datetime, str]] = field(default_factory=list)

    def for_child(self, child: ReportedChild) -> ChildConsent:
        """The consent position of one child: the only one a sharing check about them reads."""
        for position in self.children:
            if position.child.pk == child.pk:
                return position
        raise DomainError(f"{child} is not part of this contact.")


def referral_statements(contact: Contact) -> list[tuple[dt.datetime, str]]:
    """What the referrers said of consent, with when, oldest first (R12, R15).

    A referrer who came back with consent after their referral was returned (R15) said "given".
    """
    said = sorted(
        (report.received_at, report.consent) for report in contact.reports.all() if report.consent
    )
    resumed = (
        ReferralReturn.objects.filter(contact=contact, resumed_at__isnull=False)
        .order_by("-resumed_at")
        .values_list("resumed_at", flat=True)
        .first()
    )
    if resumed is None:
        return said
    # What the referrer said on coming back replaces what the referrals said before it.
    return [(resumed, ReferrerConsent.GIVEN)] + [(at, value) for at, value in said if at > resumed]


def _who(adult: ReportedAdult) -> str:
    who = adult.relationship_to_child or "Adult"
    if adult.parental_responsibility == YesNoUnknown.YES:
        return who + ", parental responsibility"
    if adult.parental_responsibility == YesNoUnknown.NO:
        return who + ", no parental responsibility"
    return who + ", parental responsibility not known"


def _latest(records: list[ConsentRecord], matches) -> ConsentRecord | None:
    found = None
    for record in records:  # in time order: the last one wins
        if matches(record):
            found = record
    return found


def _child_consent(
    *,
    policy: Policy,
    contact: Contact,
    child: ReportedChild,
    adults: list[ReportedAdult],
    records: list[ConsentRecord],
    statements: list[tuple[dt.datetime, str]],
    authorisations: list[SharingAuthorisation],
    carry: bool = True,
) -> ChildConsent:
    on = consent_day(contact)
    own = gives_own_consent(policy, child, on)
    people: list[PersonConsent] = []
    if own:
        record = _latest(records, lambda r: r.child_id == child.pk)
        people.append(
            PersonConsent(
                str(child),
                f"Young person ({age_on(child.date_of_birth, on)})",
                record.status if record else "",
                record,
                consent_counts=True,
                refusal_counts=True,
            )
        )
    else:
        for adult in adults:
            if is_same_person(adult, child):
                continue  # R5: a young expectant parent does not speak for themselves
            record = _latest(
                records,
                lambda r, adult=adult: (
                    r.adult_id == adult.pk and r.about_child_id in (None, child.pk)
                ),
            )
            if record is None and adult.parental_responsibility == YesNoUnknown.NO:
                continue  # they do not speak for the child
            young = under_own_consent_age(policy, adult, on)
            who = _who(adult)
            if young:
                who += f", aged {age_on(adult.date_of_birth, on)}: a refusal counts, not consent"
            people.append(
                PersonConsent(
                    str(adult),
                    who,
                    record.status if record else "",
                    record,
                    consent_counts=adult.parental_responsibility == YesNoUnknown.YES and not young,
                    refusal_counts=adult.parental_responsibility != YesNoUnknown.NO,
                )
            )
    # R12: a refusal in the referral stands until consent is sought again for this child.
    refused_at = max(
        (at for at, said in statements if said == ReferrerConsent.REFUSED), default=None
    )
    # What referrers said since the last refusal: the referrer may have sought it again (R15).
    since = [(at, said) for at, said in statements if refused_at is None or at > refused_at]
    asked = [
        person
        for person in people
        if person.record
        and person.status in (ConsentStatus.GIVEN, ConsentStatus.REFUSED)
        and (refused_at is None or person.record.recorded_at >= refused_at)
    ]
    refused_by = [
        person.name
        for person in asked
        if person.status == ConsentStatus.REFUSED and person.refusal_counts
    ]
    consent_given = any(
        person.status == ConsentStatus.GIVEN and person.consent_counts for person in asked
    )
    if asked:
        words = {ConsentStatus.GIVEN: "gave consent", ConsentStatus.REFUSED: "refused consent"}
        basis = "; ".join(
            f"{person.name} {words[ConsentStatus(person.status)]}" for person in asked
        )
    elif own and statements and statements[-1][1] != ReferrerConsent.NOT_SOUGHT:
        # R13: the referral speaks for those with parental responsibility; whether they gave
        # or refused it, a young person who gives their own consent has not been asked yet.
        said = in_sentence(ReferrerConsent(statements[-1][1]).label)
        basis = (
            f"the referral says the parents' or carers' consent was {said}, but {child} gives "
            "their own consent and has not been asked yet"
        )
    elif refused_at is not None and not since:
        refused_by = ["those with parental responsibility, as the referral says"]
        basis = "refused in the referral, and not yet sought again"
    elif since and {said for _, said in since} == {ReferrerConsent.GIVEN}:
        # Until screening speaks to the family, the referrer's account stands.
        consent_given = True
        basis = "as the referrer reported; not yet confirmed in screening"
    else:
        basis = "no one has been asked yet"
    earlier_episode = ""
    # Consent from an earlier contact fills in only where this one has nothing of its own.
    if carry and not asked and refused_at is None and not consent_given:
        earlier = _earlier_consent(policy=policy, contact=contact, child=child)
        if earlier is not None:
            earlier_contact, position, carries = earlier
            when = f"{earlier_contact.received_at.astimezone(LONDON):%d %B %Y}"
            if carries:
                consent_given = position.consent_given
                refused_by = position.refused_by
                basis = f"{position.basis} (carried from contact {earlier_contact.reference})"
                earlier_episode = (
                    f"Consent recorded on contact {earlier_contact.reference} ({when}) carries "
                    "into this contact: it is the same episode, or the council's policy does not "
                    "seek consent again for each episode."
                )
            elif position.consent_given or position.refused_by:
                earlier_episode = (
                    f"Consent recorded on contact {earlier_contact.reference} ({when}) was for "
                    "an earlier episode: the council's policy seeks it again for each new "
                    "episode."
                )
    authorisation = None
    for each in authorisations:  # in time order: the latest stands
        if each.child_id in (None, child.pk):
            authorisation = each
    return ChildConsent(
        child=child,
        own_consent=own,
        people=people,
        consent_given=consent_given,
        refused_by=refused_by,
        basis=basis,
        authorisation=authorisation,
        earlier_episode=earlier_episode,
    )


def _earlier_consent(
    *, policy: Policy, contact: Contact, child: ReportedChild
) -> tuple[Contact, ChildConsent, bool] | None:
    """The child's consent on the latest earlier contact about them, and whether it carries.

    R12: consent is sought again for each new episode (a case closed and reopened). An earlier
    contact still open is the same episode, and its consent carries; one that was closed ended
    its episode, and its consent carries only where the policy does not re-seek consent.
    """
    if child.person_id is None:
        return None
    earlier_child = (
        ReportedChild.objects.filter(
            person_id=child.person_id, contact__received_at__lt=contact.received_at
        )
        .exclude(contact=contact)
        .filter(contact__consent_records__isnull=False)
        .distinct()
        .select_related("contact")
        .order_by("-contact__received_at", "-id")
        .first()
    )
    if earlier_child is None:
        return None
    earlier = earlier_child.contact
    position = _child_consent(
        policy=policy,
        contact=earlier,
        child=earlier_child,
        adults=list(earlier.adults.all()),
        records=list(ConsentRecord.objects.filter(contact=earlier).order_by("recorded_at", "id")),
        statements=referral_statements(earlier),
        authorisations=[],
        carry=False,
    )
    same_episode = earlier.state != Contact.State.CLOSED
    return earlier, position, same_episode or not policy.consent.re_sought_each_episode


def sharing_position(*, contact: Contact, adults, children, policy: Policy) -> SharingPosition:
    """Every child's consent position on `contact` (R12-R16)."""
    records = list(
        ConsentRecord.objects.filter(contact=contact)
        .select_related("recorded_by")
        .order_by("recorded_at", "id")
    )
    authorisations = list(
        SharingAuthorisation.objects.filter(contact=contact)
        .select_related("authorised_by")
        .order_by("authorised_at", "id")
    )
    adults = list(adults)
    statements = referral_statements(contact)
    said = {value for _, value in statements}
    return SharingPosition(
        children=[
            _child_consent(
                policy=policy,
                contact=contact,
                child=child,
                adults=adults,
                records=records,
                statements=statements,
                authorisations=authorisations,
            )
            for child in children
        ],
        from_referral=", ".join(
            sorted(in_sentence(ReferrerConsent(value).label) for value in said)
        ),
        return_to_referrer=policy.consent.return_referrals_without_consent
        and ReferrerConsent.GIVEN not in said,
        statements=statements,
    )
