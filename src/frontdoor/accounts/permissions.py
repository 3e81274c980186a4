"""Who may do what: the permission matrix, kept as data.

Each action names the roles allowed it. Views, the API and commands ask `can` or `require`, so the
matrix here is the one answer to "may this user do this?". The home page lists a user's actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from frontdoor.accounts.roles import PARTNER_ROLES, Role
from frontdoor.errors import DomainError
from frontdoor.policy.councils import works_for_served_council

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from frontdoor.accounts.models import User

R = Role
STAFF = frozenset(set(Role) - PARTNER_ROLES)
CHILDRENS_SERVICES = frozenset(
    {R.CONTACT_OFFICER, R.MASH_SOCIAL_WORKER, R.MASH_MANAGER, R.SERVICE_MANAGER}
)


@dataclass(frozen=True)
class Action:
    key: str
    description: str
    roles: frozenset[Role]
    rule: str = ""
    # Done for every council on the service, wherever the user signs in: a partner agency
    # answers the enquiries any council sends it (`policy.partners`). Its selectors keep it to
    # what was sent to the user's agency; every other action is for the user's own council.
    service_wide: bool = False


ACTIONS: tuple[Action, ...] = (
    Action(
        "guidance.view",
        "Read the council's Level of Need guidance and timescales",
        frozenset(Role),
        "R26, R27",
    ),
    Action(
        "contact.record",
        "Record contacts from the telephone, post, e-mail, EDT and the police",
        frozenset({R.CONTACT_OFFICER, R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R1, R2",
    ),
    Action(
        "contact.report",
        "Report concerns through the API from your organisation's own system, and add further "
        "reports to the contacts your organisation made",
        frozenset(PARTNER_ROLES | {R.CONTACT_OFFICER, R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R1, R7",
    ),
    Action(
        "missing_episode.record",
        "Record missing episodes",
        frozenset({R.CONTACT_OFFICER, R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R9",
    ),
    Action(
        "inbox.view",
        "See the front door inbox of new contacts and their deadlines",
        CHILDRENS_SERVICES,
        "R25",
    ),
    Action(
        "records.search",
        "Search for contacts and people by reference, name, date of birth, postcode or NHS number",
        CHILDRENS_SERVICES,
        "R18, R45",
    ),
    Action(
        "contact.screen",
        "Screen contacts: address, known children, consent, Level of Need and RAG",
        frozenset({R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R17-R24",
    ),
    Action(
        "records.correct",
        "Correct a child's or adult's details after intake, giving the reason",
        frozenset({R.CONTACT_OFFICER, R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R4, R22, R45",
    ),
    Action(
        "contact.decide",
        "Record management oversight and decide each child's outcome",
        frozenset({R.MASH_MANAGER}),
        "R25",
    ),
    Action(
        "consent.authorise_without",
        "Authorise sharing information without consent",
        frozenset({R.MASH_MANAGER}),
        "R14",
    ),
    Action(
        "referral.return",
        "Return a referral without clear consent to the referrer, and resume it when they come "
        "back with consent",
        frozenset({R.MASH_SOCIAL_WORKER, R.MASH_MANAGER}),
        "R15",
    ),
    Action(
        "enquiry.send",
        "Send MASH enquiries to partner agencies",
        frozenset({R.MASH_MANAGER}),
        "R33-R36",
    ),
    Action(
        "enquiry.answer",
        "Answer the MASH enquiries sent to your agency, and see its answering times",
        PARTNER_ROLES,
        "R36, R37",
        service_wide=True,
    ),
    Action(
        "enquiry.oversee",
        "Oversee your agency's answering for every council that asks it: who answered, which "
        "answers were late, and what your agency still owes, by each council's clock",
        frozenset({R.PARTNER_AGENCY_MANAGER}),
        "R36",
        service_wide=True,
    ),
    Action(
        "rag.confirm",
        "Confirm or change the final RAG rating after partners have answered",
        frozenset({R.MASH_MANAGER}),
        "R38",
    ),
    Action(
        "meeting.chair",
        "Schedule and chair case discussions and strategy meetings",
        frozenset({R.MASH_MANAGER}),
        "R39, R40",
    ),
    Action(
        "escalation.receive",
        "Be told of each escalation of professional disagreement and each step it moves to",
        frozenset({R.SERVICE_MANAGER}),
        "R39, R42",
    ),
    Action(
        "escalation.open",
        "Open an escalation of professional disagreement, follow it and record its steps",
        frozenset(Role) - {R.PERFORMANCE_ANALYST, R.ADMINISTRATOR},
        "R42, R43",
    ),
    Action(
        "escalation.read_any",
        "Read every escalation on one list, not only those you or your agency raised",
        frozenset({R.MASH_SOCIAL_WORKER, R.MASH_MANAGER, R.SERVICE_MANAGER}),
        "R39, R45",
    ),
    Action(
        "escalation.oversee",
        "See the escalation summary log and the report per step",
        frozenset({R.MASH_MANAGER, R.SERVICE_MANAGER}),
        "R39, R42",
    ),
    Action(
        "early_help.receive",
        "Take Early Help outcomes for Team Around the Family and Targeted Family Support",
        frozenset({R.EARLY_HELP_WORKER}),
        "R20",
    ),
    Action(
        "exploitation.brief",
        "Run the daily Missing and Exploitation briefing and join exploitation meetings",
        frozenset({R.EXPLOITATION_COORDINATOR, R.MASH_MANAGER}),
        "R41",
    ),
    Action(
        "returns.view",
        "See timeliness dashboards and produce Annex A and the CIN census",
        frozenset({R.PERFORMANCE_ANALYST, R.SERVICE_MANAGER, R.MASH_MANAGER}),
        "R46",
    ),
    Action(
        "users.manage",
        "Manage staff accounts, roles and agencies",
        frozenset({R.ADMINISTRATOR}),
    ),
    Action(
        "tokens.manage",
        "Issue, list and revoke partner systems' API tokens",
        frozenset({R.ADMINISTRATOR}),
        "R45",
    ),
    Action(
        "outbox.manage",
        "See e-mail that could not be sent, and send it again",
        frozenset({R.ADMINISTRATOR}),
    ),
    Action(
        "two_factor.issue_link",
        "Give staff a one-time link to set up their authenticator app",
        frozenset({R.ADMINISTRATOR}),
    ),
    Action(
        "audit.view",
        "Read the disclosure log, the access log and each record's audit trail",
        frozenset({R.ADMINISTRATOR, R.SERVICE_MANAGER}),
        "R45",
    ),
    Action(
        "privacy.restrict",
        "Restrict a person's record to named staff, and lift restrictions",
        frozenset({R.ADMINISTRATOR}),
        "R45",
    ),
    Action(
        "privacy.subject_access",
        "Produce a subject access export of a person's record",
        frozenset({R.ADMINISTRATOR}),
        "R11, R45",
    ),
    Action(
        "involvements.import",
        "Keep the case record's involvements current: import them from a file or the API",
        frozenset({R.ADMINISTRATOR}),
        "R18-R21, R46",
    ),
    Action(
        "handoffs.receive",
        "Receive the children the front door hands off to the council's case record, and "
        "accept them with the record's own identifier",
        frozenset({R.ADMINISTRATOR}),
        "R44",
    ),
    Action(
        "handoffs.manage",
        "See hand-offs to the case record that fail, and send them again",
        frozenset({R.ADMINISTRATOR}),
        "R44",
    ),
    Action(
        "privacy.erase",
        "Erase the contacts a retention review lists as past the council's retention",
        frozenset({R.ADMINISTRATOR}),
        "R45",
    ),
)

_BY_KEY = {action.key: action for action in ACTIONS}


def can(user: User | AnonymousUser | None, action: str) -> bool:
    """True when `user` (signed in and active) may do `action`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (works_for_served_council(user) or _BY_KEY[action].service_wide):
        return False
    return user.role in _BY_KEY[action].roles


def require(user: User | AnonymousUser | None, action: str) -> None:
    """Refuse with a DomainError a worker can act on unless `user` may do `action`."""
    if not can(user, action):
        allowed = ", ".join(sorted(Role(r).label for r in _BY_KEY[action].roles))
        raise PermissionDeniedError(
            f"You cannot {_BY_KEY[action].description[0].lower()}"
            f"{_BY_KEY[action].description[1:]}: this is for {allowed}."
        )


def roles_with(action: str) -> frozenset[Role]:
    """The roles allowed `action`: for reaching everyone who may do it (to tell them)."""
    return _BY_KEY[action].roles


def actions_for(user: User | AnonymousUser) -> list[Action]:
    return [action for action in ACTIONS if can(user, action.key)]


class PermissionDeniedError(DomainError):
    pass
