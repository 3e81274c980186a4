"""The outbox through GOV.UK Notify, against a local server that answers as Notify documents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from frontdoor.outbox.models import Delivery, Message
from frontdoor.outbox.services import (
    MAX_ATTEMPTS,
    check_deliveries,
    gave_up,
    queue_message,
    send_pending,
    undelivered,
)

from .notify_server import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, NotifyServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def notify(settings):
    with NotifyServer() as server:
        settings.FRONTDOOR_OUTBOX_SENDER = "notify"
        settings.FRONTDOOR_NOTIFY_API_KEY = API_KEY
        settings.FRONTDOOR_NOTIFY_BASE_URL = server.url
        settings.FRONTDOOR_NOTIFY_TEMPLATES = {"email": EMAIL_TEMPLATE, "sms": SMS_TEMPLATE}
        yield server


def queue(key="decision-1-feedback-1", **overrides):
    values = {
        "key": key,
        "kind": "referrer_feedback",
        "to": "pat@school.example",
        "subject": "Your referral",
        "body": "The outcome: early help.",
    }
    values.update(overrides)
    return queue_message(**values)


def due_again(message):
    Message.objects.filter(pk=message.pk).update(retry_at=timezone.now() - dt.timedelta(seconds=1))


def test_an_email_goes_through_notify_with_the_messages_key_as_its_reference(notify):
    queue()
    assert send_pending() == 1
    [sent] = notify.sent("email")
    assert sent["email_address"] == "pat@school.example"
    assert sent["reference"] == "decision-1-feedback-1"
    assert sent["personalisation"] == {
        "subject": "Your referral",
        "body": "The outcome: early help.",
    }
    assert sent["template"]["id"] == EMAIL_TEMPLATE
    message = Message.objects.get()
    assert message.provider_id == sent["id"]
    assert message.delivery == Delivery.SENDING


def test_a_text_message_goes_to_a_mobile_number(notify):
    queue(to="07700 900123", channel="sms")
    assert send_pending() == 1
    [sent] = notify.sent("sms")
    assert sent["phone_number"] == "07700 900123"
    assert sent["template"]["id"] == SMS_TEMPLATE


def test_a_kind_of_message_may_have_its_own_template(notify, settings):
    settings.FRONTDOOR_NOTIFY_TEMPLATES = {
        "email": "not-this",
        "referrer_feedback.email": EMAIL_TEMPLATE,
    }
    queue()
    assert send_pending() == 1


def test_a_wrong_key_is_refused_and_tried_again_later(notify, settings):
    settings.FRONTDOOR_NOTIFY_API_KEY = API_KEY[:-36] + "0" * 36
    message = queue()
    assert send_pending() == 0
    message.refresh_from_db()
    assert "403" in message.last_error and "AuthError" in message.last_error
    assert message.retry_at is not None and message.delivery == ""
    assert notify.sent() == []


def test_a_number_notify_will_not_take_is_given_up_at_once_and_shown_as_undelivered(notify):
    message = queue(to="01632 960001", channel="sms", about="C-1")
    assert send_pending() == 0
    message.refresh_from_db()
    assert message.delivery == Delivery.REFUSED
    assert "ValidationError: phone_number Not a UK mobile number" in message.last_error
    assert list(gave_up()) == [message]
    assert list(undelivered(about="C-1", kind="referrer_feedback")) == [message]
    assert send_pending() == 0


@pytest.mark.parametrize("status", [429, 500])
def test_a_busy_or_failing_notify_is_tried_again_after_a_wait(notify, status):
    message = queue()
    notify.refuse_next = [status]
    assert send_pending() == 0
    message.refresh_from_db()
    assert str(status) in message.last_error and message.retry_at is not None
    due_again(message)
    assert send_pending() == 1
    assert len(notify.sent()) == 1


def test_a_send_notify_took_without_answering_is_not_sent_twice(notify):
    message = queue()
    notify.drop_after_taking = True
    assert send_pending() == 0  # the answer never came: Front Door cannot know it was taken
    message.refresh_from_db()
    assert message.sent_at is None and message.last_error
    due_again(message)
    assert send_pending() == 1
    [sent] = notify.sent()  # the retry found it by its reference instead of sending it again
    message.refresh_from_db()
    assert message.provider_id == sent["id"]
    assert ("GET", "/v2/notifications?reference=decision-1-feedback-1") in notify.requests


def test_sending_again_by_hand_after_an_uncertain_failure_does_not_send_twice(notify):
    message = queue()
    notify.drop_after_taking = True
    assert send_pending() == 0
    # An administrator sends it again: the count of attempts starts afresh.
    Message.objects.filter(pk=message.pk).update(attempts=0, retry_at=None)
    assert send_pending() == 1
    assert len(notify.sent()) == 1


def test_a_message_whose_sender_died_is_looked_up_before_it_is_sent_again(notify):
    queue()
    assert send_pending() == 1
    # As if the sender had died after Notify took the message, before marking it sent.
    Message.objects.update(sent_at=None, claimed_at=None)
    assert send_pending() == 1
    assert len(notify.sent()) == 1


def test_the_delivery_check_records_what_notify_says(notify):
    told = queue(key="a", about="C-1")
    bounced = queue(key="b", to="nobody@school.example", about="C-1")
    assert send_pending() == 2
    told.refresh_from_db()
    bounced.refresh_from_db()
    notify.set_status(told.provider_id, "delivered")
    notify.set_status(bounced.provider_id, "permanent-failure")
    assert check_deliveries() == 1
    told.refresh_from_db()
    bounced.refresh_from_db()
    assert told.delivery == Delivery.DELIVERED and not told.undelivered
    assert bounced.delivery == Delivery.PERMANENT_FAILURE and bounced.undelivered
    assert list(undelivered(about="C-1", kind="referrer_feedback")) == [bounced]
    asked = len(notify.requests)
    assert check_deliveries() == 0  # final statuses are not asked about again
    assert len(notify.requests) == asked


def test_a_message_still_sending_is_asked_about_again(notify):
    queue()
    send_pending()
    assert check_deliveries() == 0
    assert Message.objects.get().delivery == Delivery.SENDING
    [sent] = notify.sent()
    notify.set_status(sent["id"], "temporary-failure")
    assert check_deliveries() == 1


def test_text_messages_need_notify(settings):
    settings.FRONTDOOR_OUTBOX_SENDER = "django"
    message = queue(to="07700 900123", channel="sms")
    assert send_pending() == 0
    message.refresh_from_db()
    assert message.delivery == Delivery.REFUSED
    assert message.attempts == MAX_ATTEMPTS


def test_a_technical_failure_at_notify_is_sent_again_once_and_looked_up_first(notify):
    message = queue(about="C-1")
    assert send_pending() == 1
    [first] = notify.sent()
    notify.set_status(first["id"], "technical-failure")
    assert check_deliveries() == 0  # not a failure to show: it is sent again
    message.refresh_from_db()
    assert message.sent_at is None and "technical failure" in message.last_error
    assert not list(undelivered(about="C-1", kind="referrer_feedback"))
    assert send_pending() == 1
    # Looked up by its reference before sending: only the failed copy was there.
    assert ("GET", "/v2/notifications?reference=decision-1-feedback-1") in notify.requests
    assert len(notify.sent()) == 2
    message.refresh_from_db()
    assert message.provider_id != first["id"] and message.delivery == Delivery.SENDING


def test_a_resend_after_a_technical_failure_that_notify_took_is_not_sent_twice(notify):
    message = queue()
    send_pending()
    [first] = notify.sent()
    notify.set_status(first["id"], "technical-failure")
    check_deliveries()
    notify.drop_after_taking = True  # the re-send is taken, its answer lost
    assert send_pending() == 0
    due_again(message)
    assert send_pending() == 1
    assert len(notify.sent()) == 2  # the failed copy and one re-send, never a third


def test_technical_failures_past_the_last_resend_are_shown(notify):
    from frontdoor.outbox.services import MOST_RESENDS

    message = queue(about="C-1")
    for _ in range(MOST_RESENDS + 1):
        assert send_pending() == 1
        message.refresh_from_db()
        notify.set_status(message.provider_id, "technical-failure")
        check_deliveries()
    message.refresh_from_db()
    assert message.delivery == Delivery.TECHNICAL_FAILURE
    assert list(undelivered(about="C-1", kind="referrer_feedback")) == [message]
    assert len(notify.sent()) == MOST_RESENDS + 1
