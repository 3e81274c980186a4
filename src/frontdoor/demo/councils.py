"""The demo as several councils on one service: `load-demo --councils sefton,lewisham`.

The first council is the default one (FRONTDOOR_COUNCIL) and gets the whole demo, as
`load-demo` alone gives it. Each other council is added to the service from its policy file
(`policy.councils.add_council`), with MASH staff of its own, whose pages are under its path
prefix (`/lewisham/`). The partner agencies' accounts are the default council's demo's, with
one more: `probation`, of the Probation Service, which both councils' policies mark as one partner
of the service, and `probationmanager`, its manager. Each of the first two councils has asked it
about families (answered, waiting, one overdue), so its user sees both councils' enquiries in one
list, and its manager who answered each council, and what it still owes.

A family moves between the first two councils, so a user sees a transfer arrive (R17) and a
child known elsewhere (R18): the Marchbanks lived in the first council, which knows both
children, and have moved to the second, which has come to know them too. One contact about the
elder was transferred yesterday and waits in the second council's inbox to be accepted; one about
the younger waits in the first council's, for a user to screen and transfer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.services import create_user
from frontdoor.demo.areas import area_of
from frontdoor.demo.contacts import DEFAULT_WEEKS
from frontdoor.demo.loader import (
    DEMO_PASSWORD,
    DemoLoaded,
    DemoUser,
    demo_mash_staff,
    demo_user,
    load_demo,
)
from frontdoor.demo.mash import MashStaff, load_probation_enquiries
from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel, Report
from frontdoor.intake.services import record_contact
from frontdoor.intake.submissions import Submission
from frontdoor.people.models import Person
from frontdoor.policy.councils import add_council, serving
from frontdoor.policy.registry import current_policy, get_loaded_policy
from frontdoor.policy.schema import OutcomeEffect
from frontdoor.screening.decisions import TransferDetails, record_decision
from frontdoor.screening.selectors import outcome_with_effect

# Each other council's MASH staff: enough to receive, screen and accept a transfer.
COUNCIL_STAFF: tuple[DemoUser, ...] = (
    DemoUser("officer", "Kit", "Harrowgate", Role.CONTACT_OFFICER, team="MASH"),
    DemoUser("worker", "Sasha", "Penrose", Role.MASH_SOCIAL_WORKER, team="MASH"),
    DemoUser("manager", "Dana", "Wexcombe", Role.MASH_MANAGER, team="MASH"),
    DemoUser("admin", "Ari", "Cloudsley", Role.ADMINISTRATOR, team="Systems"),
)
# The Probation Service's user, held by the default council: its policy marks the agency shared.
PROBATION = DemoUser("probation", "Quinn", "Ashbury", Role.PARTNER_AGENCY, agency_kind="probation")
# Its manager, who oversees its answering for both councils (R36).
PROBATION_MANAGER = DemoUser(
    "probationmanager", "Tamsin", "Carrow", Role.PARTNER_AGENCY_MANAGER, agency_kind="probation"
)
# The first report of each of the moving family's contacts: loading twice adds nothing twice.
KEY_PREFIX = "demo-moving-family-"


@dataclass(frozen=True)
class DemoCouncil:
    key: str
    name: str
    users: list[tuple[DemoUser, User, bool]]  # username as shown, account, made now


@dataclass(frozen=True)
class DemoCouncils:
    default: DemoLoaded
    others: list[DemoCouncil]


def load_demo_councils(
    councils: list[str], *, weeks: int = DEFAULT_WEEKS, history_weeks: int | None = None
) -> DemoCouncils:
    """The demo as `councils`, the first FRONTDOOR_COUNCIL, adding nothing already there."""
    if not councils or councils[0] != settings.FRONTDOOR_COUNCIL:
        raise DomainError(
            f"Name the default council first: --councils {settings.FRONTDOOR_COUNCIL},..."
        )
    if len(councils) < 2 or len(set(councils)) != len(councils):
        raise DomainError("Name two councils or more, each once: --councils sefton,lewisham")
    folder = Path(settings.FRONTDOOR_POLICY_DIR)
    for key in councils[1:]:
        path = folder / f"{key}.yaml"
        if not path.exists():
            raise DomainError(f"There is no policy file {path} for the council {key}.")
    for key in councils[:2]:  # the moving family lives in both
        try:
            area_of(get_loaded_policy(key).policy.council.ons_code)
        except LookupError as error:
            raise DomainError(str(error)) from None
    with transaction.atomic():
        for key in councils[1:]:
            add_council(folder / f"{key}.yaml")
        default = load_demo(weeks=weeks, history_weeks=history_weeks)
        probation = demo_user(PROBATION)
        default = replace(default, users=[*default.users, probation, demo_user(PROBATION_MANAGER)])
        others = [_council_staff(key) for key in councils[1:]]
        _moving_family(councils[0], councils[1])
        _probation_enquiries(probation[1], others[0])
    return DemoCouncils(default=default, others=others)


def _probation_enquiries(probation: User, second: DemoCouncil) -> None:
    """The first two councils' enquiries to the Probation Service, answered by `probation`."""
    default = demo_mash_staff()
    load_probation_enquiries(staff=replace(default, partners={"probation": probation}), council=0)
    staff = {demo.username: user for demo, user, _ in second.users}
    with serving(second.key):
        load_probation_enquiries(
            staff=MashStaff(
                officer=staff["officer"],
                worker=staff["worker"],
                manager=staff["manager"],
                # The council's demo staff have no service manager or coordinator: the
                # probation stories need neither.
                service_manager=staff["manager"],
                coordinator=staff["manager"],
                administrator=staff["admin"],
                partners={"probation": probation},
            ),
            council=1,
        )


def _council_staff(key: str) -> DemoCouncil:
    users = []
    with serving(key):
        for demo in COUNCIL_STAFF:
            username = f"{key}-{demo.username}"
            existing = User.objects.filter(username=username).first()
            if existing is not None:
                users.append((demo, existing, False))
                continue
            user = create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=demo.role,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{username}@demo.invalid",
                team=demo.team,
                by=None,
            )
            users.append((demo, user, True))
        name = current_policy().council.name
    return DemoCouncil(key=key, name=name, users=users)


def _submission(*, referrer: dict, child: dict, postcode: str, worry: str) -> Submission:
    return Submission.model_validate(
        {
            "referrer": referrer,
            "children": [{**child, "postcode": postcode}],
            "adults": [
                {
                    "first_name": "Grace",
                    "last_name": "Marchbank",
                    "relationship_to_child": "Mother",
                    "parental_responsibility": "yes",
                    "lives_with_child": "yes",
                    "postcode": postcode,
                }
            ],
            "concern": {"worry": worry, "immediate_protection_needed": "no"},
            "consent": {"consent": "given"},
            "referrer_level_of_need": 2,
        }
    )


ELDER = {"first_name": "Tayo", "last_name": "Marchbank", "date_of_birth": "2014-05-11"}
YOUNGER = {"first_name": "Nia", "last_name": "Marchbank", "date_of_birth": "2019-02-03"}


def _born(child: dict) -> dict:
    return {**child, "date_of_birth": dt.date.fromisoformat(child["date_of_birth"])}


def _moving_family(first: str, second: str) -> None:
    """The Marchbanks, who moved from `first` to `second` (see the module's docstring)."""
    if Report.objects.filter(submission_key__startswith=KEY_PREFIX).exists():
        return
    old_home = area_of(get_loaded_policy(first).policy.council.ons_code).home[0][0].postcode
    new_home = area_of(get_loaded_policy(second).policy.council.ons_code).home[1][0].postcode
    now = timezone.now()
    for child in (ELDER, YOUNGER):  # the first council's records, from when they lived there
        Person.objects.create(
            **_born(child), postcode=old_home, address="Their home before the move"
        )
    with serving(second):  # the second council has come to know them since
        for child in (ELDER, YOUNGER):
            Person.objects.create(**_born(child), postcode=new_home, address="Their new home")
    officer = User.objects.get(username="officer")
    school = {
        "type": "professional",
        "name": "Lee Ashworth",
        "agency": "The elder child's former primary school",
        "role": "Designated safeguarding lead",
        "email": "dsl@school.example",
        "phone": "0151 496 0999",
    }
    transferred = record_contact(
        submission=_submission(
            referrer=school,
            child=ELDER,
            postcode=new_home,
            worry=(
                "Tayo's family moved away at half term. Before they left he told his teacher "
                "there was often no food at home, and his new school has not asked for his records."
            ),
        ),
        channel=Channel.TELEPHONE,
        received_at=now - dt.timedelta(days=1, hours=3),
        by=officer,
        submission_key=f"{KEY_PREFIX}elder",
    ).contact
    policy = current_policy()
    record_decision(
        contact=transferred,
        child=transferred.children.get(),
        by=User.objects.get(username="manager"),
        level=2,
        outcome=outcome_with_effect(policy, OutcomeEffect.TRANSFER_TO_COUNCIL) or "",
        rationale=(
            "The family now lives in the other council's area (R17): the contact goes to their "
            "front door, with what we know of them."
        ),
        transfer=TransferDetails(
            council_code=get_loaded_policy(second).policy.council.ons_code,
            sent_how="Through Front Door: both councils are on this service",
            what_was_sent="The contact, its reports and our screening checks",
        ),
        now=now - dt.timedelta(days=1),
    )
    record_contact(
        submission=_submission(
            referrer={**school, "agency": "The younger child's former nursery"},
            child=YOUNGER,
            postcode=new_home,
            worry=(
                "Nia's nursery place ended when the family moved. Her mother said they had to "
                "leave quickly and the children are sharing a room with another family."
            ),
        ),
        channel=Channel.TELEPHONE,
        received_at=now - dt.timedelta(hours=2),
        by=officer,
        submission_key=f"{KEY_PREFIX}younger",
    )
