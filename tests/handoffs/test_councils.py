"""R44 on a service of several councils: two councils may each call a record system `lcs`, each
at its own address with its own secret (docs/handoff.md, docs/councils.md). A council's
hand-offs reach its own record alone, by webhook or pull: never another council's endpoint, nor
another council's token.

The receivers are real HTTP servers started here, each checking its own council's secret.
"""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.handoffs import delivery, services
from frontdoor.handoffs import receiver as receivers
from frontdoor.handoffs.models import HandOff
from frontdoor.handoffs.tasks import deliver_handoffs
from frontdoor.handoffs.webhooks import webhook_for, with_webhooks
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.outbox import models as outbox
from frontdoor.outbox.services import queue_message
from frontdoor.policy import registry
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council
from frontdoor.screening.decisions import record_decision
from tests.handoffs.conftest import SECRET
from tests.intake.factories import make_submission
from tests.screening.conftest import RECEIVED
from tests.screening.test_decisions import DECIDED, decide

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]

THEIR_SECRET = "whsec_" + base64.b64encode(b"Lewisham's own secret, 32 bytes!").decode()


@pytest.fixture
def both_call_it_lcs(monkeypatch):
    """Lewisham's policy gives its record systems the keys Sefton's does: `lcs` and `ehm`."""
    loaded = registry.loaded_policies()
    sefton, lewisham = loaded["sefton"], loaded["lewisham"]
    policy = lewisham.policy.model_copy(update={"handoffs": sefton.policy.handoffs})
    monkeypatch.setitem(loaded, "lewisham", dataclasses.replace(lewisham, policy=policy))


@pytest.fixture
def ours():
    server = receivers.serving(0, SECRET)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def theirs():
    server = receivers.serving(0, THEIR_SECRET)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def each_its_own(settings, ours, theirs):
    """Each council's `lcs` at its own address, with its own secret."""
    settings.HANDOFF_WEBHOOKS = {
        "sefton": {"lcs": {"url": ours.url, "secret": SECRET}},
        "lewisham": {"lcs": {"url": theirs.url, "secret": THEIR_SECRET}},
    }
    settings.HANDOFF_FIRST_RETRY_SECONDS = 30


@pytest.fixture
def handed_off(both_call_it_lcs, contact, manager, make_user) -> dict[str, HandOff]:
    """A child of each council handed off to its council's `lcs`."""
    decide(contact, contact.children.first(), manager)
    officer = make_user(Role.CONTACT_OFFICER, council_id="lewisham")
    their_manager = make_user(Role.MASH_MANAGER, council_id="lewisham")
    with serving("lewisham"):
        their_contact = record_contact(
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            received_at=RECEIVED,
            by=officer,
        ).contact
        record_decision(
            contact=their_contact,
            child=their_contact.children.first(),
            by=their_manager,
            level=3,
            outcome="child_in_need_assessment",
            rationale="Bruising with an account of being hit: an assessment is needed.",
            primary_need="N4",
            now=DECIDED,
        )
        theirs = HandOff.objects.get(contact=their_contact)
    handoffs = {"sefton": HandOff.objects.get(contact=contact), "lewisham": theirs}
    assert {h.record_system for h in handoffs.values()} == {"lcs"}
    return handoffs


def _delivered_to(server) -> list[int]:
    return sorted(event["data"]["id"] for event in server.received.values())


def _refreshed(handed_off: dict[str, HandOff], council: str) -> HandOff:
    handoff = handed_off[council]
    with serving(council):
        handoff.refresh_from_db()
    return handoff


def test_the_setting_keys_webhooks_by_council_and_record_system(settings):
    settings.HANDOFF_WEBHOOKS = {
        "lcs": {"url": "https://lcs.sefton.example", "secret": SECRET},
        "lewisham": {"lcs": {"url": "https://lcs.lewisham.example", "secret": THEIR_SECRET}},
    }
    # Record systems at the top level are the default council's (FRONTDOOR_COUNCIL).
    assert webhook_for("sefton", "lcs") == {"url": "https://lcs.sefton.example", "secret": SECRET}
    assert webhook_for("lewisham", "lcs") == {
        "url": "https://lcs.lewisham.example",
        "secret": THEIR_SECRET,
    }
    assert webhook_for("lewisham", "ehm") is None
    assert webhook_for("knowsley", "lcs") is None
    assert with_webhooks() == {"sefton": {"lcs"}, "lewisham": {"lcs"}}


def test_r44_each_councils_hand_off_reaches_its_own_lcs_signed_with_its_own_secret(
    handed_off, each_its_own, ours, theirs
):
    with every_council():  # as the regular job runs
        assert delivery.deliver_due(DECIDED) == 2
    assert _delivered_to(ours) == [handed_off["sefton"].pk]
    assert _delivered_to(theirs) == [handed_off["lewisham"].pk]
    assert ours.bad_signatures == theirs.bad_signatures == 0
    for council, server in (("sefton", ours), ("lewisham", theirs)):
        assert _refreshed(handed_off, council).state == HandOff.State.DELIVERED
        with serving(council):
            (attempt,) = handed_off[council].deliveries.all()
        assert attempt.url == server.url


def test_r44_a_record_system_named_for_the_default_council_takes_no_other_councils(
    handed_off, settings, ours
):
    # A service of one council's setting, kept when a second council joined that also calls
    # its record `lcs`: it is Sefton's record, and Lewisham's child never goes to it.
    settings.HANDOFF_WEBHOOKS = {"lcs": {"url": ours.url, "secret": SECRET}}
    with every_council():
        assert delivery.deliver_due(DECIDED) == 1
    assert _delivered_to(ours) == [handed_off["sefton"].pk]
    theirs = _refreshed(handed_off, "lewisham")
    assert theirs.state == HandOff.State.WAITING  # for Lewisham's record to pull
    with serving("lewisham"):
        assert not theirs.deliveries.exists()


def test_r44_a_councils_task_delivers_its_own_hand_offs_alone(
    handed_off, each_its_own, ours, theirs
):
    assert deliver_handoffs.call(council="lewisham") == 1
    assert _delivered_to(theirs) == [handed_off["lewisham"].pk]
    assert ours.received == {}
    assert _refreshed(handed_off, "sefton").state == HandOff.State.WAITING


def test_r44_one_councils_record_answering_does_not_hurry_anothers_of_the_same_key(
    handed_off, each_its_own, ours, theirs
):
    ours.refuse = 1  # Sefton's LCS is away; Lewisham's answers
    with every_council():
        assert delivery.deliver_due(DECIDED) == 1
    sefton = _refreshed(handed_off, "sefton")
    assert sefton.state == HandOff.State.FAILING
    # Its wait stands: Lewisham's record answering says nothing of Sefton's.
    assert sefton.next_attempt_at == DECIDED + delivery.retry_wait(1)
    assert _delivered_to(theirs) == [handed_off["lewisham"].pk]


def test_r44_a_withdrawal_goes_to_the_record_of_the_council_that_queued_it(
    handed_off, each_its_own, ours, theirs
):
    handoff = handed_off["lewisham"]
    with serving("lewisham"):
        message = queue_message(
            key=f"msg_handoff_{handoff.pk}_withdrawn",
            kind=services.WITHDRAWN,
            to="lcs",
            subject=f"Hand-off {handoff.pk} withdrawn",
            body=json.dumps({"id": handoff.pk}),
            channel=outbox.Channel.WEBHOOK,
        )
    assert message.council_id == "lewisham"
    delivery.WebhookSender().send(message)
    assert [event["type"] for event in theirs.received.values()] == [services.WITHDRAWN]
    assert ours.received == {}


def test_r44_a_token_of_one_councils_lcs_lists_and_accepts_none_of_anothers(
    client, handed_off, make_user
):
    ours, theirs = handed_off["sefton"], handed_off["lewisham"]
    their_account = make_user(Role.ADMINISTRATOR, username="lewisham-lcs", council_id="lewisham")
    our_account = make_user(Role.ADMINISTRATOR, username="sefton-lcs")
    with serving("lewisham"):
        _, their_token = issue_token(user=their_account, name="LCS", by=None, record_system="lcs")
    _, our_token = issue_token(user=our_account, name="LCS", by=None, record_system="lcs")

    def listed(address: str, token: str):
        return client.get(f"{address}api/v1/handoffs", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert [item["id"] for item in listed("/", our_token).json()["items"]] == [ours.pk]
    assert [item["id"] for item in listed("/lewisham/", their_token).json()["items"]] == [theirs.pk]
    # Neither token works at the other council's address.
    assert listed("/", their_token).status_code == 403
    assert listed("/lewisham/", our_token).status_code == 403
    # Nor finds the other's hand-off by its id at its own.
    accept = {"external_id": "123456"}
    refused = client.post(
        f"/lewisham/api/v1/handoffs/{ours.pk}/accept",
        accept,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {their_token}",
    )
    assert refused.status_code == 404
    assert _refreshed(handed_off, "sefton").state == HandOff.State.WAITING


def test_each_councils_administrators_are_told_which_of_its_own_records_have_a_webhook(
    client, handed_off, settings, make_user
):
    settings.HANDOFF_WEBHOOKS = {"lcs": {"url": "https://lcs.sefton.example", "secret": SECRET}}
    client.force_login(make_user(Role.ADMINISTRATOR))
    ours = client.get("/handoffs/").content.decode()
    assert "To a record with a webhook (LCS" in ours
    client.force_login(make_user(Role.ADMINISTRATOR, council_id="lewisham"))
    theirs = client.get("/lewisham/handoffs/").content.decode()
    assert "No record has a webhook set up here" in theirs
    assert "1 hand-off waits for LCS" in theirs  # Lewisham's record fetches it
