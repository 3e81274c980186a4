"""R44: hand-offs reach a record system's webhook signed, retried, logged, stopped and replayed.

The receiver is a real HTTP server started here: it verifies each Standard Webhooks signature.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import socketserver
import threading
import time

import pytest

from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.handoffs import delivery
from frontdoor.handoffs.models import DeliveryAttempt, HandOff
from frontdoor.handoffs.selectors import state_words
from tests.handoffs.conftest import SECRET
from tests.screening.test_decisions import DECIDED, decide

pytestmark = pytest.mark.django_db(transaction=True)


def test_r44_a_signed_hand_off_refused_once_is_retried_later_and_delivered_once(
    contact, manager, lcs_webhook
):
    child = contact.children.first()
    decide(contact, child, manager)
    handoff = HandOff.objects.get()

    assert delivery.deliver_due(DECIDED) == 0  # the receiver refuses the first
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.FAILING
    assert "503" in handoff.last_error
    assert handoff.next_attempt_at == DECIDED + dt.timedelta(seconds=30)
    assert delivery.deliver_due(DECIDED + dt.timedelta(seconds=10)) == 0  # not yet due

    assert delivery.deliver_due(DECIDED + dt.timedelta(seconds=31)) == 1
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.DELIVERED
    assert handoff.delivered_how == "webhook"
    attempts = list(DeliveryAttempt.objects.filter(handoff=handoff))
    assert [(a.number, a.status_code, a.succeeded) for a in attempts] == [
        (1, 503, False),
        (2, 204, True),
    ]
    assert attempts[0].message_id == attempts[1].message_id  # the receiver keeps it once
    (event,) = lcs_webhook.received.values()
    assert event["type"] == "handoff.created"
    assert event["data"]["id"] == handoff.pk
    assert event["data"]["child"]["first_name"] == child.first_name
    assert lcs_webhook.bad_signatures == 0
    assert delivery.deliver_due(DECIDED + dt.timedelta(hours=1)) == 0  # never twice


def test_r44_a_wrong_secret_is_refused_by_the_receiver(contact, manager, settings, receiver):
    other = "whsec_" + base64.b64encode(b"not the council's secret at all!").decode()
    settings.HANDOFF_WEBHOOKS = {"lcs": {"url": receiver.url, "secret": other}}
    decide(contact, contact.children.first(), manager)
    assert delivery.deliver_due(DECIDED) == 0
    assert receiver.bad_signatures == 1
    assert DeliveryAttempt.objects.get().status_code == 401


def test_r44_one_the_record_refused_stops_until_an_administrator_replays_it(
    make_contact, contact, manager, admin, settings, lcs_webhook
):
    settings.HANDOFF_MOST_ATTEMPTS = 1
    lcs_webhook.refuse_status = 400  # the record refuses it: not a record that is away
    decide(contact, contact.children.first(), manager)
    delivery.deliver_due(DECIDED)
    handoff = HandOff.objects.get()
    assert handoff.state == HandOff.State.DEAD
    assert delivery.deliver_due(DECIDED + dt.timedelta(days=1)) == 0
    # Nor does the record taking another send it again: it would refuse it again.
    other = make_contact()
    decide(other, other.children.first(), manager)
    assert delivery.deliver_due(DECIDED + dt.timedelta(days=1)) == 1
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.DEAD and handoff.deliveries.count() == 1
    with pytest.raises(DomainError):
        delivery.replay(handoff=handoff, by=manager)
    delivery.replay(handoff=handoff, by=admin, now=DECIDED + dt.timedelta(days=1))
    assert AuditEvent.objects.filter(action="handoff.replayed").exists()
    assert delivery.deliver_due(DECIDED + dt.timedelta(days=1)) == 1
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.DELIVERED
    assert list(handoff.deliveries.values_list("number", flat=True)) == [1, 2]
    assert not AuditEvent.objects.filter(action="handoff.resumed").exists()


def test_r44_an_amendment_is_its_own_event(contact, manager, lcs_webhook):
    child = contact.children.first()
    lcs_webhook.refuse = 0
    decide(contact, child, manager)
    delivery.deliver_due(DECIDED)
    decide(contact, child, manager, based_on=1, rationale="Revised after a call.")
    delivery.deliver_due(DECIDED)
    events = list(lcs_webhook.received.values())
    assert [e["type"] for e in events] == ["handoff.created", "handoff.amended"]
    assert events[1]["data"]["amends"] == events[0]["data"]["id"]


def test_r44_once_the_record_takes_one_the_failing_ones_are_sent_at_once(
    make_contact, manager, lcs_webhook
):
    first, second = make_contact(), make_contact()
    decide(first, first.children.first(), manager)
    assert delivery.deliver_due(DECIDED) == 0  # the record is down: retried in 30 seconds
    decide(second, second.children.first(), manager)
    # Five seconds later the record takes the second, so the first need not wait its turn.
    assert delivery.deliver_due(DECIDED + dt.timedelta(seconds=5)) == 2
    assert set(HandOff.objects.values_list("state", flat=True)) == {HandOff.State.DELIVERED}


def test_r44_after_an_outage_the_scheduled_run_drains_the_backlog_without_new_decisions(
    make_contact, manager, settings, lcs_webhook
):
    settings.HANDOFF_MOST_ATTEMPTS = 5
    settings.HANDOFF_FIRST_RETRY_SECONDS = 10
    lcs_webhook.refuse = 1000  # the record is down

    def at(seconds: int) -> dt.datetime:
        return DECIDED + dt.timedelta(seconds=seconds)

    contacts = [make_contact() for _ in range(3)]
    for contact in contacts:
        decide(contact, contact.children.first(), manager)
    assert delivery.deliver_due(at(0)) == 0  # each tried again 10 seconds later,
    assert delivery.deliver_due(at(10)) == 0  # then 20 seconds later,
    assert delivery.deliver_due(at(30)) == 0  # then 40: at 70 seconds
    waits = dict(HandOff.objects.values_list("pk", "next_attempt_at"))
    assert set(waits.values()) == {at(70)}
    assert DeliveryAttempt.objects.count() == 9

    # Five seconds after the last tries, nothing is tried.
    assert delivery.deliver_due(at(35)) == 0
    assert DeliveryAttempt.objects.count() == 9
    # Still down: the run probes the record with one hand-off, which does not count as a try.
    assert delivery.deliver_due(at(45)) == 0
    assert DeliveryAttempt.objects.count() == 10
    assert set(HandOff.objects.values_list("attempts", flat=True)) == {3}
    assert dict(HandOff.objects.values_list("pk", "next_attempt_at")) == waits
    # Nor is the record probed again within the first retry's wait, however often a run is woken.
    assert delivery.deliver_due(at(50)) == 0
    assert DeliveryAttempt.objects.count() == 10

    # The record comes back; no decision is made. The next scheduled run sends the whole backlog,
    # though no hand-off is due before 70 seconds.
    lcs_webhook.refuse = 0
    assert delivery.deliver_due(at(60)) == 3
    assert set(HandOff.objects.values_list("state", flat=True)) == {HandOff.State.DELIVERED}
    assert len(lcs_webhook.received) == 3
    assert delivery.deliver_due(at(3600)) == 0  # nothing twice


def test_r44_a_revision_before_delivery_reaches_the_receiver_naming_what_it_replaces(
    contact, manager, lcs_webhook
):
    child = contact.children.first()
    decide(contact, child, manager)
    assert delivery.deliver_due(DECIDED) == 0  # refused once: waiting to be tried again
    first = HandOff.objects.get()
    decide(contact, child, manager, rationale="Revised after a call.", based_on=1)
    assert delivery.deliver_due(DECIDED + dt.timedelta(hours=1)) == 1
    (event,) = lcs_webhook.received.values()  # the replaced one is never sent again
    assert event["type"] == "handoff.created"
    assert event["data"]["replaces"] == first.pk
    assert event["data"]["decision"]["rationale"] == "Revised after a call."
    first.refresh_from_db()
    assert first.state == HandOff.State.REPLACED and first.replaced_by_id == event["data"]["id"]


def test_r44_hand_offs_stopped_while_the_record_was_away_go_once_it_answers(
    make_contact, manager, settings, lcs_webhook
):
    """A MASH manager expects a child handed off to reach the record once it is back, not to
    wait for an administrator: the record is probed, and once it answers they go."""
    settings.HANDOFF_MOST_ATTEMPTS = 2
    settings.HANDOFF_FIRST_RETRY_SECONDS = 10
    lcs_webhook.refuse = 1000  # the record is down

    def at(seconds: float) -> dt.datetime:
        return DECIDED + dt.timedelta(seconds=seconds)

    contacts = [make_contact() for _ in range(2)]
    for contact in contacts:
        decide(contact, contact.children.first(), manager)
    assert delivery.deliver_due(at(0)) == 0
    assert delivery.deliver_due(at(10)) == 0
    assert set(HandOff.objects.values_list("state", flat=True)) == {HandOff.State.DEAD}
    # The manager's queue says so, and that it goes once the record answers.
    words = state_words(HandOff.objects.first())
    assert "stopped: answered 503" in words and "sent again once LCS" in words
    assert DeliveryAttempt.objects.count() == 4

    stopped = delivery.STOPPED_PROBE_WAIT.total_seconds()
    assert delivery.deliver_due(at(60)) == 0  # not probed before its wait
    assert DeliveryAttempt.objects.count() == 4
    assert delivery.deliver_due(at(10 + stopped)) == 0  # probed: still down
    assert DeliveryAttempt.objects.count() == 5
    assert set(HandOff.objects.values_list("state", flat=True)) == {HandOff.State.DEAD}

    lcs_webhook.refuse = 0  # back
    assert delivery.deliver_due(at(20 + stopped)) == 0  # its probes stay spaced
    assert delivery.deliver_due(at(10 + 2 * stopped)) == 2  # the probe goes, and the other
    assert set(HandOff.objects.values_list("state", flat=True)) == {HandOff.State.DELIVERED}
    (resumed,) = AuditEvent.objects.filter(action="handoff.resumed")
    assert "answers again after: answered 503" in resumed.reason
    assert len(lcs_webhook.received) == 2
    assert delivery.deliver_due(at(3 * stopped)) == 0  # nothing twice


def test_r44_a_slow_record_is_given_up_on_after_the_timeout(
    contact, manager, settings, lcs_webhook
):
    settings.HANDOFF_TIMEOUT_SECONDS = 0.05
    lcs_webhook.refuse = 0
    lcs_webhook.delay = 0.5
    decide(contact, contact.children.first(), manager)
    started = time.monotonic()
    assert delivery.deliver_due(DECIDED) == 0
    assert time.monotonic() - started < 0.45  # not the receiver's half a second
    handoff = HandOff.objects.get()
    assert handoff.state == HandOff.State.FAILING
    assert "timed out" in handoff.last_error
    (attempt,) = handoff.deliveries.all()
    assert attempt.status_code is None and attempt.duration_ms < 450


def test_r44_a_run_stops_within_its_time_and_leaves_the_rest_for_the_next(
    make_contact, manager, settings, lcs_webhook
):
    settings.HANDOFF_TIMEOUT_SECONDS = 2
    settings.HANDOFF_RUN_SECONDS = 7
    lcs_webhook.refuse = 0
    for _ in range(4):
        contact = make_contact()
        decide(contact, contact.children.first(), manager)
    ticks = itertools.count(0, 2)  # each look at the clock finds 2 seconds gone: a slow record
    # At 2 and 4 seconds a request could still end by 7; at 6 it could not.
    assert delivery.deliver_due(DECIDED, clock=lambda: next(ticks)) == 2
    left = HandOff.objects.filter(state=HandOff.State.WAITING)
    assert left.count() == 2
    assert not DeliveryAttempt.objects.filter(handoff__in=left).exists()  # untouched
    assert delivery.deliver_due(DECIDED) == 2  # the next run sends the rest
    assert len(lcs_webhook.received) == 4


class _Trickler(socketserver.ThreadingTCPServer):
    """A record that answers a byte at a time, each byte well within a read's timeout."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, pause: float):
        self.pause = pause
        self.done = threading.Event()
        super().__init__(("127.0.0.1", 0), _Trickle)


class _Trickle(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(65536)  # the request; what it says does not matter here
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Slow: " + b"x" * 200 + b"\r\n\r\n"
        for byte in answer:
            if self.server.done.is_set():
                return
            try:
                self.request.sendall(bytes([byte]))
            except OSError:
                return
            time.sleep(self.server.pause)


@pytest.fixture
def trickler():
    server = _Trickler(pause=0.05)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.done.set()
    server.shutdown()
    server.server_close()


def test_r44_a_record_answering_a_byte_at_a_time_is_given_up_on_at_the_timeout(
    contact, manager, settings, trickler
):
    # Each byte comes within a read's timeout; the whole answer would take ten seconds.
    settings.HANDOFF_TIMEOUT_SECONDS = 0.5
    port = trickler.server_address[1]
    settings.HANDOFF_WEBHOOKS = {"lcs": {"url": f"http://127.0.0.1:{port}/", "secret": SECRET}}
    decide(contact, contact.children.first(), manager)
    started = time.monotonic()
    assert delivery.deliver_due(DECIDED) == 0
    assert time.monotonic() - started < 2
    handoff = HandOff.objects.get()
    assert handoff.state == HandOff.State.FAILING
    assert handoff.last_error == ("no answer: timed out, the answer took over 0.5 seconds in all")
    (attempt,) = handoff.deliveries.all()
    assert attempt.status_code is None and attempt.duration_ms < 2000
