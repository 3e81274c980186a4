"""Recording what screening found for one child (R24, R27, R28, R33)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.permissions import can, require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact, ReportedChild, YesNoUnknown
from frontdoor.intake.selectors import require_child_seen
from frontdoor.policy.registry import current_policy
from frontdoor.screening.alerts import alert_managers
from frontdoor.screening.concerns import Concern, child_protection_concerns, known_concerns
from frontdoor.screening.models import ChildScreening
from frontdoor.screening.threshold import catalogue_by_key
from frontdoor.screening.transitions import WORKING_STATES
from frontdoor.wording import in_sentence

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


@transaction.atomic
def save_findings(
    *,
    contact: Contact,
    child: ReportedChild,
    by: User,
    indicators: list[str],
    concerns: list[str],
    analysis: str,
    urgent_action_needed: str = YesNoUnknown.UNKNOWN,
    more_information_needed: bool = False,
    manager_discretion: bool | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ChildScreening:
    """Save the worker's screening of `child`: indicators, concerns and analysis.

    `expected_version` is the version the worker's page showed; a save from a stale page is
    refused so a colleague's work is never silently overwritten.
    """
    require(by, "contact.screen")
    now = now or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.state not in WORKING_STATES:
        raise DomainError(
            f"Contact {contact.reference} is {in_sentence(contact.get_state_display())}: its "
            "screening can no longer change."
        )
    if child.contact_id != contact.pk:
        raise DomainError(f"{child} is not part of contact {contact.reference}.")
    # R45: nothing is done for a child by someone the child's restriction does not name.
    require_child_seen(by, child=child)
    policy = current_policy()
    if manager_discretion is not None and not (
        can(by, "contact.decide") and policy.offers_mash_route("manager_discretion")
    ):
        manager_discretion = None  # R33: a manager's discretion, where the council uses it
    catalogue = catalogue_by_key(policy)
    unknown = [key for key in indicators if key not in catalogue]
    if unknown:
        raise DomainError(
            "These indicators are not in the council's current Level of Need guidance: "
            + ", ".join(unknown)
        )
    bad_concerns = [key for key in concerns if key not in Concern._value2member_map_]
    if bad_concerns:
        raise DomainError("Unknown child-protection concerns: " + ", ".join(bad_concerns))
    if urgent_action_needed not in YesNoUnknown.values:
        raise DomainError("Say whether urgent action is needed for any child in the household.")
    existing = ChildScreening.objects.filter(child=child).first()
    if existing and expected_version is not None and existing.version != expected_version:
        raise DomainError(
            f"{existing.updated_by} changed this screening while you were working on it. "
            "Your changes were not saved: reload the page to see theirs, then make yours again."
        )
    screening = existing or ChildScreening(contact=contact, child=child)
    before = {
        "indicators": list(screening.indicators),
        "concerns": list(screening.concerns),
    }
    screening.indicators = list(dict.fromkeys(indicators))
    # Kept in R28's order so pages and decisions list them the same way.
    screening.concerns = [concern.value for concern in Concern if concern.value in set(concerns)]
    screening.analysis = analysis.strip()
    screening.urgent_action_needed = urgent_action_needed
    screening.more_information_needed = more_information_needed
    if manager_discretion is not None:
        screening.manager_discretion = manager_discretion
    known = known_concerns(contact).get(child.pk, [])  # R5
    found = child_protection_concerns(screening.concerns, screening.indicators, catalogue, known)
    # R40: the strategy meeting's clock can start from the first screening that found concerns.
    if not found:
        screening.protection_concerns_at = None
    elif screening.protection_concerns_at is None:
        screening.protection_concerns_at = now
    screening.updated_by = by
    if existing:
        screening.version += 1
    screening.save()
    alerted = alert_managers(
        policy=policy,
        contact=contact,
        child=child,
        concerns=found,
        concerns_before=child_protection_concerns(
            before["concerns"], before["indicators"], catalogue, known
        ),
        first_save=existing is None,
        version=screening.version,
        by=by,
        now=now,
    )
    audit.record(
        actor=by,
        action="screening.saved",
        target=contact,
        changes={
            "child": str(child),
            "indicators": [before["indicators"], screening.indicators],
            "concerns": [before["concerns"], screening.concerns],
            **({"managers_alerted": alerted} if alerted else {}),
        },
        at=now,
    )
    return screening
