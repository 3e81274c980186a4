"""The isolation crawl: on a service of several councils, one council's staff see nothing of
another's (docs/councils.md).

Two councils are seeded in every state (tests/attacks/council): Sefton, the default, and
Lewisham beside it, whose families, referrers and staff carry names found nowhere in Sefton's.
Each member of Sefton's staff, of every role, then asks for every page of the URLconf and every
API route with Lewisham's ids, at Sefton's addresses (404, or 403 where the matrix refuses first)
and at Lewisham's own (403: they do not work there); and every list, search, export and download
at Sefton's addresses. No answer may name Lewisham's families, referrers or staff, give one of
its references, or link to one of its records. A page or API route the crawl cannot fill with
Lewisham's ids fails, so a new one cannot go uncrawled.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from frontdoor.accounts.access import ANY_SIGNED_IN
from frontdoor.accounts.permissions import ACTIONS, can
from frontdoor.intake.models import Consultation
from frontdoor.intake.submissions import Child, Submission
from frontdoor.mash.models import Attendee
from frontdoor.outbox.models import Message
from frontdoor.people.corrections import correct_details
from frontdoor.people.models import Person, Restriction
from frontdoor.policy import councils
from frontdoor.policy.councils import serving
from frontdoor.policy.models import Council as CouncilRow
from tests.attacks import council as seeding
from tests.attacks.council import Council, seed_council
from tests.attacks.test_crawl import (
    API_RULES,
    OPERATIONS,
    PAGES,
    PUBLIC,
    Route,
    Target,
    _api_targets,
    _full_token,
    _queries,
    _start_journey,
    _targets_by_parameters,
    _targets_by_route,
    _text,
)
from tests.intake.factories import submission_data

pytestmark = pytest.mark.django_db

THEIRS = "lewisham"
# Lewisham's words in place of the seed's, so anything of theirs is seen wherever it shows.
THEIR_WORDS = {
    "Examplechild": "Quillfeather",
    "Pat Referrer": "Pat Hollowmere",
    "school.example": "hollowmere.example",
}
THEIR_RESTRICTED_NAME = "Marrowdene"
THEIR_PUBLIC_REFERRER = "Orchardly"
THEIR_STAFF = "Bexcrawl"
THEIR_CALLER = "Quillton Primary School"
THEIR_NHS_NUMBER = "401 023 2137"
THEIR_NAMES = (
    *THEIR_WORDS.values(),
    THEIR_RESTRICTED_NAME,
    THEIR_PUBLIC_REFERRER,
    THEIR_STAFF,
    THEIR_CALLER,
)
# Pages that, for their own reasons, name nothing of a council's and are open to everyone signed
# in, whichever council's address: signing in and out, and setting up two-factor sign-in.
PERSONAL = {
    "accounts:logout",
    "accounts:two_factor_verify",
    "accounts:two_factor_set_up",
    "accounts:two_factor_enrol",
}

# What a partner agency's side of MASH still shows of another council, to be closed when
# partner agencies serve several councils: their list of requests counts, by whom to ask, the
# other council's enquiries restricted from them (`mash.selectors.requests_restricted_from`).
# Each must still be found, so the list shrinks as they are closed.


def _theirs(text: str) -> str:
    for ours, theirs in THEIR_WORDS.items():
        text = text.replace(ours, theirs)
    return text


def _their_submission(**overrides: Any) -> Submission:
    return Submission.model_validate(json.loads(_theirs(json.dumps(submission_data(**overrides)))))


def _their_correction(**arguments: Any):
    """A correction as the seed makes one, giving Lewisham's child an NHS number of its own (the
    seed's children are other families than Sefton's)."""
    details = dict(arguments.pop("details"))
    if "nhs_number" in details:
        details["nhs_number"] = THEIR_NHS_NUMBER
    return correct_details(details=details, **arguments)


class _TheirChild(Child):
    """A child as the seed writes one, with Lewisham's family name."""

    def __init__(self, **fields: Any):
        super().__init__(**{k: _theirs(v) if isinstance(v, str) else v for k, v in fields.items()})


def _seed_theirs() -> tuple[Council, dict[str, list[Target]]]:
    """Lewisham in every state, its families, referrers and staff with names of its own, and
    what fills each page's and API route's ids with its records."""
    with (
        serving(THEIRS),
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr(seeding, "make_submission", _their_submission)
        patch.setattr(seeding, "Child", _TheirChild)
        patch.setattr(seeding, "correct_details", _their_correction)
        patch.setattr(seeding, "RESTRICTED_NAME", THEIR_RESTRICTED_NAME)
        patch.setattr(seeding, "PUBLIC_REFERRER_NAME", THEIR_PUBLIC_REFERRER)
        theirs = seed_council(staff=THEIR_STAFF)
        # A child Lewisham knows by the very details Sefton has for one of its own: Sefton's
        # matching must not offer Lewisham's record.
        ours = Child.model_validate(submission_data()["children"][0])
        theirs.people["twin"] = Person.objects.create(
            first_name=ours.first_name,
            last_name=ours.last_name,
            date_of_birth=ours.date_of_birth,
            sex="male",
            postcode=ours.postcode,
        )
        Consultation.objects.filter(
            pk__in=[consultation.pk for consultation in theirs.consultations.values()]
        ).update(caller_agency=THEIR_CALLER)
        # Whom to ask about its restricted child names its own staff: a refusal saying so to
        # another council's staff would show that the record exists.
        Restriction.objects.filter(person=theirs.people["restricted"]).update(
            ask=f"{THEIR_STAFF} Named Manager"
        )
        by_route = _targets_by_route(theirs)
        Message.objects.filter(pk=by_route["outbox:send_again"][0].found.pk).update(
            to="lost@hollowmere.example"
        )
        journey = Client()
        started = journey.post(f"/{THEIRS}/refer/")["Location"]
        slug = started.removeprefix(f"/{THEIRS}").strip("/").split("/")[1]
        by_parameters = _targets_by_parameters(theirs, slug)
    return theirs, {"by_route": by_route, "by_parameters": by_parameters}  # type: ignore[return-value]  # two tables, by kind


@dataclass
class Isolation:
    ours: Council
    theirs: Council
    clients: dict[str, Client]
    tokens: dict[str, str]
    by_route: dict[str, list[Target]]
    by_parameters: dict[tuple[str, ...], list[Target]]
    references: frozenset[str]
    our_targets: dict[str, list[Target]]
    paths: frozenset[str] = frozenset()
    requests: int = 0
    found: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def isolation(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Isolation]:
    quiet = logging.getLogger("django.request")
    level, quiet.level = quiet.level, logging.CRITICAL
    before = councils._read
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("uploads")),
        transaction.atomic(),
    ):
        cache.clear()
        CouncilRow.objects.get_or_create(key="sefton", defaults={"name": "Sefton Council"})
        CouncilRow.objects.create(key=THEIRS, name="Lewisham Council")
        councils.forget_councils()
        ours = seed_council()
        our_by_route = _targets_by_route(ours)
        # One e-mail the outbox gave up on for each council (the crawl's tables make it).
        Message.objects.filter(key="crawl-undelivered").update(key="crawl-undelivered-ours")
        theirs, tables = _seed_theirs()
        clients = {}
        for who, user in ours.users.items():
            clients[who] = Client(raise_request_exception=False)
            clients[who].force_login(user)
        clients["anonymous"] = Client(raise_request_exception=False)
        our_by_parameters = _targets_by_parameters(ours, _start_journey(clients["anonymous"]))
        isolation = Isolation(
            ours=ours,
            theirs=theirs,
            clients=clients,
            tokens={who: _full_token(user) for who, user in ours.users.items()},
            by_route=tables["by_route"],  # type: ignore[index]  # see _seed_theirs
            by_parameters=tables["by_parameters"],  # type: ignore[index]  # see _seed_theirs
            references=frozenset(c.reference for c in theirs.contacts.values()),
            our_targets={
                route.path: _targets_for(route, our_by_route, our_by_parameters)
                for route in PAGES
                if route.parameters
            },
        )
        isolation.paths = frozenset(
            route.url(target.values)
            for route in PAGES
            if route.parameters and not route.public
            for target in _their_targets(isolation, route)
        )
        yield isolation
        transaction.set_rollback(True)
    councils._read = before
    quiet.setLevel(level)


def _their_targets(isolation: Isolation, route: Route) -> list[Target]:
    return _targets_for(route, isolation.by_route, isolation.by_parameters)


def _targets_for(
    route: Route,
    by_route: dict[str, list[Target]],
    by_parameters: dict[tuple[str, ...], list[Target]],
) -> list[Target]:
    if route.name in by_route:
        return by_route[route.name]
    found = by_parameters.get(route.parameters)
    assert found, (
        f"{route.path}: the isolation crawl cannot fill {', '.join(route.parameters)} with "
        "another council's ids; add them to the crawl's tables (tests/attacks/test_crawl.py)"
    )
    return found


def _theirs_shown(isolation: Isolation, text: str, asked: str) -> list[str]:
    """Lewisham's names, references and record addresses in `text`, but for those the request
    itself gave (a search echoes what was searched for)."""
    lowered, asked = text.lower(), asked.lower()
    shown = [name for name in THEIR_NAMES if name.lower() in lowered and name.lower() not in asked]
    shown += [
        ref for ref in isolation.references if ref.lower() in lowered and ref.lower() not in asked
    ]
    shown += [
        path
        for path in isolation.paths
        if f'{path}"'.lower() in lowered and path.lower() not in asked
    ]
    return sorted(shown)


def _ask(isolation: Isolation, client: Client, method: str, url: str, **extra):
    with transaction.atomic():
        response = getattr(client, method)(url, **extra)
        text = _text(response)
        transaction.set_rollback(True)
    isolation.requests += 1
    return response, text


def _check(
    isolation: Isolation,
    problems: list[str],
    where: str,
    response,
    text: str,
    url: str,
    expected: set[int] | None,
) -> None:
    status = response.status_code
    if status >= 500:
        problems.append(f"{where}: {status}")
    elif status == 405 and where.split()[0] not in response.get("Allow", ""):
        pass  # the page does not take the method at all
    elif expected is not None and status not in expected:
        problems.append(f"{where}: {status}, not {sorted(expected)}")
    problems += [f"{where}: shows {shown}" for shown in _theirs_shown(isolation, text, url)]


def _whom(isolation: Isolation, route: Route) -> list[str]:
    return (
        ["anonymous"] if route.public else [who for who in isolation.clients if who != "anonymous"]
    )


def _their_queries(isolation: Isolation) -> dict[str, tuple[str, ...]]:
    """Searches and filters naming Lewisham's records: found by none of Sefton's staff."""
    theirs = isolation.theirs
    reference = theirs.contacts["new"].reference
    person = theirs.people["known"].pk
    viewer = theirs.users["mash_manager"].pk
    return {
        "search:search": (f"q={reference}", "q=Quillfeather", f"q={THEIR_RESTRICTED_NAME}"),
        "handoffs:early_help": (f"q={reference}", "q=Quillfeather"),
        "privacy:subject_access_find": (f"person={person}",),
        "privacy:access": (f"viewer={viewer}", f"viewer={viewer}&format=csv"),
        "privacy:disclosures": (f"q={reference}",),
        "intake:inbox": (f"q={reference}",),
    }


def crawl_at_ours(isolation: Isolation, route: Route) -> list[str]:
    """Every page at Sefton's addresses, as each of Sefton's staff: Lewisham's ids are not found
    (or refused by the matrix first), and no list, search or download shows any of Lewisham."""
    key = f"ours {route.path}"
    if key in isolation.found:
        return isolation.found[key]
    problems: list[str] = []
    ours = _queries(isolation.ours)
    for who in _whom(isolation, route):
        client, user = isolation.clients[who], isolation.ours.users.get(who)
        if route.parameters:
            for target in _their_targets(isolation, route):
                url = route.url(target.values)
                acts = route.public or route.action == ANY_SIGNED_IN or can(user, route.action)
                for method in ("get", "post") if acts else ("get",):
                    response, text = _ask(isolation, client, method, url)
                    expected = {302, 404} if route.public else {403, 404}
                    where = f"{method.upper()} {url} as our {who}"
                    _check(isolation, problems, where, response, text, url, expected)
        else:
            url = route.url({})
            queries = (
                "",
                *ours.get(route.name, ()),
                *_their_queries(isolation).get(route.name, ()),
            )
            for query in queries:
                full = f"{url}?{query}" if query else url
                response, text = _ask(isolation, client, "get", full)
                _check(isolation, problems, f"GET {full} as our {who}", response, text, full, None)
    isolation.found[key] = problems
    return problems


def crawl_our_own(isolation: Isolation, route: Route) -> list[str]:
    """Every page of Sefton's own records, as each of its staff who may open it: nothing of
    Lewisham's beside them (a person matched, a link, a count by whom to ask)."""
    problems: list[str] = []
    for target in isolation.our_targets[route.path]:
        url = route.url(target.values)
        for who in _whom(isolation, route):
            user = isolation.ours.users.get(who)
            if route.public or route.action == ANY_SIGNED_IN or can(user, route.action):
                response, text = _ask(isolation, isolation.clients[who], "get", url)
                _check(isolation, problems, f"GET {url} as our {who}", response, text, url, None)
    return problems


def crawl_at_theirs(isolation: Isolation, route: Route) -> list[str]:
    """Every page at Lewisham's own addresses, as each of Sefton's staff: refused, since they
    do not work there, and showing nothing of Lewisham's."""
    problems: list[str] = []
    targets = _their_targets(isolation, route) if route.parameters else [Target("", {})]
    for who in _whom(isolation, route):
        for target in targets:
            url = f"/{THEIRS}" + route.url(target.values)
            response, text = _ask(isolation, isolation.clients[who], "get", url)
            if route.public:
                expected = None  # Lewisham's public form, for anyone
            elif route.name in PERSONAL or route.name == "home":
                expected = None  # their own sign-in's pages, which name no council's records
            elif _service_wide(route.action, isolation.ours.users.get(who)):
                # A partner agency's enquiries, the same list at every council's address: what
                # was sent to their agency, and nothing of Lewisham's that was not.
                expected = None
            else:
                expected = {403, 404}
            where = f"GET {url} as our {who}"
            _check(isolation, problems, where, response, text, url, expected)
    return problems


def crawl_operation(isolation: Isolation, method: str, path: str) -> list[str]:
    """Every API route with each of Sefton's staff's tokens, with Lewisham's ids, at Sefton's
    address and at Lewisham's."""
    key = f"{method} {path}"
    if key in isolation.found:
        return isolation.found[key]
    rule = API_RULES.get((method, path))
    assert rule, f"{method.upper()} {path}: say in the crawl's API_RULES what it is called with"
    problems: list[str] = []
    tables = type("Tables", (), {"council": isolation.theirs, "by_route": isolation.by_route})
    users = isolation.ours.users
    for target in _api_targets(tables, rule):  # type: ignore[arg-type]  # what it reads of a crawl
        values = target.values if target else {}
        url = re.sub(r"{(\w+)}", lambda match, values=values: str(values[match[1]]), path)
        # Lewisham's public routes are for anyone at its address: its referrers check there.
        for prefix in ("",) if rule.action == PUBLIC else ("", f"/{THEIRS}"):
            for who, token in isolation.tokens.items():
                extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}", **rule.headers}
                if rule.body:
                    extra |= {"data": rule.body(target), "content_type": "application/json"}
                full = prefix + url
                response, text = _ask(
                    isolation, isolation.clients["anonymous"], method, full, **extra
                )
                if prefix and target is None and _service_wide(rule.action, users.get(who)):
                    expected = None  # as at Sefton's address: their agency's, nothing more
                elif prefix:
                    expected = {401, 403, 404}
                elif target is not None:
                    expected = {403, 404}
                else:
                    expected = None
                where = f"{method.upper()} {full} as our {who}"
                _check(isolation, problems, where, response, text, json.dumps(values), expected)
    isolation.found[key] = problems
    return problems


def _service_wide(action: str, user) -> bool:
    """Whether `user` may do `action` at every council's address (a partner agency's answers)."""
    known = next((a for a in ACTIONS if a.key == action), None)
    return bool(known and known.service_wide and user is not None and can(user, action))


def _pages() -> list:
    return [pytest.param(route, id=route.path or "/") for route in PAGES]


def _operations() -> list:
    return [pytest.param(method, path, id=f"{method} {path}") for method, path in OPERATIONS]


@pytest.mark.parametrize("route", _pages())
def test_no_page_at_our_address_shows_or_finds_another_councils_records(isolation, route):
    problems = crawl_at_ours(isolation, route)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("route", [r for r in PAGES if r.parameters], ids=lambda r: r.path or "/")
def test_our_own_records_pages_show_nothing_of_another_council(isolation, route):
    problems = crawl_our_own(isolation, route)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("route", [r for r in PAGES if not r.public], ids=lambda r: r.path or "/")
def test_another_councils_pages_refuse_our_staff(isolation, route):
    problems = crawl_at_theirs(isolation, route)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("method", "path"), _operations())
def test_no_api_route_shows_or_finds_another_councils_records(isolation, method, path):
    problems = crawl_operation(isolation, method, path)
    assert problems == [], "\n".join(problems)


def test_their_records_are_theirs_and_named_as_no_one_of_ours(isolation):
    """The crawl above could pass by finding nothing: Lewisham's records are Lewisham's, its
    names are seen on its own pages, and none is Sefton's."""
    theirs = isolation.theirs
    assert {c.council_id for c in theirs.contacts.values()} == {THEIRS}
    assert {p.council_id for p in theirs.people.values()} == {THEIRS}
    assert {u.council_id for u in theirs.users.values()} == {THEIRS}
    reference = theirs.contacts["new"].reference
    own = Client()
    own.force_login(theirs.users["mash_manager"])
    page = own.get(reverse("intake:contact", args=[reference]).replace("/", f"/{THEIRS}/", 1))
    assert page.status_code == 200
    assert "Quillfeather" in page.content.decode()
    for who, client in isolation.clients.items():
        if who != "anonymous":
            answer = client.get(
                reverse("intake:contact", args=[isolation.ours.contacts["new"].reference])
            )
            assert answer.status_code in {200, 403}, who


def test_no_e_mail_or_invitation_of_one_council_goes_to_anothers_staff(isolation):
    """What one council's work sends its staff (an escalation's steps, an exploitation
    screening, a meeting's invitation) goes to its own staff only. A partner agency's alert of a
    MASH enquiry is left out: partner agencies are to serve several councils."""
    for sender, other in ((isolation.ours, isolation.theirs), (isolation.theirs, isolation.ours)):
        council = next(iter(sender.contacts.values())).council_id
        staff = [u for u in other.users.values() if not u.agency_key]
        sent = Message.objects.filter(council_id=council, to__in=[u.email for u in staff])
        assert list(sent.values_list("kind", "to")) == []
        invited = Attendee.objects.filter(
            meeting__contact__council_id=council, name__in=[str(u) for u in staff]
        )
        assert list(invited.values_list("name", flat=True)) == []
