"""The crawl: every page and every API route, as everyone, answers as the matrix says (R45).

Pages are read from the URLconf and API routes from the OpenAPI document, so a new one is
crawled without being listed here; a page whose URL has a parameter the crawl cannot fill with a
real id fails, as does a page that does not declare who may open it (`accounts.access`).

Each page is asked for with real ids from a council seeded in every state (tests/attacks/council),
by someone of every role, partner users of two agencies, a manager named on a restriction and
no one signed in; each API route with a token of each kind of every one of them. The answer must
be the status the permission matrix gives (403 for an action the role may not do), then 404 for
an object the page's own selector does not find for that user (the contact, person, escalation
and early help pages say whom to ask instead: a 403), and never a 5xx. No answer shows the
restricted child's family to anyone the restriction does not name, nor a member of the public
who referred to a partner agency (R11). POSTs are checked the same way, each in a transaction
rolled back afterwards, so the council is the same for every request.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from frontdoor.accounts.access import ANY_SIGNED_IN
from frontdoor.accounts.models import ApiToken, EnrolmentLink, User
from frontdoor.accounts.permissions import ACTIONS, can
from frontdoor.accounts.roles import Role
from frontdoor.accounts.scopes import SCOPES
from frontdoor.accounts.tokens import RECEIVING_SCOPES, issue_token, revoke_token
from frontdoor.accounts.two_factor import issue_enrolment_link
from frontdoor.api import api
from frontdoor.errors import DomainError
from frontdoor.escalations.selectors import (
    contacts_open_to_escalation,
    escalations_followed_by_raiser,
    escalations_whose_page_opens_to,
    meetings_open_to_escalation,
    restriction_hiding_escalation,
)
from frontdoor.handoffs.models import HandOff
from frontdoor.handoffs.selectors import (
    early_help_handoffs,
    restriction_hiding_early_help_handoff,
)
from frontdoor.intake.models import Consultation
from frontdoor.intake.selectors import (
    contacts_open_to_reports,
    contacts_visible_to,
    restriction_hiding_contact,
)
from frontdoor.mash.models import Meeting
from frontdoor.mash.selectors import enquiries_visible_to, requests_visible_to
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import MAX_ATTEMPTS
from frontdoor.people.models import Person
from frontdoor.people.restrictions import restriction_hiding_person
from frontdoor.people.selectors import people_visible_to
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import OutcomeEffect
from frontdoor.screening.models import FollowUp
from tests.attacks.council import (
    PUBLIC_REFERRER_NAME,
    RESTRICTED_NAME,
    STAFF,
    Council,
    seed_council,
)
from tests.attacks.html_checks import form_errors_answer_400, page_problems, policy_keys
from tests.intake.factories import submission_data

# Crawled elsewhere: the admin site is Django's own; the API's routes come from its document.
NOT_PAGES = ("admin/", "api/v1/")
# Every council's policy file, each crawled as deeply as what it can change needs, to keep the
# suite's time down:
# - the default council's in full: every page and API route, as everyone;
# - another council's, a lighter pass: each page as those allowed to open it, with one POST
#   (what the policy changes on the pages, not who may see what);
# - a file that `extends` the default and replaces a few of its values (sefton-2022), only
#   what differs: each page once, as the first allowed to open it, everything else being the
#   default's, crawled in full.
# The lighter passes check the pages, not the database: on PostgreSQL the default's full crawl
# runs alone.
FULL_POLICY = settings.FRONTDOOR_COUNCIL
POLICY_FILES = sorted(Path(settings.FRONTDOOR_POLICY_DIR).glob("*.yaml"))
POLICIES = (
    [path.stem for path in POLICY_FILES]
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    else [FULL_POLICY]
)
# The policies that differ from the default only in the values their own file gives.
VARIANTS = frozenset(
    path.stem
    for path in POLICY_FILES
    if (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("extends") == FULL_POLICY
)


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
# The council is seeded once for the module (the `crawl` fixture) and rolled back at its end;
# each test's own transaction nests inside it.
pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    view: Callable

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(PARAMETER.findall(self.path))

    @property
    def public(self) -> bool:
        return getattr(self.view, "login_required", True) is False

    @property
    def action(self) -> str | None:
        """The matrix action the page declared, ANY_SIGNED_IN, or None if it declared nothing."""
        return getattr(self.view, "frontdoor_action", None)

    def url(self, values: dict[str, object]) -> str:
        return "/" + PARAMETER.sub(lambda match: str(values[match[1]]), self.path)


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in patterns:
        path = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, path, inner or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=name or path, path=path, view=entry.callback)


ALL_ROUTES = list(_walk(get_resolver().url_patterns))
PAGES = [route for route in ALL_ROUTES if not route.path.startswith(NOT_PAGES)]
API_DOCUMENT = api.get_openapi_schema()
OPERATIONS = [
    (method, path)
    for path, methods in API_DOCUMENT["paths"].items()
    for method in methods
    if method in {"get", "post", "put", "patch", "delete"}
]


# Who asks ------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
SIGN_INS = (ANONYMOUS, *STAFF)


def _receives_for() -> str:
    """The record system whose hand-offs a token of an account that receives them is issued
    for (R44): social care's record. It lists and accepts that record's hand-offs only."""
    system = current_policy().handoffs.record_system_for(OutcomeEffect.ASSESSMENT)
    assert system is not None, "the crawl's councils hand social care's children off"
    return system.key


def _receiving(user: User, scopes: tuple[str, ...] = ()) -> str:
    receives = not scopes or set(scopes) & RECEIVING_SCOPES
    return _receives_for() if receives and can(user, "handoffs.receive") else ""


def _full_token(user: User) -> str:
    return issue_token(user=user, name="Crawl", by=None, record_system=_receiving(user))[1]


def _revoked_token(user: User) -> str:
    api_token, token = issue_token(user=user, name="Crawl, revoked", by=None)
    administrator = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).first()
    revoke_token(api_token=api_token, by=administrator)
    return token


def _scoped(scope: str) -> Callable[[User], str | None]:
    """A token narrowed to `scope`, for each user whose role the scope is of use to (a token is
    not issued with a scope that could only ever be refused)."""

    def issue(user: User) -> str | None:
        try:
            return issue_token(
                user=user,
                name=f"Crawl, {scope}",
                by=None,
                scopes=[scope],
                record_system=_receiving(user, (scope,)),
            )[1]
        except DomainError:
            return None

    return issue


def _scope_allows(scope: str) -> Callable[[str, str], bool]:
    """What the OpenAPI document says a token with `scope` may call: the scopes each
    operation's security requirement lists."""

    def allows(method: str, path: str) -> bool:
        security = API_DOCUMENT["paths"][path][method].get("security") or []
        return any(scope in scopes for need in security for scopes in need.values())

    return allows


@dataclass(frozen=True)
class TokenKind:
    """How an API request shows who it is: no token, or one `issue` makes for the user (None
    where that kind cannot be had by them). A scoped token's `permits` narrows what the matrix
    allows its user to the operations its scope covers."""

    name: str
    issue: Callable[[User], str | None] | None
    works: bool = True
    permits: Callable[[str, str], bool] = lambda method, path: True

    def headers(self, token: str | None) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


TOKEN_KINDS = (
    TokenKind("no token", issue=None, works=False),
    TokenKind("revoked", issue=_revoked_token, works=False),
    TokenKind("full", issue=_full_token),
    *(
        TokenKind(f"scope {scope.key}", issue=_scoped(scope.key), permits=_scope_allows(scope.key))
        for scope in SCOPES
    ),
)


# What each URL parameter is filled with ------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Real values for a URL's parameters, and the object the page finds with them."""

    label: str
    values: dict[str, object]
    found: object = None  # the model instance the page loads, if it loads one


def _contact_targets(council: Council, keys: tuple[str, ...], extra=None) -> list[Target]:
    targets = []
    for key in keys:
        contact = council.contacts[key]
        values = {"reference": contact.reference, **(extra(council, key) if extra else {})}
        targets.append(Target(key, values, contact))
    return targets


# Contacts in every state a contact page can show, the restricted one among them.
CONTACT_KEYS = (
    "new",
    "screening",
    "mash_waiting",
    "awaiting_decision",
    "final_rag",
    "decided",
    "closed",
    "restricted",
)
CHILD_KEYS = ("new", "mash_answered", "restricted")


def _first_child(council: Council, key: str) -> dict[str, object]:
    return {"child_id": council.contacts[key].children.order_by("pk").first().pk}


def _targets_by_parameters(council: Council, journey: str) -> dict[tuple[str, ...], list]:
    """Parameters whose name says what they are, whatever the page."""
    new, restricted = council.contacts["new"], council.contacts["restricted"]
    closed = council.contacts["closed"]  # its people's details can still be corrected
    reported = [
        Target(
            f"{key} {kind}",
            {"reference": contact.reference, "kind": kind, "reported_id": pk},
            contact,
        )
        for key, contact in (("new", new), ("closed", closed), ("restricted", restricted))
        for kind, pk in (
            ("child", contact.children.first().pk),
            ("adult", contact.adults.first().pk),
        )
    ]
    return {
        ("reference",): _contact_targets(council, CONTACT_KEYS),
        ("reference", "child_id"): _contact_targets(council, CHILD_KEYS, _first_child),
        ("reference", "kind", "reported_id"): reported,
        ("reference", "attachment_id"): [
            Target(
                key,
                {"reference": attachment.report.contact.reference, "attachment_id": attachment.pk},
                attachment.report.contact,
            )
            for key, attachment in council.attachments.items()
        ],
        ("reference", "decision_id"): [
            Target(
                "decided",
                {
                    "reference": council.contacts["decided"].reference,
                    "decision_id": council.decisions["decided"].pk,
                },
                council.contacts["decided"],
            )
        ],
        ("journey",): [Target("journey", {"journey": journey})],
        ("journey", "index"): [Target("journey", {"journey": journey, "index": 0})],
    }


def _targets_by_route(council: Council) -> dict[str, list[Target]]:
    """Pages whose `pk` is an id of a kind only the page says."""

    def each(things: dict) -> list[Target]:
        return [Target(key, {"pk": thing.pk}, thing) for key, thing in things.items()]

    police = council.users["partner_agency"]
    partner_token, _ = issue_token(user=police, name="Crawl, to revoke", by=None)
    link, secret = issue_enrolment_link(user=council.users["contact_officer"], by=None)
    undelivered = Message.objects.create(
        key="crawl-undelivered",
        kind="referrer_feedback",
        to="lost@school.example",
        subject="Your referral: the outcome",
        body="",
        attempts=MAX_ATTEMPTS,
        last_error="550",
    )
    return {
        "outbox:send_again": [Target("an e-mail not sent", {"pk": undelivered.pk}, undelivered)],
        "accounts:token_revoke": [
            Target("a partner's token", {"pk": partner_token.pk}, partner_token)
        ],
        "accounts:two_factor_enrol": [Target("a contact officer's link", {"secret": secret}, link)],
        "mash:review": each(council.enquiries),
        "mash:answer": each(council.requests),
        "mash:meeting": each(council.meetings),
        "mash:cancel_meeting": each(council.meetings),
        "escalations:detail": each(council.escalations),
        "escalations:open_meeting": each(council.meetings),
        "people:person": each(council.people),
        "people:correct": each(council.people),
        "people:resolve_conflict": each(council.people),
        "privacy:subject_access": each(council.people),
        "intake:consultation_contact": each(council.consultations),
        "screening:follow_up_done": each(council.follow_ups),
        "handoffs:replay": each(council.handoffs),
        "handoffs:early_help_handoff": each(council.handoffs),
    }


# How each page finds its object: the selector the page itself loads it through.
def _in_visible_contacts(model) -> Callable[[User], QuerySet]:
    path = {Meeting: "contact", FollowUp: "decision__contact"}[model]
    return lambda user: model.objects.filter(**{f"{path}__in": contacts_visible_to(user)})


FINDERS: dict[str, Callable[[User], QuerySet]] = {
    "escalations:open": contacts_open_to_escalation,
    "mash:review": enquiries_visible_to,
    "mash:answer": requests_visible_to,
    "mash:meeting": _in_visible_contacts(Meeting),
    "mash:cancel_meeting": _in_visible_contacts(Meeting),
    "escalations:detail": escalations_whose_page_opens_to,
    # R39: a meeting's outcome is escalated by an agency that attended it.
    "escalations:open_meeting": meetings_open_to_escalation,
    "people:person": people_visible_to,
    "people:correct": people_visible_to,
    "people:resolve_conflict": people_visible_to,
    "screening:follow_up_done": _in_visible_contacts(FollowUp),
    # Administrators produce a subject access export of anyone, as the law requires.
    "privacy:subject_access": lambda user: Person.objects.all(),
    "intake:consultation_contact": lambda user: Consultation.objects.all(),
    # Administrators manage every token; a set-up link opens only for the user it was made for.
    "accounts:token_revoke": lambda user: ApiToken.objects.all(),
    # Administrators send again any e-mail the outbox gave up on.
    "outbox:send_again": lambda user: Message.objects.all(),
    # Administrators send again any hand-off that stopped.
    "handoffs:replay": lambda user: HandOff.objects.all(),
    # R20: the early help worker opens the hand-offs to the early help record.
    "handoffs:early_help_handoff": early_help_handoffs,
    "accounts:two_factor_enrol": lambda user: EnrolmentLink.objects.filter(user=user),
}
DEFAULT_FINDER = contacts_visible_to  # every other page finds a contact by its reference


def _restriction_hiding(route: Route, user: User, target: Target):
    """R45: the contact and person pages say whom to ask about a restricted record (a 403)."""
    if route.name in ("intake:contact", "screening:contact"):
        return restriction_hiding_contact(user=user, reference=target.values["reference"])
    if route.name in ("people:person", "people:correct"):
        return restriction_hiding_person(user=user, person_id=target.values["pk"])
    if route.name == "escalations:detail":
        return restriction_hiding_escalation(user=user, pk=target.values["pk"])
    if route.name == "handoffs:early_help_handoff":
        return restriction_hiding_early_help_handoff(user=user, pk=target.values["pk"])
    return None


# Pages that, for those allowed, answer with a redirect instead of a page.
REDIRECTS = {
    ("intake:consultation_contact", "became_contact"),  # to the contact it became
    ("accounts:login", ""),  # a signed-in user goes straight on
    ("accounts:two_factor_verify", ""),  # no app set up yet: to set one up
    ("accounts:logout", ""),  # signed out, to the sign-in page
}


def _queries(council: Council) -> dict[str, tuple[str, ...]]:
    """Downloads and filtered views worth crawling too: exports read personal data as pages do."""
    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    period = (
        f"start-day={start.day}&start-month={start.month}&start-year={start.year}"
        f"&end-day={today.day}&end-month={today.month}&end-year={today.year}"
    )
    year = today.year + 1 if today.month >= 4 else today.year
    return {
        "escalations:log": ("format=csv", "format=xlsx"),
        "escalations:report": ("format=csv", "format=xlsx"),
        "mash:requests": ("format=csv",),
        "privacy:disclosures": ("format=csv",),
        "privacy:access": (
            f"viewer={council.users['mash_manager'].pk}",
            f"viewer={council.users['mash_manager'].pk}&format=csv",
        ),
        "intake:inbox": ("age=overdue",),
        "dashboards": ("download=sources&format=csv",),
        "returns:returns": (
            f"return=annex-a&{period}",
            f"return=annex-a&{period}&format=xlsx&download=1",
            f"return=annex-a&{period}&format=zip&download=1",
            f"return=cin-census&year={year}",
        ),
        "policy:guidance": ("q=bruise",),
        # Searches that find the restricted child without naming it (its date of birth, its
        # postcode, its contact's reference), a name, and input the page must refuse.
        "search:search": (
            "q=9/5/2012",
            "q=l217pq",
            f"q={council.contacts['restricted'].reference}",
            f"q={council.contacts['new'].children.first().last_name}",
            "q=31/2/2015",
            "q=",
        ),
    }


# The council, seeded once for the module --------------------------------------------------


@dataclass
class Crawl:
    council: Council
    clients: dict[str, Client]
    tokens: dict[tuple[str, str], str]
    by_parameters: dict[tuple[str, ...], list[Target]]
    by_route: dict[str, list[Target]]
    queries: dict[str, tuple[str, ...]]
    policy: str = FULL_POLICY
    policy_keys: frozenset[str] = frozenset()
    started: float = 0.0
    requests: int = 0
    found: dict[str, Findings] = field(default_factory=dict)

    @property
    def light(self) -> bool:
        """Whether this is a lighter pass, of another council's policy."""
        return self.policy != FULL_POLICY

    @property
    def variant(self) -> bool:
        """Whether this pass is of what a variant of the default policy changes only."""
        return self.policy in VARIANTS

    def user(self, who: str) -> User | None:
        return None if who == ANONYMOUS else self.council.users[who]


@dataclass
class Findings:
    """What crawling one route found: wrong statuses, and names shown to the wrong people."""

    statuses: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # what the HTML checks found


def _start_journey(client: Client) -> str:
    """A referral journey in the anonymous session, for the public form's pages."""
    response = client.post("/refer/")
    return response["Location"].strip("/").split("/")[1]


def _tokens(users: dict[str, User]) -> dict[tuple[str, str], str]:
    return {
        (who, kind.name): kind.issue(user)
        for who, user in users.items()
        for kind in TOKEN_KINDS
        if kind.issue
    }


@pytest.fixture(scope="module", params=POLICIES)
def crawl(request, django_db_setup, django_db_blocker, tmp_path_factory):
    policy = request.param
    uploads = tmp_path_factory.mktemp("uploads")
    # Thousands of refusals are the point here: the log of each would bury a real failure.
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.CRITICAL
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=uploads, FRONTDOOR_COUNCIL=policy),
        transaction.atomic(),
    ):
        cache.clear()  # full rate-limit buckets: every request of the crawl comes from one address
        council = seed_council()
        clients = {ANONYMOUS: Client(raise_request_exception=False)}
        for who, user in council.users.items():
            clients[who] = Client(raise_request_exception=False)
            clients[who].force_login(user)
        journey = _start_journey(clients[ANONYMOUS])
        yield Crawl(
            council=council,
            clients=clients,
            tokens=_tokens(council.users),
            by_parameters=_targets_by_parameters(council, journey),
            by_route=_targets_by_route(council),
            queries=_queries(council),
            policy=policy,
            policy_keys=policy_keys(current_policy()),
            started=time.perf_counter(),
        )
        transaction.set_rollback(True)
    quiet.setLevel(level)


# Asking ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    allow: str
    text: str
    error: str
    html: bool = False


def _text(response) -> str:
    """Everything the answer says, whether a page, a CSV, an XLSX or a zip of CSVs, with the
    name it gives a download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        text = " ".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        )
    elif "zip" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            text = " ".join(archive.read(name).decode() for name in archive.namelist())
    else:
        text = body.decode(errors="replace")
    return f"{response.get('Content-Disposition', '')} {text}"


def ask(crawl: Crawl, client: Client, method: str, url: str, **extra) -> Answer:
    """One request, its changes rolled back so the council stays as seeded."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    # Rolled back too: what the request adds to the rate limits' buckets (kept in the cache).
    with transaction.atomic():
        response = getattr(client, method)(url, **extra)
        text = _text(response)
        transaction.set_rollback(True)
    client.cookies = cookies  # the session as before (a POST to sign out ends it, say)
    crawl.requests += 1
    error = ""
    if getattr(response, "exc_info", None):
        error = f" ({response.exc_info[0].__name__}: {str(response.exc_info[1])[:300]})"
    return Answer(
        status=response.status_code,
        location=response.get("Location", ""),
        allow=response.get("Allow", ""),
        text=text,
        error=error,
        html=response.get("Content-Type", "").startswith("text/html"),
    )


def _names_shown(text: str, who: str, route_name: str = "") -> list[str]:
    shown = []
    lowered = text.lower()
    # R45: only those the restriction names, and the administrators who manage restrictions
    # and subject access on their own pages, see the restricted family's name; and the case
    # record, which pulls a restricted child's hand-off marked restricted (R44).
    if (
        RESTRICTED_NAME.lower() in lowered
        and who != "named_manager"
        and route_name
        not in {"privacy:restrictions", "privacy:subject_access", "get /api/v1/handoffs"}
    ):
        shown.append(f"{RESTRICTED_NAME} (restricted)")
    # R11: a member of the public's identity never reaches another agency.
    if who.startswith("partner") and PUBLIC_REFERRER_NAME.lower() in lowered:
        shown.append(f"{PUBLIC_REFERRER_NAME} (public referrer)")
    return shown


# Pages -------------------------------------------------------------------------------------


def expected_page_status(crawl: Crawl, route: Route, who: str, target: Target | None) -> set[int]:
    """The statuses the matrix and the page's selector allow for `who` at this page."""
    user = crawl.user(who)
    if route.public:
        return {200, 302}
    if user is None:
        return {302}  # to sign in
    if route.action != ANY_SIGNED_IN and not can(user, route.action):
        return {403}
    if target is not None and target.found is not None:
        finder = FINDERS.get(route.name, DEFAULT_FINDER)
        if not finder(user).filter(pk=target.found.pk).exists():
            return {403} if _restriction_hiding(route, user, target) else {404}
    label = target.label if target else ""
    return {302} if (route.name, label) in REDIRECTS else {200}


# Pages some read but may not write to: whoever raised an escalation that a restriction has since
# closed to them follows it, and records no step on it (R39, R45).
READ_ONLY_FINDERS = {"escalations:detail": escalations_followed_by_raiser}


def expected_post_status(
    crawl: Crawl, route: Route, who: str, target: Target | None, expected: set[int]
) -> set[int]:
    """What a POST is answered: as the GET is, but refused where `who` only reads."""
    user = crawl.user(who)
    finder = READ_ONLY_FINDERS.get(route.name)
    if finder is None or user is None or target is None or target.found is None:
        return expected
    if 200 in expected and finder(user).filter(pk=target.found.pk).exists():
        return {403}
    return expected


def _targets(crawl: Crawl, route: Route) -> list[Target | None]:
    if not route.parameters:
        return [None]
    if route.name in crawl.by_route:
        return crawl.by_route[route.name]
    found = crawl.by_parameters.get(route.parameters)
    assert found, (
        f"{route.path}: the crawl cannot fill {', '.join(route.parameters)}; add real values "
        "for them to the crawl's tables, so the page is crawled"
    )
    return found


def _check(
    crawl: Crawl,
    findings: Findings,
    answer: Answer,
    expected: set[int],
    where: str,
    method: str,
    who: str,
):
    """GET answers exactly as the matrix says. A POST is refused as the GET is, and those
    allowed are not refused (what they sent is checked by the page, not here). A method the
    page does not take is 405 for everyone signed in."""
    refused = expected <= {302, 403, 404}
    if answer.status >= 500:
        findings.statuses.append(f"{where}: {answer.status}{answer.error}")
    elif answer.status == 405 and method.upper() not in answer.allow:
        if who == ANONYMOUS and expected == {302}:
            findings.statuses.append(f"{where}: 405 before asking to sign in")
    elif (method == "get" or refused) and answer.status not in expected:
        findings.statuses.append(f"{where}: {answer.status}, the matrix says {sorted(expected)}")
    elif not refused and answer.status in {403, 404}:
        findings.statuses.append(f"{where}: {answer.status}, but the matrix allows it")
    elif answer.status == 302 and "/accounts/login/" in answer.location and 302 not in expected:
        findings.statuses.append(f"{where}: sent to sign in")
    if answer.status in (200, 400) and answer.html:
        findings.pages += [
            f"{where}: {problem}"
            for problem in [
                *page_problems(answer.text, policy_keys=crawl.policy_keys),
                *form_errors_answer_400(answer.text, status=answer.status, sent=method == "post"),
            ]
        ]


def _takes_post(crawl: Crawl, route: Route, url: str) -> bool:
    """Whether the page takes a POST at all: if not, it answers 405 whoever sends it."""
    who = ANONYMOUS if route.public else "mash_manager"
    answer = ask(crawl, crawl.clients[who], "post", url)
    return not (answer.status == 405 and "POST" not in answer.allow)


def crawl_page(crawl: Crawl, route: Route) -> Findings:
    if route.path in crawl.found:
        return crawl.found[route.path]
    findings = Findings()
    sign_ins = (ANONYMOUS,) if route.public else SIGN_INS
    targets = _targets(crawl, route)
    methods = ("get", "post")
    if crawl.variant or not _takes_post(
        crawl, route, route.url(targets[0].values if targets[0] else {})
    ):
        methods = ("get",)
    for target in targets:
        url = route.url(target.values if target else {})
        for query in ("", *crawl.queries.get(route.name, ())):
            full = f"{url}?{query}" if query else url
            allowed = [
                who for who in sign_ins if 200 in expected_page_status(crawl, route, who, target)
            ]
            for who in (allowed[:1] if crawl.variant else allowed) if crawl.light else sign_ins:
                expected = expected_page_status(crawl, route, who, target)
                for method in methods:
                    if crawl.light and method == "post" and who != allowed[0]:
                        continue  # another council's pass: one POST, by the first allowed
                    answer = ask(crawl, crawl.clients[who], method, full)
                    where = f"{method.upper()} {full} as {who}"
                    if method == "post":
                        expected = expected_post_status(crawl, route, who, target, expected)
                    _check(crawl, findings, answer, expected, where, method, who)
                    findings.names += [
                        f"{where}: shows {name}"
                        for name in _names_shown(answer.text, who, route.name)
                    ]
    crawl.found[route.path] = findings
    return findings


# The API -----------------------------------------------------------------------------------

API_PAGES = ("api/v1/openapi.json", "api/v1/docs", "api/v1/")
PUBLIC = "no token needed"


@dataclass(frozen=True)
class ApiRule:
    """Who may call an operation (a matrix action, or PUBLIC), what it is called with,
    and whether the caller may reach the object it names (through the operation's selector)."""

    action: str
    allowed: frozenset[int]
    targets: str = ""  # "contacts", "requests", "handoffs" or "status": what fills the path or body
    visible: Callable[[User, Target], bool] | None = None
    body: Callable[[Target | None], dict] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    refused: frozenset[int] = frozenset({403})


def _found_by(selector) -> Callable[[User, Target], bool]:
    return lambda user, target: selector(user).filter(pk=target.found.pk).exists()


def _report(target: Target | None) -> dict:
    return submission_data()


def _status_check(target: Target | None) -> dict:
    return dict(target.values)


# Every operation of the OpenAPI document, with its rule. The operations check the matrix in
# their own code; this table says what that check must be.
API_RULES = {
    ("post", "/api/v1/contacts"): ApiRule(
        "contact.report",  # a partner system's own report, on the API channel (R2)
        frozenset({201}),
        body=_report,
    ),
    ("get", "/api/v1/contacts/{reference}"): ApiRule(
        "inbox.view",
        frozenset({200}),
        targets="contacts",
        visible=_found_by(contacts_visible_to),
    ),
    ("post", "/api/v1/contacts/{reference}/reports"): ApiRule(
        "contact.report",
        frozenset({201, 409}),  # 409: the contact is closed
        targets="contacts",
        visible=_found_by(contacts_open_to_reports),
        body=_report,
        # The contact is looked up before the report is checked: one refused is not told
        # whether the reference exists.
        refused=frozenset({403, 404}),
    ),
    ("post", "/api/v1/status"): ApiRule(
        PUBLIC, frozenset({200, 404}), targets="status", body=_status_check
    ),
    ("get", "/api/v1/mash/requests"): ApiRule("enquiry.answer", frozenset({200})),
    ("get", "/api/v1/mash/requests/{pk}"): ApiRule(
        "enquiry.answer",
        frozenset({200}),
        targets="requests",
        visible=_found_by(requests_visible_to),
    ),
    ("post", "/api/v1/mash/requests/{pk}/answer"): ApiRule(
        "enquiry.answer",
        frozenset({200, 409}),  # 409: every person must be answered for, or it was answered
        targets="requests",
        visible=_found_by(requests_visible_to),
        body=lambda target: {"answers": [], "opinion": "Nothing known."},
        headers={"HTTP_IDEMPOTENCY_KEY": "crawl-answer"},
    ),
    # R44: the case record's account reads and accepts its own record's hand-offs.
    ("get", "/api/v1/handoffs"): ApiRule("handoffs.receive", frozenset({200})),
    ("get", "/api/v1/handoffs/schema"): ApiRule("handoffs.receive", frozenset({200})),
    ("post", "/api/v1/handoffs/{pk}/accept"): ApiRule(
        "handoffs.receive",
        frozenset({200, 409}),  # 409: accepted before as another identifier
        targets="handoffs",
        # R45: another record's hand-off is not found by this record's token.
        visible=lambda user, target: target.found.record_system == _receives_for(),
        body=lambda target: {"external_id": "CRAWL-1"},
    ),
    ("post", "/api/v1/involvements"): ApiRule(
        "involvements.import",
        frozenset({200}),
        body=lambda target: {
            "source_system": "crawl",
            "rows": [
                {
                    "person_id": "C1",
                    "last_name": "Crawled",
                    "date_of_birth": "2015-03-02",
                    "kind": "social_care",
                    "started_on": "2026-01-05",
                    "external_id": "CRAWL-1",
                }
            ],
        },
    ),
}


def _api_targets(crawl: Crawl, rule: ApiRule) -> list[Target | None]:
    council = crawl.council
    if rule.targets == "contacts":
        return _contact_targets(council, CONTACT_KEYS)
    if rule.targets == "requests":
        return crawl.by_route["mash:answer"]
    if rule.targets == "handoffs":
        return crawl.by_route["handoffs:replay"]
    if rule.targets == "status":
        contact = council.contacts["overdue"]
        return [
            Target(
                "their own",
                {"reference": contact.reference, "secret": council.status_secrets["overdue"]},
            ),
            Target("a guess", {"reference": contact.reference, "secret": "guessed"}),
        ]
    return [None]


def expected_api_status(
    crawl: Crawl,
    rule: ApiRule,
    who: str,
    kind: TokenKind,
    target: Target | None,
    operation: tuple[str, str],
) -> frozenset[int]:
    if rule.action == PUBLIC:
        return rule.allowed
    if not kind.works:
        return frozenset({401})
    user = crawl.council.users[who]
    if not (can(user, rule.action) and kind.permits(*operation)):
        return rule.refused
    if target is not None and rule.visible and not rule.visible(user, target):
        return frozenset({404})
    return rule.allowed


def crawl_operation(crawl: Crawl, method: str, path: str) -> Findings:
    if crawl.light:
        pytest.skip(f"the API is crawled under {FULL_POLICY}'s policy; it shows no policy text")
    key = f"{method} {path}"
    if key in crawl.found:
        return crawl.found[key]
    rule = API_RULES.get((method, path))
    assert rule, f"{method.upper()} {path}: say in API_RULES who may call it, and with what"
    findings = Findings()
    client = crawl.clients[ANONYMOUS]
    for target in _api_targets(crawl, rule):
        values = target.values if target else {}
        url = re.sub(r"{(\w+)}", lambda match, values=values: str(values[match[1]]), path)
        for kind in TOKEN_KINDS:
            for who in tuple(STAFF) if kind.issue else (ANONYMOUS,):
                token = crawl.tokens.get((who, kind.name))
                if kind.issue and token is None:
                    continue  # a scope of no use to this role: no such token can be issued
                extra = {**kind.headers(token), **rule.headers}
                if rule.body:
                    extra |= {"data": rule.body(target), "content_type": "application/json"}
                answer = ask(crawl, client, method, url, **extra)
                expected = expected_api_status(crawl, rule, who, kind, target, (method, path))
                where = f"{method.upper()} {url} as {who} ({kind.name})"
                if answer.status >= 500 or answer.status not in expected:
                    findings.statuses.append(
                        f"{where}: {answer.status}{answer.error}, the rule says {sorted(expected)}"
                    )
                findings.names += [
                    f"{where}: shows {name}"
                    for name in _names_shown(answer.text, who, f"{method} {path}")
                ]
    crawl.found[key] = findings
    return findings


# The tests ---------------------------------------------------------------------------------


def _pages() -> list:
    return [pytest.param(route, id=route.path or "/") for route in PAGES]


def _operations() -> list:
    return [pytest.param(method, path, id=f"{method} {path}") for method, path in OPERATIONS]


def test_r45_every_page_declares_who_may_open_it():
    undeclared = [route.path for route in PAGES if not route.public and route.action is None]
    assert undeclared == [], "each page is @allowed(action), for_anyone_signed_in or public"


def test_r45_every_declared_action_is_in_the_matrix():
    keys = {action.key for action in ACTIONS} | {ANY_SIGNED_IN}
    assert {route.action for route in PAGES if route.action} <= keys


def test_r45_the_crawl_has_every_api_route_of_the_urlconf_and_the_served_document(client):
    served = client.get("/api/v1/openapi.json").json()["paths"]
    assert {(method, path) for path in served for method in served[path]} == set(OPERATIONS)
    api_urls = {route.path for route in ALL_ROUTES if route.path.startswith("api/v1/")}
    documented = {re.sub(r"{(\w+)}", r"<\1>", path).lstrip("/") for path in API_DOCUMENT["paths"]}
    undocumented = {
        url for url in api_urls if re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", url) not in documented
    }
    # The document itself, its page and the API's root are the only others, open to anyone.
    assert undocumented == set(API_PAGES)
    for url in API_PAGES:
        assert client.get(f"/{url}").status_code < 500, url
    assert set(API_RULES) == set(OPERATIONS)


@pytest.mark.parametrize("route", _pages())
def test_r45_each_page_answers_everyone_as_the_matrix_says(crawl, route):
    findings = crawl_page(crawl, route)
    assert findings.statuses == [], "\n".join(findings.statuses)


@pytest.mark.parametrize("route", _pages())
def test_each_page_passes_the_html_checks(crawl, route):
    """One <h1>, a title said once, no raw policy key or template text, GOV.UK errors only."""
    findings = crawl_page(crawl, route)
    assert findings.pages == [], "\n".join(findings.pages)


@pytest.mark.parametrize("route", _pages())
def test_r45_r11_no_page_shows_a_restricted_or_protected_name(crawl, route):
    findings = crawl_page(crawl, route)
    assert findings.names == [], "\n".join(findings.names)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_r45_each_api_route_answers_every_token_as_the_matrix_says(crawl, method, path):
    findings = crawl_operation(crawl, method, path)
    assert findings.statuses == [], "\n".join(findings.statuses)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_r45_r11_no_api_route_shows_a_restricted_or_protected_name(crawl, method, path):
    findings = crawl_operation(crawl, method, path)
    assert findings.names == [], "\n".join(findings.names)


def test_r36_a_council_without_enquiry_timescales_says_so_on_its_mash_pages(crawl):
    """Lewisham's documents give no MASH enquiry timescales: its pages say there is none."""
    policy = current_policy()
    if any(policy.timescale(meaning.enquiry_timescale) for meaning in policy.rag.values()):
        pytest.skip(f"{crawl.policy} sets its MASH enquiry timescales")
    waiting = crawl.council.enquiries["waiting"]
    pages = [
        ("mash_manager", reverse("mash:review", args=[waiting.pk])),
        ("mash_manager", reverse("mash:enquiries")),
        ("partner_agency", reverse("mash:requests")),
    ]
    for who, url in pages:
        answer = ask(crawl, crawl.clients[who], "get", url)
        assert answer.status == 200, url
        assert "no timescale" in answer.text.lower(), url


def test_r45_a_partner_agency_manager_opens_what_its_agencys_users_open_and_no_more(crawl):
    """Crawled above as everyone is; here, the manager's rule in one place: the council's own
    pages are refused them as they are the agency's users, and they load the same requests."""
    manager = crawl.council.users["partner_manager"]
    police = crawl.council.users["partner_agency"]
    assert manager.role == Role.PARTNER_AGENCY_MANAGER
    for route in PAGES:
        if route.public or route.action == ANY_SIGNED_IN:
            continue
        assert can(manager, route.action) is can(police, route.action), route.path
    refused = {
        route.name
        for route in PAGES
        if not route.public and route.action != ANY_SIGNED_IN and not can(manager, route.action)
    }
    assert refused >= {
        "intake:inbox",
        "people:person",
        "mash:enquiries",
        "mash:briefing",
        "search:search",
        "dashboards",
        "returns:returns",
    }
    assert set(requests_visible_to(manager)) == set(requests_visible_to(police))
    assert requests_visible_to(manager).exists()


def test_the_size_of_the_crawl(crawl):
    """Last in the module: how many routes, sign-ins and requests the tests above made."""
    seconds = time.perf_counter() - crawl.started
    print(
        f"\nThe crawl of {crawl.policy}'s policy: {len(PAGES)} pages and {len(OPERATIONS)} API "
        f"operations, as {len(SIGN_INS)} sign-ins and {len(TOKEN_KINDS)} kinds of token, in "
        f"{crawl.requests} requests and {seconds:.0f} seconds"
        + (
            " (pages only, once each, as the first allowed)"
            if crawl.variant
            else " (pages only, as those allowed)"
            if crawl.light
            else ""
        )
    )
