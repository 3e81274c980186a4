"""The demo council's staff and data, for trying Front Door out. Never for production use."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.services import create_user
from frontdoor.demo.contacts import DEFAULT_WEEKS, DemoContacts, Staff, load_demo_contacts
from frontdoor.demo.history import load_demo_history
from frontdoor.demo.mash import DemoMash, MashStaff, agency_of_kind, load_demo_mash
from frontdoor.demo.people import load_demo_people, record_demo_births
from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy
from frontdoor.policy.versions import current_policy_version

# Shared by every demo account, and printed by `python3 dev.py run`.
DEMO_PASSWORD = "frontdoor-demo"  # noqa: S105 - a published demo password, refused in production


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    agency_kind: str = ""  # a partner's agency: the council's agency of this kind (its policy)
    team: str = ""


# Fictional people: one or more for every role.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("officer", "Casey", "Quill", Role.CONTACT_OFFICER, team="Integrated Front Door"),
    DemoUser("worker", "Robin", "Ashdown", Role.MASH_SOCIAL_WORKER, team="MASH"),
    DemoUser("manager", "Morgan", "Lyle", Role.MASH_MANAGER, team="MASH"),
    DemoUser("service", "Sam", "Okafor-Reed", Role.SERVICE_MANAGER, team="Children's Services"),
    DemoUser("police", "Alex", "Penhallow", Role.PARTNER_AGENCY, agency_kind="police"),
    # The police's MASH sergeant: oversees the police's answering (R36).
    DemoUser(
        "policemanager", "Morwenna", "Trevithick", Role.PARTNER_AGENCY_MANAGER, agency_kind="police"
    ),
    DemoUser("health", "Jordan", "Fairweather", Role.PARTNER_AGENCY, agency_kind="health"),
    DemoUser("school", "Poppy", "Fablethorpe", Role.PARTNER_AGENCY, agency_kind="education"),
    # The council's Early Help as a partner agency: required at strategy meetings (R40), and
    # Sefton's "representing Education".
    DemoUser(
        "earlyhelpagency", "Rowan", "Castleford", Role.PARTNER_AGENCY, agency_kind="early_help"
    ),
    DemoUser("earlyhelp", "Taylor", "Brightwell", Role.EARLY_HELP_WORKER, team="Early Help"),
    DemoUser("exploitation", "Jamie", "Colebrook", Role.EXPLOITATION_COORDINATOR),
    DemoUser("analyst", "Avery", "Tindall", Role.PERFORMANCE_ANALYST, team="Performance"),
    DemoUser("admin", "Charlie", "Marsh", Role.ADMINISTRATOR, team="Systems"),
)


def sign_in_line(demo: DemoUser, user: User) -> str:
    """How the demo's start-up list shows one sign-in: the username, the role and, for a
    partner, the agency's name ("police  Partner agency user, Merseyside Police")."""
    agency = f", {user.agency_name}" if user.agency_key else ""
    return f"{demo.username:<15} {demo.role.label}{agency}"


@dataclass(frozen=True)
class DemoLoaded:
    users: list[tuple[DemoUser, User, bool]]  # each demo user, its account, and if made now
    contacts: DemoContacts
    mash: DemoMash


def demo_mash_staff() -> MashStaff:
    """The demo accounts who do the MASH's work (`demo.mash`)."""
    users = User.objects.in_bulk([demo.username for demo in DEMO_USERS], field_name="username")
    return MashStaff(
        officer=users["officer"],
        worker=users["worker"],
        manager=users["manager"],
        service_manager=users["service"],
        coordinator=users["exploitation"],
        administrator=users["admin"],
        partners={
            "police": users["police"],
            "health": users["health"],
            "education": users["school"],
        },
    )


def demo_user(demo: DemoUser) -> tuple[DemoUser, User, bool]:
    """The demo user's account at the council served, made now (True) unless already there; a
    partner's agency is the council's agency of its kind."""
    existing = User.objects.filter(username=demo.username).first()
    if existing is not None:
        return demo, existing, False
    user = create_user(
        username=demo.username,
        password=DEMO_PASSWORD,
        role=demo.role,
        first_name=demo.first_name,
        last_name=demo.last_name,
        email=f"{demo.username}@demo.invalid",
        agency_key=(agency_of_kind(current_policy(), demo.agency_kind) if demo.agency_kind else ""),
        team=demo.team,
        by=None,
    )
    return demo, user, True


@transaction.atomic
def load_demo(*, weeks: int = DEFAULT_WEEKS, history_weeks: int | None = None) -> DemoLoaded:
    """Create the demo accounts, `weeks` of demo contacts and `history_weeks` of older history
    (a year by default, none in the test suite), adding nothing already there."""
    if settings.PRODUCTION:
        raise DomainError("The demo data is never loaded into a production system.")
    current_policy_version()  # the council's policy is on record before anything uses it
    results = [demo_user(demo) for demo in DEMO_USERS]
    staff = Staff(
        officer=User.objects.get(username="officer"),
        worker=User.objects.get(username="worker"),
        partner=User.objects.get(username="police"),
    )
    manager = User.objects.get(username="manager")
    recent: list[DemoContacts] = []

    def record_recent_weeks() -> None:
        recent.append(load_demo_contacts(staff=staff, weeks=weeks))
        load_demo_people(by=staff.worker)  # known people, so screening shows matches (R18)

    # The older contacts first, then the recent weeks', as they came; then every contact but
    # the last two days' is worked through (decided and closed).
    load_demo_history(staff=staff, manager=manager, weeks=history_weeks, then=record_recent_weeks)
    contacts = recent[0]
    record_demo_births(by=staff.worker)  # babies reported unborn and due by now (R5)
    mash = DemoMash(stories=0)
    if weeks > 0:  # the MASH at work today, with the recent weeks: no contacts with none
        mash = load_demo_mash(staff=demo_mash_staff())
    return DemoLoaded(users=results, contacts=contacts, mash=mash)
