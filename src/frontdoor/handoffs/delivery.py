"""Delivering hand-offs to each record system's webhook, signed as Standard Webhooks says (R44).

A hand-off waits until it is due, is sent with the `webhook-id`, `webhook-timestamp` and
`webhook-signature` headers (the `standardwebhooks` package signs), and each try is logged. A
2xx answer delivers it; any other answer, or none, is retried after a wait that doubles each time
(or at once, as soon as another hand-off to the same record is taken: the record is back). While
a record's hand-offs wait out their retries, each run probes it with one of them, so that the
backlog goes as soon as the record is back, with no new decision to carry it. After
`HANDOFF_MOST_ATTEMPTS` tries it stops (the dead letter), listed for an administrator, who may
replay it. A hand-off stopped because the record was away (no answer, 429 or 5xx) is sent again
on its own once the record answers: runs probe such a record every `STOPPED_PROBE_WAIT`, and
when the record takes anything the stopped hand-offs get one more try each. One the record
refused (another 4xx) waits for an administrator. The `webhook-id` is the same on every try, so a
receiver that got a hand-off whose answer was lost can tell it has it already: nothing lost,
nothing twice.

A run is bounded: each request waits at most `HANDOFF_TIMEOUT_SECONDS` in all for the record
(`post`: however slowly it answers), and a
run starts no request that could end after `HANDOFF_RUN_SECONDS`; what is left waits for the
next run (every minute), so a slow record never holds the worker.

The row is locked while it is sent, so a decision revised at that moment waits for the answer
and then knows whether to replace the hand-off or amend it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from standardwebhooks import Webhook

from frontdoor.accounts.models import User
from frontdoor.accounts.permissions import require
from frontdoor.audit import services as audit
from frontdoor.errors import DomainError
from frontdoor.handoffs.models import DeliveryAttempt, HandOff
from frontdoor.handoffs.payload import EVENT_TYPES
from frontdoor.handoffs.services import mark_delivered
from frontdoor.handoffs.webhooks import to_webhooks, webhook_for, webhooks_of, with_webhooks
from frontdoor.outbox.models import Message
from frontdoor.outbox.senders import Refused, Sent
from frontdoor.policy.councils import serving, serving_council

log = logging.getLogger(__name__)
LONGEST_WAIT = dt.timedelta(hours=6)
DUE = (HandOff.State.WAITING, HandOff.State.FAILING)
# How often a record whose only undelivered hand-offs are stopped is probed with one of them.
STOPPED_PROBE_WAIT = dt.timedelta(minutes=15)
# The record's answers that say it was away, not that it refused what it was sent: none, "too
# many requests", or a server error.
AWAY = Q(last_status__isnull=True) | Q(last_status=429) | Q(last_status__gte=500)
# A record system of one council: two councils' records of the same key are two records, each
# with its own webhook, waits and probes (`handoffs.webhooks`).
Record = tuple[str, str]


def record_of(handoff: HandOff) -> Record:
    """The council and the record system `handoff` is for."""
    return (handoff.contact.council_id or "", handoff.record_system)


def message_id(handoff: HandOff) -> str:
    """The Standard Webhooks message id: the same on every try of one hand-off."""
    return f"msg_handoff_{handoff.pk}"


def body_of(handoff: HandOff, at: dt.datetime) -> bytes:
    """The webhook's body: the event type, when it was sent, and the payload as `data`."""
    return envelope(EVENT_TYPES[handoff.kind], at, handoff.payload)


def retry_wait(attempts: int) -> dt.timedelta:
    """How long after its `attempts`th failed try a hand-off is tried again."""
    first = dt.timedelta(seconds=settings.HANDOFF_FIRST_RETRY_SECONDS)
    return min(first * 2 ** max(0, attempts - 1), LONGEST_WAIT)


def signed_headers(secret: str, msg_id: str, at: dt.datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one request: the one home of the signing."""
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
    }


def envelope(event_type: str, at: dt.datetime, data: dict) -> bytes:
    """A webhook's body: the event type, when it was sent, and its `data`."""
    return json.dumps(
        {
            "type": event_type,
            "timestamp": at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "data": data,
        },
        separators=(",", ":"),
    ).encode()


def post(url: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
    """POST `body`, waiting at most `HANDOFF_TIMEOUT_SECONDS` for the record's answer in all;
    (status, error): status None when nothing answered in time.

    A socket's timeout bounds each read, not the request: a record that answered a byte at a
    time, each within the timeout, would hold the run for as long as it liked. So the request
    has a deadline too (`_Deadline`), which shuts its connection when it passes."""
    if not url.startswith(("https://", "http://")):
        return None, "no answer: the webhook's address must start https:// or http://"
    # The scheme is checked above; the address is the council's own setting.
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    timeout = settings.HANDOFF_TIMEOUT_SECONDS
    deadline = _Deadline(timeout)
    opener = urllib.request.build_opener(_HTTPWithDeadline(deadline), _HTTPSWithDeadline(deadline))
    try:
        with deadline, opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        if deadline.passed:
            return None, deadline.words()
        return error.code, f"answered {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        if deadline.passed:
            return None, deadline.words()
        reason = getattr(error, "reason", error)
        return None, f"no answer: {reason}"


class _Deadline:
    """The whole of one request's time, on the monotonic clock: when it passes, the request's
    connections are shut, which ends a read however slowly the record is answering."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.passed = False
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._pass)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.cancel()

    def words(self) -> str:
        unit = "second" if self.seconds == 1 else "seconds"
        return f"no answer: timed out, the answer took over {self.seconds:g} {unit} in all"

    def watch(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.passed:  # a connection made after the deadline (a redirect) is not kept
                raise TimeoutError("timed out")

    def _pass(self) -> None:
        with self._lock:
            self.passed = True
            for connection in self._connections:
                sock = connection.sock
                if sock is not None:
                    # The plain socket's shutdown, not TLS's: it wakes a read blocked in another
                    # thread without changing the TLS object that read is using.
                    with contextlib.suppress(OSError):
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _HTTPWithDeadline(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._connection, req)

    def _connection(self, host, **kwargs) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection(host, **kwargs)
        self.deadline.watch(connection)
        return connection


class _HTTPSWithDeadline(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline):
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        # HTTPSHandler keeps the TLS context it was given (or made) as `_context`: typeshed
        # leaves the attribute out.
        return self.do_open(self._connection, req, context=self._context)  # type: ignore[attr-defined]  # as above

    def _connection(self, host, **kwargs) -> http.client.HTTPConnection:
        connection = http.client.HTTPSConnection(host, **kwargs)
        self.deadline.watch(connection)
        return connection


def _attempt(handoff: HandOff, *, now: dt.datetime, replayed_by=None, probe: bool = False) -> bool:
    """Try `handoff` once, with the row locked; log the try. True when delivered.

    A `probe` (`_claim_probe`) that fails is logged with its answer but is not one of the
    hand-off's tries: its wait and its count of tries stay as they were.
    """
    endpoint = webhook_for(*record_of(handoff))
    if endpoint is None:  # the setting changed since it was claimed: the record pulls it now
        return False
    sent_at = timezone.now()
    body = body_of(handoff, sent_at)
    msg_id = message_id(handoff)
    headers = signed_headers(endpoint["secret"], msg_id, sent_at, body)
    started = time.monotonic()
    status, error = post(endpoint["url"], headers, body)
    succeeded = status is not None and 200 <= status < 300
    number = handoff.deliveries.count() + 1  # the log's numbering runs on through replays
    DeliveryAttempt.objects.create(
        handoff=handoff,
        number=number,
        at=sent_at,
        url=endpoint["url"][:500],
        message_id=msg_id,
        status_code=status,
        succeeded=succeeded,
        error=error[:2000],
        duration_ms=int((time.monotonic() - started) * 1000),
        replayed_by=replayed_by,
    )
    if succeeded or not probe:
        handoff.attempts += 1  # tries since it was made or replayed; a failed probe is not one
    if succeeded:
        handoff.save(update_fields=["attempts"])
        mark_delivered(handoff, how="webhook", at=sent_at)
        return True
    handoff.last_error = error
    if probe:
        handoff.probed_at = now
        handoff.save(update_fields=["last_error", "probed_at"])
        return False
    if handoff.attempts >= settings.HANDOFF_MOST_ATTEMPTS:
        handoff.state = HandOff.State.DEAD
        handoff.next_attempt_at = None
        handoff.probed_at = now  # its probes, if the record was away, are spaced from here
        log.warning("hand-off %s stopped after %s tries: %s", handoff.pk, handoff.attempts, error)
    else:
        handoff.state = HandOff.State.FAILING
        handoff.next_attempt_at = now + retry_wait(handoff.attempts)
    handoff.save(update_fields=["attempts", "last_error", "state", "next_attempt_at", "probed_at"])
    return False


def _claim_next(
    now: dt.datetime, systems: dict[str, set[str]], exclude: set[int]
) -> HandOff | None:
    # Locks the hand-off alone, not the contact its council is read from.
    return (
        HandOff.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(to_webhooks(systems), state__in=DUE, next_attempt_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("next_attempt_at", "id")
        .first()
    )


def stopped_while_away(rows: QuerySet[HandOff]) -> QuerySet[HandOff]:
    """The stopped hand-offs of `rows` whose last try found the record away (`AWAY`): they
    are sent again once it answers. One the record refused waits for an administrator."""
    last_status = (
        DeliveryAttempt.objects.filter(handoff=OuterRef("pk"))
        .order_by("-number", "-id")
        .values("status_code")[:1]
    )
    return (
        rows.filter(state=HandOff.State.DEAD)
        .annotate(last_status=Subquery(last_status))
        .filter(AWAY)
    )


def _claim_probe(
    now: dt.datetime, systems: dict[str, set[str]], tried_systems: set[Record]
) -> HandOff | None:
    """A failing hand-off of a record not tried in this run, to see whether it answers again:
    the one due soonest, once its last try or probe is at least the first retry's wait ago (so
    a run woken by each new decision does not probe a record that is down each time). Without
    it, after an outage with no new decisions, nothing would be tried until the first hand-off's
    own doubled wait was over. A record with none failing is probed with a hand-off stopped
    while it was away (`stopped_while_away`), each in turn, every `STOPPED_PROBE_WAIT`. Each
    record skipped is added to `tried_systems`."""
    first_wait = dt.timedelta(seconds=settings.HANDOFF_FIRST_RETRY_SECONDS)
    while True:
        untried = to_webhooks(
            {
                council: {key for key in keys if (council, key) not in tried_systems}
                for council, keys in systems.items()
            }
        )
        handoff = (
            HandOff.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(untried, state=HandOff.State.FAILING, next_attempt_at__isnull=False)
            .order_by("next_attempt_at", "id")
            .first()
        )
        if handoff is not None:
            last_tried = (handoff.next_attempt_at or now) - retry_wait(handoff.attempts)
            wait = first_wait
        else:
            handoff = (
                stopped_while_away(
                    HandOff.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                        untried
                    )
                )
                .order_by("probed_at", "id")
                .first()
            )
            if handoff is None:
                return None
            # Spaced by the record's last probe: its stopped hand-offs take turns.
            council, record_system = record_of(handoff)
            last_tried = HandOff.objects.filter(
                contact__council_id=council,
                record_system=record_system,
                state=HandOff.State.DEAD,
            ).aggregate(last=Max("probed_at"))["last"] or (now - STOPPED_PROBE_WAIT)
            wait = STOPPED_PROBE_WAIT
        if handoff.probed_at is not None:
            last_tried = max(last_tried, handoff.probed_at)
        if now - last_tried >= wait:
            return handoff
        tried_systems.add(record_of(handoff))


def deliver_due(
    now: dt.datetime | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    councils: Collection[str] | None = None,
) -> int:
    """Try every hand-off due for its webhook once, of `councils` (None: every council); the
    number delivered. Each goes to its own council's record (`handoffs.webhooks`).

    Then each record with failing hand-offs, none of them due, is probed with one of them: once
    one is taken, the record's whole backlog is sent in this same run (`_due_now`).

    No request is started that could end after `HANDOFF_RUN_SECONDS` (by `clock`): the rest
    stay due, untouched, for the next run.
    """
    now = now or timezone.now()
    systems = with_webhooks()
    if councils is not None:
        systems = {council: keys for council, keys in systems.items() if council in councils}
    delivered = 0
    tried: set[int] = set()
    tried_systems: set[Record] = set()
    answering: set[Record] = set()
    started = clock()
    while True:
        if clock() - started + settings.HANDOFF_TIMEOUT_SECONDS > settings.HANDOFF_RUN_SECONDS:
            log.info("hand-off delivery run out of time; the rest wait for the next run")
            return delivered
        with transaction.atomic():
            probe = False
            handoff = _claim_next(now, systems, tried)
            if handoff is None:
                handoff = _claim_probe(now, systems, tried_systems)
                probe = True
            if handoff is None:
                return delivered
            record = record_of(handoff)
            tried.add(handoff.pk)
            tried_systems.add(record)
            with serving(record[0]):  # what the try writes is its council's
                succeeded = _attempt(handoff, now=now, probe=probe)
        delivered += succeeded
        if succeeded and record not in answering:
            answering.add(record)
            with serving(record[0]):
                _due_now(*record, now)


def _due_now(council: str, record_system: str, now: dt.datetime) -> None:
    """The record answers again: its hand-offs waiting out a retry are tried now, in this run.

    Without this, after an outage each failing hand-off waits out its doubled wait (minutes, up
    to hours) although the record is back. Those stopped while it was away get one more try
    each, now (a failure stops them again); each is on the audit trail. One the record refused
    still waits for an administrator.
    """
    of_record = HandOff.objects.filter(contact__council_id=council, record_system=record_system)
    of_record.filter(state=HandOff.State.FAILING, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )
    stopped = stopped_while_away(of_record)
    for handoff in stopped.select_related("contact"):
        HandOff.objects.filter(pk=handoff.pk, state=HandOff.State.DEAD).update(
            state=HandOff.State.FAILING,
            attempts=max(0, settings.HANDOFF_MOST_ATTEMPTS - 1),
            next_attempt_at=now,
        )
        audit.record(
            actor=None,
            action="handoff.resumed",
            target=handoff.contact,
            changes={"handoff": handoff.pk, "record_system": record_system},
            reason=f"{handoff.record_system_name} answers again after: {handoff.last_error}",
            at=now,
        )


class WebhookSender:
    """The outbox's sender of a message to a case record's webhook (`services.announce_withdrawal`):
    signed as a hand-off is, its outbox key as the `webhook-id`, the same on every try, so the
    record keeps it once. Any answer but a 2xx, or none, is a failure the outbox tries again."""

    def send(self, message: Message) -> Sent:
        # The record system of the council whose work queued it, never another's of that key.
        endpoint = webhook_for(message.council_id or "", message.to)
        if endpoint is None:
            raise Refused(f"{message.to} has no webhook set up now: it is told nothing this way.")
        at = timezone.now()
        body = envelope(message.kind, at, json.loads(message.body))
        status, error = post(
            endpoint["url"], signed_headers(endpoint["secret"], message.key, at, body), body
        )
        if status is None or not 200 <= status < 300:
            raise RuntimeError(f"{endpoint['url']}: {error}")
        return Sent()

    def delivery(self, message: Message) -> str:
        return message.delivery  # a 2xx was the record's word that it took the message


def wake_delivery() -> None:
    """After the commit that made or replayed a hand-off: deliver it now, not at the next run."""
    if not webhooks_of(serving_council()):
        return
    from frontdoor.handoffs.tasks import deliver_handoffs

    try:
        deliver_handoffs.enqueue(council=serving_council())
    except Exception:  # the scheduled run of deliver-handoffs will pick it up
        log.exception("could not queue hand-off delivery; it waits for the next run")


@transaction.atomic
def replay(*, handoff: HandOff, by: User, now: dt.datetime | None = None) -> HandOff:
    """An administrator sends a failing or stopped hand-off again: at once, and then with the
    waits and the number of tries of a new one. Its log keeps every earlier try."""
    require(by, "handoffs.manage")
    now = now or timezone.now()
    handoff = HandOff.objects.select_for_update().get(pk=handoff.pk)
    if handoff.state not in (HandOff.State.FAILING, HandOff.State.DEAD):
        raise DomainError(
            f"Hand-off {handoff.pk} is {handoff.get_state_display().lower()}: "
            "only a failing or stopped hand-off is sent again."
        )
    handoff.state = HandOff.State.WAITING
    handoff.attempts = 0
    handoff.next_attempt_at = now
    handoff.save(update_fields=["state", "attempts", "next_attempt_at"])
    audit.record(
        actor=by,
        action="handoff.replayed",
        target=handoff.contact,
        changes={"handoff": handoff.pk, "record_system": handoff.record_system},
        at=now,
    )
    transaction.on_commit(wake_delivery)
    return handoff
