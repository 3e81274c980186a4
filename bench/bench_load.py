"""A bounded load test on loopback: many people using Front Door at once, on PostgreSQL.

Run from the repository root (PostgreSQL only; the database is created and dropped here):
    .venv/bin/python bench/bench_load.py                     # 50 users for 5 minutes
    .venv/bin/python bench/bench_load.py --seconds 30 --users 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5433/frontdoor_bench_load \
        .venv/bin/python bench/bench_load.py --restart-db \
        --restart-command "pg_ctlcluster --skip-systemctl-redirect 15 bench restart"

It drops and creates the database named in DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/frontdoor_bench_load; the name must contain "bench", so a slip
cannot wipe another database), migrates it, creates a contact officer and a MASH manager for
each simulated user, and records `--seed` contacts by telephone for the managers to decide. It
serves the app with gunicorn on 127.0.0.1 as production would (gthread workers, persistent
database connections, two-factor sign-in optional so staff sign in with a password, the public
form's rate limit raised: every user comes from 127.0.0.1).

Then `--users` threads (50) each act as one person at a keyboard for `--seconds` (300). Each
has its own cookies and connection, pauses `--think` seconds (1.0, randomised by +/-50%) before
each page it asks for, as someone reads and types (a redirect is followed at once, as a browser
does), and picks each next task by the mix (`--forms`, `--inbox`, `--decisions`: 40/40/20):

* form submission: a professional, a member of the public or an anonymous referrer fills in the
  public online referral form from /refer/, page by page with its CSRF token, checks the answers,
  submits, and notes the reference on the confirmation page;
* inbox read: a contact officer opens the front door inbox and one contact from it;
* decision: a MASH manager takes a contact nobody else is working on (seeded, or one referred
  during the run), starts screening, records each child's screening, asks for a decision and
  records a threshold decision for each child.

A request that fails (a 5xx, Django's bare "Bad Request (400)" page, which it answers when the
session cannot be saved, or a broken connection) is retried after `--retry-pause` seconds, up to
`--retries` times, as a person would press the button again; every failed attempt counts.
Errors are those failures and any unexpected status or page. A 503 saying the referral was
not sent or the service is unavailable (the page any request gets while the database is away),
and a "someone else decided this child" answer, are refusals, counted on their own.

It prints, per kind of task: tasks done, requests, errors, refusals, and p50/p95/max latency per
request; requests per second; the load average before and after. It then checks every reference
shown on a confirmation page against the database: each must be there exactly once, from the
journey that showed it. "contacts lost" counts those that are not (target 0). A referral stored
but whose confirmation never reached its referrer is "stored, not confirmed": not lost, since the
referrer was never told it was received, and a second try finds the same contact.

`--restart-db` runs `--restart-command` once, at half time, while the users keep going, and
reports what was answered during the restart (from its start to `--restart-grace` seconds after
the command returns), the contacts lost, and whether the app recovered: requests succeed again
after it. The default command restarts the main PostgreSQL 15 cluster; on a machine others share,
restart a cluster of your own instead:
    pg_createcluster 15 bench --port 5433 -- --auth-local=trust --auth-host=trust
    pg_ctlcluster --skip-systemctl-redirect 15 bench start
and point DATABASE_URL and --restart-command at it, as in the third example above.

It prints figures and asserts nothing about speed. The simulated users run in this process and
share the machine with the server, so on 2 cores they take some of its CPU. Pages' static files
are not fetched (a browser would have them cached).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import functools
import html
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlparse

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))  # serving.py, run as a script
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.intake.factories

from serving import (
    HOST,
    database_name,
    drop_postgres_database,
    fresh_postgres_database,
    is_postgres,
    load_average,
    percentile,
    start_server,
    stop_server,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/frontdoor_bench_load"
DEFAULT_RESTART = "pg_ctlcluster --skip-systemctl-redirect 15 main restart"
PASSWORD = "load-test-password-1"  # noqa: S105 - staff of a throwaway database
FORM, INBOX, DECISION = "form submission", "inbox read", "decision"
KINDS = (FORM, INBOX, DECISION)

# What the pages say, by which the users know where they are.
NOT_SENT = "Your referral has not been sent"  # the 503 of the form's "Submit referral"
# Any page's 503 while the database is away (frontdoor.error_pages), with what to do next.
UNAVAILABLE = "Sorry, the service is unavailable"
CONFLICT = "Yours was not saved"  # another manager decided the child first
# Django's own page when the session could not be saved after the view ran (SessionInterrupted,
# which its database backend raises for any database error): a failure to retry, unlike the
# app's 400s, which are its form pages saying what to correct.
BARE_400 = "<h1>Bad Request (400)</h1>"
SUCCESS_BANNER = "govuk-notification-banner--success"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r'id="reference">([^<]+)<')
INBOX_LINK = re.compile(r'href="/contacts/([A-Z]{2}-[A-Z0-9-]+)/"')
EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Interrupted|Shutdown)\b")
SERVER_AT = re.compile(r'connection to server at "[^"]*", port \d+ failed: ')
BANNER_TEXT = re.compile(r'govuk-notification-banner__heading">(.*?)</p>', re.S)


# What each user saw, kept per thread and added up at the end.


@dataclasses.dataclass(frozen=True)
class Sample:
    """One HTTP request: when it began (seconds into the run), how long it took, and how it went."""

    kind: str
    began: float
    seconds: float
    status: int  # 0: no answer (the connection failed)
    outcome: str  # "ok", "refused" or "error"
    detail: str  # for a refusal or an error: the status or exception, and the page

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


@dataclasses.dataclass(frozen=True)
class Task:
    kind: str
    result: str  # "done", "refused" (given up after refusals only) or "failed"
    reason: str = ""  # why it was given up


@dataclasses.dataclass(frozen=True)
class Submission:
    """One press of "Submit referral", and what came back."""

    journey: str
    began: float
    ended: float
    outcome: str  # "confirmed", "refused" or "error"


class GaveUp(Exception):
    """A task could not go on: the page was not the one expected, or retries ran out."""

    def __init__(self, reason: str, *, refused: bool = False):
        super().__init__(reason)
        self.refused = refused


class Stopped(Exception):
    """The run is over: the user leaves the task where it is."""


class ContactPool:
    """Contacts waiting for a decision; each is handed to one manager only, so none collide."""

    def __init__(self, references: list[str]):
        self._waiting = collections.deque(references)
        self._lock = threading.Lock()

    def take(self) -> str | None:
        with self._lock:
            return self._waiting.popleft() if self._waiting else None

    def add(self, reference: str) -> None:
        with self._lock:
            self._waiting.append(reference)


@dataclasses.dataclass(frozen=True)
class Settings:
    base: str
    think: float
    retries: int
    retry_pause: float
    weights: tuple[float, float, float]


# One simulated person at a keyboard.


class User(threading.Thread):
    """One simulated user: a contact officer's and a MASH manager's browser, each signed in once,
    and a fresh browser for each referral made as a member of the public or a professional."""

    def __init__(
        self,
        number: int,
        settings: Settings,
        pool: ContactPool,
        ready: threading.Barrier,
        go: threading.Event,
        stop: threading.Event,
    ):
        super().__init__(daemon=True, name=f"user-{number}")
        self.number, self.settings, self.pool = number, settings, pool
        self.ready, self.go, self.stop = ready, go, stop
        self.rng = random.Random(2026 + number)
        self.officer = requests.Session()
        self.manager = requests.Session()
        self.samples: list[Sample] = []
        self.tasks: list[Task] = []
        self.submissions: list[Submission] = []
        self.confirmed: dict[str, str] = {}  # journey -> reference shown on its confirmation
        self.skipped_decisions = 0  # no contact was waiting for a decision
        self.cut_off = 0  # tasks left unfinished when the run ended
        self.sign_in_error = ""
        self.zero = 0.0

    # The run.

    def run(self) -> None:
        try:
            self.sign_in(self.officer, f"load-officer-{self.number}")
            self.sign_in(self.manager, f"load-manager-{self.number}")
        except Exception as error:  # reported by the main thread, which stops
            self.sign_in_error = f"{type(error).__name__}: {error}"
        self.samples.clear()  # signing in is set-up, not part of the measured mix
        try:
            self.ready.wait()
        except threading.BrokenBarrierError:
            return
        self.go.wait()  # `zero` is set by now: the start of the timed run
        while not self.stop.is_set() and not self.sign_in_error:
            kind = self.rng.choices(KINDS, weights=self.settings.weights)[0]
            task: Callable[[], None] = self.refer if kind == FORM else self.read_inbox
            if kind == DECISION:
                reference = self.pool.take()
                if reference is None:  # nothing waits for a decision: read the inbox instead
                    self.skipped_decisions += 1
                    kind, task = INBOX, self.read_inbox
                else:
                    task = functools.partial(self.decide, reference)
            try:
                task()
            except Stopped:
                self.cut_off += 1
                break
            except GaveUp as error:
                result = "refused" if error.refused else "failed"
                self.tasks.append(Task(kind, result, str(error)))
            except Exception as error:  # a page this script cannot read: an error
                self.blame(f"{type(error).__name__}: {error}")
                self.tasks.append(Task(kind, "failed", f"{type(error).__name__}: {error}"))
            else:
                self.tasks.append(Task(kind, "done"))
        for session in (self.officer, self.manager):
            session.close()

    def think(self) -> None:
        """Read the page and type: before each page the person asks for, not for redirects."""
        if self.stop.is_set():
            raise Stopped
        time.sleep(self.settings.think * self.rng.uniform(0.5, 1.5))
        if self.stop.is_set():
            raise Stopped

    def now(self) -> float:
        return time.monotonic() - self.zero

    # Requests.

    def fetch(
        self,
        session: requests.Session,
        kind: str,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
        *,
        page: str,
        expect: tuple[int, ...],
        on_answer: Callable[[str, float, float], None] | None = None,
    ) -> requests.Response:
        """One request, retried as a person would after a failure; every attempt is a sample.

        `on_answer(outcome, began, ended)` hears of each attempt (the form's submissions).
        """
        url = urljoin(self.settings.base, path)
        for attempt in range(self.settings.retries + 1):
            if attempt:
                time.sleep(self.settings.retry_pause)
                if self.stop.is_set():
                    raise Stopped
            began = self.now()
            clock = time.perf_counter()
            try:
                response = session.request(
                    method, url, data=data, allow_redirects=False, timeout=60
                )
                text = response.text
            except requests.RequestException as error:
                ended = self.now()
                # The page and the cause, so that an error can be told apart: the server
                # closing a connection, a refused connection, a timeout.
                cause = str(error).split(": ", 1)[-1][:160]
                self.record(
                    kind,
                    began,
                    time.perf_counter() - clock,
                    0,
                    "error",
                    f"{type(error).__name__} at {method} {page}: {cause}",
                )
                if on_answer:
                    on_answer("error", began, ended)
                continue
            seconds, ended = time.perf_counter() - clock, self.now()
            status = response.status_code
            where = f"{method} {page}"
            if status >= 500 or (status == 400 and BARE_400 in text):
                refused = status == 503 and (NOT_SENT in text or UNAVAILABLE in text)
                outcome = "refused" if refused else "error"
                self.record(kind, began, seconds, status, outcome, f"{status} {where}")
                if on_answer:
                    on_answer(outcome, began, ended)
                continue
            if status not in expect:
                refused = CONFLICT in text
                outcome = "refused" if refused else "error"
                self.record(kind, began, seconds, status, outcome, f"{status} {where}")
                raise GaveUp(f"{status} at {where}", refused=refused)
            self.record(kind, began, seconds, status, "ok", "")
            if on_answer:
                on_answer("ok", began, ended)
            return response
        last = self.samples[-1]
        raise GaveUp(f"gave up at {method} {page}", refused=last.outcome == "refused")

    def follow(self, session: requests.Session, kind: str, response: requests.Response, page: str):
        """Follow redirects at once, as a browser does; return the page finally shown."""
        for _ in range(5):
            if response.status_code != 302:
                return response
            location = response.headers["Location"]
            response = self.fetch(
                session, kind, "GET", location, page=_page_name(location), expect=(200, 302)
            )
        raise GaveUp(f"too many redirects after {page}")

    def record(
        self, kind: str, began: float, seconds: float, status: int, outcome: str, detail: str
    ) -> None:
        self.samples.append(Sample(kind, began, seconds, status, outcome, detail))

    def unexpected(self, what: str) -> GaveUp:
        """The last page answered but was not what the task needed: that request is an error."""
        self.blame(f"unexpected page: {what}")
        return GaveUp(what)

    def blame(self, detail: str) -> None:
        if self.samples:
            self.samples[-1] = dataclasses.replace(self.samples[-1], outcome="error", detail=detail)

    def post_form(
        self,
        session: requests.Session,
        kind: str,
        shown: requests.Response,
        data: dict[str, str],
        *,
        action: str | None = None,
        page: str,
        on_answer: Callable[[str, float, float], None] | None = None,
    ) -> requests.Response:
        """Fill in the form on the page shown and send it; return the page it leads to."""
        self.think()
        token = _csrf(shown, session)
        path = action or urlparse(shown.url).path
        response = self.fetch(
            session,
            kind,
            "POST",
            path,
            {**data, "csrfmiddlewaretoken": token},
            page=page,
            expect=(302,),
            on_answer=on_answer,
        )
        return self.follow(session, kind, response, page)

    def sign_in(self, session: requests.Session, username: str) -> None:
        shown = self.fetch(
            session, "sign in", "GET", "/accounts/login/", page="login", expect=(200,)
        )
        landed = self.post_form(
            session, "sign in", shown, {"username": username, "password": PASSWORD}, page="login"
        )
        if "/accounts/login/" in landed.url:
            raise GaveUp(f"{username} could not sign in")

    # The tasks.

    def refer(self) -> None:
        """Fill in the public referral form from its start page to the confirmation."""
        session = requests.Session()  # someone else, in a browser of their own
        referrer = Referrer(self.rng)
        journey = ""

        def heard(outcome: str, began: float, ended: float) -> None:
            self.submissions.append(Submission(journey, began, ended, outcome))

        try:
            self.think()
            shown = self.fetch(session, FORM, "GET", "/refer/", page="start", expect=(200,))
            shown = self.post_form(session, FORM, shown, {}, action="/refer/", page="start")
            for _ in range(40):
                path = urlparse(shown.url).path
                parts = path.strip("/").split("/")
                if len(parts) < 3 or parts[0] != "refer":
                    raise self.unexpected(f"left the form for {path}")
                journey, page = parts[1], "/".join(parts[2:])
                if page == "confirmation":
                    found = REFERENCE.search(shown.text)
                    if not found:
                        raise self.unexpected("a confirmation without a reference")
                    reference = html.unescape(found.group(1)).strip()
                    self.confirmed[journey] = reference
                    self.pool.add(reference)
                    return
                answers = referrer.answer(page)
                if answers is None:
                    raise self.unexpected(f"a page the referrer did not expect: {page}")
                shown = self.post_form(
                    session,
                    FORM,
                    shown,
                    answers,
                    page=page,
                    on_answer=heard if page == "check-your-answers" else None,
                )
                referrer.answered(page)
            raise self.unexpected("the form never ended")
        finally:
            session.close()

    def read_inbox(self) -> None:
        """A contact officer opens the inbox, then one contact listed in it."""
        self.think()
        inbox = self.fetch(self.officer, INBOX, "GET", "/contacts/", page="inbox", expect=(200,))
        if "Front door inbox" not in inbox.text:
            raise self.unexpected("the inbox page without its heading")
        references = INBOX_LINK.findall(inbox.text)
        if references:
            self.think()
            reference = self.rng.choice(references)
            shown = self.fetch(
                self.officer,
                INBOX,
                "GET",
                f"/contacts/{reference}/",
                page="contact",
                expect=(200,),
            )
            if reference not in shown.text:
                raise self.unexpected("a contact page without its reference")

    def decide(self, reference: str) -> None:
        """A MASH manager screens one contact, child by child, and decides for each child."""
        session, screening = self.manager, f"/contacts/{reference}/screening/"
        self.think()
        shown = self.fetch(session, DECISION, "GET", screening, page="screening", expect=(200,))
        children = sorted(set(re.findall(rf"{screening}children/(\d+)/\"", shown.text)), key=int)
        if not children:
            raise self.unexpected("a screening page without children")
        if f"{screening}start/" in shown.text:
            shown = self.post_form(
                session, DECISION, shown, {}, action=f"{screening}start/", page="start screening"
            )
            self.expect_success(shown, "start screening")
        for child in children:
            self.think()
            form = self.fetch(
                session,
                DECISION,
                "GET",
                f"{screening}children/{child}/",
                page="findings",
                expect=(200,),
            )
            version = re.search(r'name="version" value="(\d+)"', form.text)
            shown = self.post_form(
                session,
                DECISION,
                form,
                {
                    "analysis": "Screened under load: the referral's account, no other concerns.",
                    "urgent_action_needed": "no",
                    "version": version.group(1) if version else "",
                    "q": "",
                    "level": "",
                },
                page="findings",
            )
            self.expect_success(shown, "save screening")
        if f"{screening}submit/" in shown.text:
            shown = self.post_form(
                session, DECISION, shown, {}, action=f"{screening}submit/", page="submit"
            )
            self.expect_success(shown, "ask for a decision")
        for child in children:
            self.think()
            form = self.fetch(
                session,
                DECISION,
                "GET",
                f"{screening}children/{child}/decision/",
                page="decide",
                expect=(200,),
            )
            based_on = re.search(r'name="based_on" value="(\d+)"', form.text)
            if based_on is None:
                raise self.unexpected("a decision page without based_on")
            if based_on.group(1) != "0":
                continue  # decided already: an earlier try went through
            # Half no further action, half an assessment (a referral, with its clocks).
            level, outcome, need = self.rng.choice(
                [(1, "information_and_advice", ""), (3, "child_and_family_assessment", "N1")]
            )
            shown = self.post_form(
                session,
                DECISION,
                form,
                {
                    "level": str(level),
                    "rag": "",
                    "outcome": outcome,
                    "primary_need": need,
                    "transfer_to": "",
                    "sent_how": "",
                    "what_was_sent": "",
                    "rationale": "Decided under load: the screening supports this level.",
                    "based_on": "0",
                },
                page="decide",
            )
            self.expect_success(shown, "record the decision")

    def expect_success(self, shown: requests.Response, doing: str) -> None:
        """The page after a staff POST says it worked, in the green banner."""
        if SUCCESS_BANNER not in shown.text:
            said = BANNER_TEXT.search(shown.text)
            message = html.unescape(said.group(1)).strip() if said else "no message"
            raise self.unexpected(f"{doing}: {message[:120]}")


class Referrer:
    """Who fills in the form, and their answers page by page."""

    FIRST_NAMES = ("Ellis", "Robin", "Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan", "Kai")

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.type = rng.choice(("professional", "public", "anonymous"))
        self.children_wanted = 1 if self.type == "anonymous" else rng.choice((1, 1, 2))
        self.adults_wanted = 0 if self.type == "anonymous" else 1
        self.children = self.adults = 0
        self.surname = rng.choice(("Examplechild", "Loadtest", "Sampleton", "Testwood"))

    def answered(self, page: str) -> None:
        if page == "children/add":
            self.children += 1
        elif page == "adults/add":
            self.adults += 1

    def answer(self, page: str) -> dict[str, str] | None:
        """What this referrer types on `page` (a path within the journey), or None if lost."""
        fixed: dict[str, dict[str, str]] = {
            "immediate-danger": {"danger": "no"},
            "who": {"type": self.type},
            "your-details": self.details(),
            "worry": {
                "worry": "The child said an adult at home hit them.",
                "working_well": "Goes to school most days.",
                "child_voice": "Quiet, and did not want to go home.",
            },
            "safety": {"child_location": "At school", "immediate_protection_needed": "no"},
            "household": {"domestic_abuse": "unknown"},
            "consent": (
                {"consent": "not_sought", "not_sought_reason": "increased_risk"}
                if self.type == "anonymous"
                else {"consent": "given"}
            ),
            "level-of-need": {
                "referrer_level_of_need": "not_known" if self.type != "professional" else "3"
            },
            "documents": {"action": "continue"},
            "check-your-answers": {},
            "children": {"add": "yes" if self.children < self.children_wanted else "no"},
            "adults": {"add": "yes" if self.adults < self.adults_wanted else "no"},
            "adults/add": {
                "first_name": "Jo",
                "last_name": self.surname,
                "relationship_to_child": "Mother",
                "parental_responsibility": "yes",
                "lives_with_child": "yes",
            },
        }
        if page == "children/add":
            return self.child()
        return fixed.get(page)

    def details(self) -> dict[str, str]:
        if self.type == "professional":
            return {
                "name": "Pat Referrer",
                "agency": "Litherland High School",
                "role": "Designated safeguarding lead",
                "phone": "0151 000 0000",
                "email": "pat@school.example",
                "relationship_to_child": "Head of year",
            }
        if self.type == "public":
            return {
                "name": "Chris Neighbour",
                "phone": "0151 934 4013",
                "email": "",
                "address": "2 Example Road, Bootle",
                "relationship_to_child": "Neighbour",
            }
        return {"relationship_to_child": "Neighbour"}

    def child(self) -> dict[str, str]:
        if self.type == "anonymous":
            return {"first_name": self.rng.choice(self.FIRST_NAMES), "unborn": "no"}
        return {
            "first_name": self.rng.choice(self.FIRST_NAMES),
            "last_name": self.surname,
            "unborn": "no",
            "date_of_birth-day": str(self.rng.randint(1, 28)),
            "date_of_birth-month": str(self.rng.randint(1, 12)),
            "date_of_birth-year": str(self.rng.randint(2010, 2024)),
            "gender": self.rng.choice(("male", "female")),
            "postcode": "L21 7PQ",
        }


def _csrf(shown: requests.Response, session: requests.Session) -> str:
    found = CSRF_INPUT.search(shown.text)
    return found.group(1) if found else session.cookies.get("csrftoken", "")


def _page_name(path: str) -> str:
    """A page's name for the figures: the path without references, journeys or ids."""
    parts = urlparse(path).path.strip("/").split("/")
    if parts and parts[0] == "refer" and len(parts) > 2:
        return "/".join(parts[2:])
    if len(parts) > 1 and parts[0] == "contacts":
        return "/".join(["contacts", "<ref>", *(("<id>" if p.isdigit() else p) for p in parts[2:])])
    return "/".join(parts) or "home"


# Setting up and checking the database (in this process, through Django).


def set_up(env: dict[str, str], *, users: int, seed: int) -> list[str]:
    """Migrate, create each user's contact officer and MASH manager, and record `seed` contacts
    by telephone for the managers; return their references."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from frontdoor.accounts.roles import Role
    from frontdoor.accounts.services import create_user
    from frontdoor.intake.models import Channel
    from frontdoor.intake.services import record_contact
    from tests.intake.factories import make_submission

    call_command("migrate", verbosity=0)
    officer = None
    for number in range(users):
        officer = create_user(
            username=f"load-officer-{number}",
            password=PASSWORD,
            role=Role.CONTACT_OFFICER,
            by=None,
        )
        create_user(
            username=f"load-manager-{number}",
            password=PASSWORD,
            role=Role.MASH_MANAGER,
            team="MASH",
            by=None,
        )
    references = [
        record_contact(
            submission=make_submission(), channel=Channel.TELEPHONE, by=officer
        ).contact.reference
        for _ in range(seed)
    ]
    connections.close_all()
    return references


@dataclasses.dataclass(frozen=True)
class Stored:
    """What the database holds of the online form's referrals."""

    by_journey: dict[str, list[str]]  # journey -> references of the contacts its key made
    count_by_reference: dict[str, int]


def stored_referrals(references: set[str]) -> Stored:
    from django.db import connections
    from django.db.models import Count

    from frontdoor.intake.models import Contact, Report

    by_journey: dict[str, list[str]] = collections.defaultdict(list)
    keyed = Report.objects.filter(submission_key__startswith="marf-").values_list(
        "submission_key", "contact__reference"
    )
    for key, reference in keyed:
        by_journey[key.removeprefix("marf-")].append(reference)
    counts = dict(
        Contact.objects.filter(reference__in=references)
        .values("reference")
        .annotate(n=Count("id"))
        .values_list("reference", "n")
    )
    connections.close_all()
    return Stored(dict(by_journey), counts)


# The figures.


@dataclasses.dataclass(frozen=True)
class Window:
    """The database restart, in seconds into the run, with the grace after it."""

    began: float
    ended: float  # the restart command returned
    grace: float

    def overlaps(self, began: float, ended: float) -> bool:
        return began <= self.ended + self.grace and ended >= self.began


def print_table(users: list[User], elapsed: float) -> None:
    print(
        f"{'':<16}{'tasks':>7}{'done':>7}{'failed':>7}{'refused':>8}"
        f"{'requests':>10}{'errors':>8}{'refused':>8}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}"
    )
    samples = [sample for user in users for sample in user.samples]
    tasks = [task for user in users for task in user.tasks]
    for kind in (*KINDS, "all"):
        mine = [s for s in samples if kind in ("all", s.kind)]
        done = [t for t in tasks if kind in ("all", t.kind)]
        answered = [s.seconds * 1000 for s in mine if s.status]
        timing = (
            f"{percentile(answered, 0.5):>8.0f}{percentile(answered, 0.95):>8.0f}"
            f"{max(answered):>8.0f}"
            if answered
            else f"{'-':>8}{'-':>8}{'-':>8}"
        )
        print(
            f"{kind:<16}{len(done):>7}{sum(t.result == 'done' for t in done):>7}"
            f"{sum(t.result == 'failed' for t in done):>7}"
            f"{sum(t.result == 'refused' for t in done):>8}{len(mine):>10}"
            f"{sum(s.outcome == 'error' for s in mine):>8}"
            f"{sum(s.outcome == 'refused' for s in mine):>8}{timing}"
        )
    print(
        f"throughput: {len(samples) / elapsed:.1f} requests per second, "
        f"{len(tasks) / elapsed * 60:.0f} tasks per minute over {elapsed:.1f} s"
    )
    given_up = [f"{t.kind}: {t.reason}" for t in tasks if t.result != "done"]
    if given_up:
        print(f"tasks given up: {summarise(given_up)}")
    cut_off = sum(user.cut_off for user in users)
    print(f"tasks left unfinished when the run ended (their requests are counted): {cut_off}")
    skipped = sum(user.skipped_decisions for user in users)
    if skipped:
        print(f"decisions with no contact waiting (an inbox read instead): {skipped}")


def summarise(details: list[str]) -> str:
    counted = collections.Counter(details)
    return ", ".join(f"{detail} x{n}" for detail, n in counted.most_common(12)) or "none"


def print_errors(users: list[User], window: Window | None) -> None:
    samples = [sample for user in users for sample in user.samples]
    errors = [s for s in samples if s.outcome == "error"]
    if window is None:
        print(f"errors: {len(errors)} (target 0): {summarise([s.detail for s in errors])}")
        return
    inside = [s for s in samples if window.overlaps(s.began, s.began + s.seconds)]
    outside_errors = [s for s in errors if not window.overlaps(s.began, s.began + s.seconds)]
    print(
        f"errors outside the restart: {len(outside_errors)} (target 0): "
        f"{summarise([s.detail for s in outside_errors])}"
    )
    print(
        f"during the restart ({window.began:.1f} s to {window.ended + window.grace:.1f} s into "
        f"the run): {len(inside)} requests: {sum(s.outcome == 'ok' for s in inside)} answered, "
        f"{sum(s.outcome == 'refused' for s in inside)} refused with a clear message, "
        f"{sum(s.outcome == 'error' for s in inside)} errors: "
        f"{summarise([s.detail for s in inside if s.outcome != 'ok'])}"
    )
    after = sorted(
        (s for s in samples if s.began > window.ended + window.grace), key=lambda s: s.began
    )
    first_ok = next(
        (s for s in sorted(samples, key=lambda s: s.began) if s.began >= window.ended and s.ok),
        None,
    )
    recovered = bool(after) and all(s.outcome != "error" for s in after)
    first = f"{first_ok.began - window.ended:.1f} s" if first_ok else "never"
    print(
        f"recovered: {'yes' if recovered else 'NO'}: first request answered {first} after the "
        f"restart command returned; after the restart {len(after)} requests, "
        f"{sum(s.outcome == 'error' for s in after)} errors"
    )


def print_contacts(users: list[User], window: Window | None) -> int:
    """Check each confirmed reference against the database; print and return the lost."""
    confirmed = {journey: ref for user in users for journey, ref in user.confirmed.items()}
    shown = set(confirmed.values())
    stored = stored_referrals(shown)
    lost = [
        journey
        for journey, reference in confirmed.items()
        if stored.count_by_reference.get(reference, 0) != 1
        or stored.by_journey.get(journey) != [reference]
    ]
    doubled = {journey for journey, refs in stored.by_journey.items() if len(refs) > 1}
    not_confirmed = [journey for journey in stored.by_journey if journey not in confirmed]
    print(
        f"referrals confirmed: {len(confirmed)}; contacts from the online form stored: "
        f"{sum(len(refs) for refs in stored.by_journey.values())}; stored, not confirmed: "
        f"{len(not_confirmed)}; referrals stored twice: {len(doubled)}"
    )
    if window is not None:
        during = {
            s.journey
            for user in users
            for s in user.submissions
            if window.overlaps(s.began, s.ended)
        }
        outcomes = collections.Counter(
            "confirmed"
            if journey in confirmed
            else "stored, not confirmed"
            if journey in stored.by_journey
            else "refused, not stored"
            for journey in during
        )
        print(
            f"referrals submitted during the restart: {len(during)}: "
            + (", ".join(f"{what} {n}" for what, n in sorted(outcomes.items())) or "none")
        )
    print(f"contacts lost: {len(lost)}")
    for journey in lost[:10]:
        print(
            f"  lost: journey {journey} showed {confirmed[journey]}; stored under its key: "
            f"{stored.by_journey.get(journey, [])}"
        )
    return len(lost)


def print_server_errors(log: Path) -> None:
    """Why the server answered 500: Django logs each with its traceback, whose last exception is
    the cause (the earlier ones are its context)."""
    if not log.exists():
        return
    text = log.read_text(errors="replace")
    causes: collections.Counter[str] = collections.Counter()
    for block in text.split("Internal Server Error: ")[1:]:
        lines = block.splitlines()
        raised = [line.strip() for line in lines if EXCEPTION_LINE.match(line.strip())]
        cause = SERVER_AT.sub("", raised[-1])[:120] if raised else "no traceback"
        causes[f"{_page_name(lines[0].strip())}: {cause}"] += 1
    timeouts = text.count("WORKER TIMEOUT")
    if causes or timeouts:
        print(f"server log: {sum(causes.values())} 500s, {timeouts} worker timeouts")
        for cause, n in causes.most_common(8):
            print(f"  {n} x {cause}")


# Running it.


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument(
        "--think", type=float, default=1.0, help="seconds before each page, +/-50%% (default 1.0)"
    )
    parser.add_argument("--forms", type=float, default=40, help="weight of form submissions")
    parser.add_argument("--inbox", type=float, default=40, help="weight of inbox reads")
    parser.add_argument("--decisions", type=float, default=20, help="weight of decisions")
    parser.add_argument(
        "--seed", type=int, default=200, help="contacts recorded before the run, to decide"
    )
    parser.add_argument("--retries", type=int, default=5, help="retries of a failed request")
    parser.add_argument("--retry-pause", type=float, default=2.0, help="seconds before a retry")
    # 2 workers of 4 threads: what bench_api.py found best on 2 cores.
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--restart-db", action="store_true", help="restart PostgreSQL once, at half time"
    )
    parser.add_argument("--restart-command", default=DEFAULT_RESTART)
    parser.add_argument(
        "--restart-grace",
        type=float,
        default=5.0,
        help="seconds after the restart command returns still counted as during the restart",
    )
    parser.add_argument("--server-log", type=Path, help="keep the server's log in this file")
    return parser.parse_args()


def restart_database(command: str) -> tuple[float, float, int, str]:
    """Run the restart command; return when it began and ended (monotonic), and its result."""
    began = time.monotonic()
    done = subprocess.run(  # noqa: S603 - the operator's own command
        shlex.split(command), capture_output=True, text=True, check=False
    )
    return began, time.monotonic(), done.returncode, (done.stderr or done.stdout).strip()


def main() -> None:
    args = parse_arguments()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not is_postgres(url):
        raise SystemExit("bench_load.py runs on PostgreSQL only: set DATABASE_URL to postgres://")
    workdir = Path(tempfile.mkdtemp(prefix="frontdoor-bench-load-"))
    log_path = args.server_log or workdir / "server.log"
    env = {
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
        "DATABASE_URL": url,
        "FRONTDOOR_VAR_DIR": str(workdir),
        "FRONTDOOR_DB_CONN_MAX_AGE": "600",  # persistent connections, as in production
        "FRONTDOOR_ENV": "embedded",
        "FRONTDOOR_TWO_FACTOR": "optional",  # staff sign in with a password alone
        "FRONTDOOR_LOG_LEVEL": "ERROR",  # each 500's traceback reaches the server log
        # Every simulated referrer comes from 127.0.0.1: the per-address limit on the form's
        # POSTs (100 in 10 minutes, about 5 referrals) would refuse nearly all of them.
        "FRONTDOOR_RATE_REFERRAL": "1000000000/1",
        "FRONTDOOR_RATE_STATUS": "1000000000/1",
    }
    fresh_postgres_database(url)
    server = None
    try:
        references = set_up(env, users=args.users, seed=args.seed)
        with open(log_path, "wb") as log:
            # Keep-alive longer than any pause, so a user's connection stays open between pages,
            # as a browser's does, instead of racing the server's close.
            server, port = start_server(
                env,
                workers=args.workers,
                threads=args.threads,
                extra=("--keep-alive=60",),
                log=log,
            )
            run(args, url, port, references, log_path)
    finally:
        stop_server(server)
        from django.db import connections

        connections.close_all()
        drop_postgres_database(url)
        shutil.rmtree(workdir, ignore_errors=True)


def run(
    args: argparse.Namespace, url: str, port: int, references: list[str], log_path: Path
) -> None:
    pool = ContactPool(references)
    ready = threading.Barrier(args.users + 1)
    go, stop = threading.Event(), threading.Event()
    settings = Settings(
        base=f"http://{HOST}:{port}",
        think=args.think,
        retries=args.retries,
        retry_pause=args.retry_pause,
        weights=(args.forms, args.inbox, args.decisions),
    )
    users = [User(n, settings, pool, ready, go, stop) for n in range(args.users)]
    for user in users:
        user.start()
    ready.wait()  # every user has signed in
    failed = [user.sign_in_error for user in users if user.sign_in_error]
    if failed:
        stop.set()
        go.set()
        raise SystemExit(f"{len(failed)} users could not sign in: {failed[0]}")
    parsed = urlparse(url)
    print(
        f"PostgreSQL {parsed.hostname}:{parsed.port or 5432}/{database_name(url)}: gunicorn "
        f"{args.workers} workers x {args.threads} threads; {args.users} users for "
        f"{args.seconds:g} s, think {args.think:g} s +/-50%, mix {args.forms:g}/{args.inbox:g}/"
        f"{args.decisions:g} (forms/inbox/decisions); {len(references)} contacts seeded; "
        f"{os.cpu_count()} cores; load average before {load_average()}"
    )
    started = time.monotonic()
    for user in users:  # the same zero for every user's clock
        user.zero = started
    go.set()
    window = None
    if args.restart_db:
        time.sleep(args.seconds / 2)
        began, ended, code, said = restart_database(args.restart_command)
        window = Window(began - started, ended - started, args.restart_grace)
        print(
            f"database restarted {window.began:.1f} s into the run: `{args.restart_command}` "
            f"took {ended - began:.1f} s, exit code {code}{': ' + said if code else ''}"
        )
        time.sleep(max(0.0, started + args.seconds - time.monotonic()))
    else:
        time.sleep(args.seconds)
    stop.set()
    for user in users:
        user.join()
    elapsed = time.monotonic() - started
    print_table(users, elapsed)
    print_errors(users, window)
    print(f"load average after: {load_average()}")
    print_contacts(users, window)
    print_server_errors(log_path)


if __name__ == "__main__":
    main()
