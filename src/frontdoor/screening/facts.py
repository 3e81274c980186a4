"""What is known about a child, gathered once for screening's rules (R18-R21, R29, R34).

The facts come from the person record the child is linked to (people app: involvements imported
from other case systems, missing episodes) and from the front door's own history (referrals and
contacts). The rules that act on them live in `screening.checks` and `screening.criteria`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from frontdoor.intake.models import MissingEpisode, ReportedChild
from frontdoor.people.models import Involvement
from frontdoor.policy.clocks import LONDON
from frontdoor.screening.models import Referral


@dataclass(frozen=True)
class Episode:
    """An involvement with a service: open when `ended_on` is None."""

    kind: str  # social_care, early_help, child_protection_plan, looked_after
    started_on: dt.date
    ended_on: dt.date | None
    allocated_worker: str = ""
    allocated_worker_email: str = ""
    team: str = ""
    source: str = ""
    line_manager: str = ""
    line_manager_email: str = ""

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class MissingSpell:
    went_missing_at: dt.datetime
    returned_at: dt.datetime | None  # None: still missing
    source: str = ""


@dataclass(frozen=True)
class ChildFacts:
    """Everything screening needs to know about one child's past."""

    linked: bool  # is the child linked to a person record (R18)?
    person_id: int | None = None
    episodes: list[Episode] = field(default_factory=list)
    referral_dates: list[dt.date] = field(default_factory=list)  # previous referrals (R29)
    missing: list[MissingSpell] = field(default_factory=list)
    previous_contacts: int = 0


_EPISODE_KINDS = {"social_care", "early_help", "child_protection_plan", "looked_after"}


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=LONDON)


def facts_for(child) -> ChildFacts:
    """Gather what is known about the person a reported child is linked to (R18).

    Reads, in a fixed handful of queries: the person's involvements (imported and the front
    door's own), the referrals and contacts of every report of the same person, and their
    missing episodes.
    """

    if child.person_id is None:
        # R9: a missing episode recorded as this contact counts before the child is linked.
        return ChildFacts(
            linked=False,
            missing=[
                MissingSpell(
                    went_missing_at=episode.went_missing_at,
                    returned_at=episode.returned_at,
                    source="frontdoor",
                )
                for episode in MissingEpisode.objects.filter(child=child)
            ],
        )
    person_id = child.person_id
    episodes: list[Episode] = []
    referral_dates: list[dt.date] = []
    missing: list[MissingSpell] = []
    for involvement in Involvement.objects.filter(person_id=person_id):
        if involvement.kind in _EPISODE_KINDS:
            episodes.append(
                Episode(
                    kind=involvement.kind,
                    started_on=involvement.started_on,
                    ended_on=involvement.ended_on,
                    allocated_worker=involvement.allocated_worker,
                    allocated_worker_email=involvement.allocated_worker_email,
                    line_manager=involvement.line_manager,
                    line_manager_email=involvement.line_manager_email,
                    team=involvement.team,
                    source=involvement.source_system,
                )
            )
        elif involvement.kind == "referral":
            referral_dates.append(involvement.started_on)
        elif involvement.kind == "missing_episode":
            missing.append(
                MissingSpell(
                    went_missing_at=_start_of(involvement.started_on),
                    returned_at=_start_of(involvement.ended_on) if involvement.ended_on else None,
                    source=involvement.source_system,
                )
            )
    for referral in Referral.objects.filter(child__person_id=person_id).exclude(
        contact_id=child.contact_id
    ):
        referral_dates.append(referral.referred_at.astimezone(LONDON).date())
    for episode in MissingEpisode.objects.filter(child__person_id=person_id):
        missing.append(
            MissingSpell(
                went_missing_at=episode.went_missing_at,
                returned_at=episode.returned_at,
                source="frontdoor",
            )
        )
    previous_contacts = (
        ReportedChild.objects.filter(person_id=person_id)
        .exclude(contact_id=child.contact_id)
        .values("contact_id")
        .distinct()
        .count()
    )
    return ChildFacts(
        linked=True,
        person_id=person_id,
        episodes=episodes,
        referral_dates=referral_dates,
        missing=missing,
        previous_contacts=previous_contacts,
    )
