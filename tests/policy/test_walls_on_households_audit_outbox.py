"""Row-level security on households, the audit trail, the access log and the outbox: a query
that forgets the council's filter finds nothing of another council's, while each council's
trail still reads as before and one sender still sends every council's messages
(frontdoor.policy.row_security)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from frontdoor.audit import selectors as audit_views
from frontdoor.audit import services as audit
from frontdoor.intake.models import Contact
from frontdoor.intake.selectors import contact_record
from frontdoor.intake.services import record_contact
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import queue_message
from frontdoor.outbox.tasks import send_outbox
from frontdoor.people.corrections import correct_details
from frontdoor.people.models import Correction, Household, Person
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council, open_to
from frontdoor.screening.models import Decision
from tests.intake.factories import make_submission
from tests.policy.test_row_security import on_postgresql

pytestmark = pytest.mark.django_db


def _contact_of(council: str) -> Contact:
    with serving(council):
        return record_contact(
            submission=make_submission(), channel="online_form", received_at=timezone.now(), by=None
        ).contact


def _ids(sql: str) -> set:
    """A raw query with no council filter of its own, through the app's connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def both(two_councils):
    return _contact_of("sefton"), _contact_of("lewisham")


@on_postgresql
def test_a_query_without_the_filter_finds_no_household_of_another_council(two_councils):
    with serving("sefton"):
        ours = Household.objects.create(address="1 Our Road", postcode="L20 3NJ")
    with serving("lewisham"):
        theirs = Household.objects.create(address="2 Their Road", postcode="SE6 4RU")
    assert (ours.council_id, theirs.council_id) == ("sefton", "lewisham")
    with serving("sefton"):
        assert _ids("SELECT id FROM people_household") == {ours.pk}
        assert _ids("SELECT id FROM people_historicalhousehold") == {ours.pk}
        assert list(Household.objects.all()) == [ours]
    with serving("lewisham"):
        assert _ids("SELECT id FROM people_household") == {theirs.pk}
        assert _ids("SELECT id FROM people_historicalhousehold") == {theirs.pk}
    with every_council():
        assert _ids("SELECT id FROM people_household") == {ours.pk, theirs.pk}


@on_postgresql
def test_a_query_without_the_filter_finds_no_correction_of_another_council(two_councils, make_user):
    made = {}
    for council in ("sefton", "lewisham"):
        with serving(council):
            worker = make_user(council_id=council)
            person = Person.objects.create(first_name="Ellis", last_name="Example")
            correct_details(
                record=person, by=worker, details={"last_name": "Sample"}, reason="Misspelt"
            )
            made[council] = Correction.objects.get(record_id=person.pk)
    assert {c.council_id for c in made.values()} == {"sefton", "lewisham"}
    for council, correction in made.items():
        with serving(council):
            assert _ids("SELECT id FROM people_correction") == {correction.pk}


@on_postgresql
def test_a_query_without_the_filter_finds_nothing_of_another_councils_trail(both, manager):
    ours, theirs = both
    for contact in both:
        with serving(str(contact.council_id)):
            audit.record_view(viewer=manager, target=contact, through="contact page")
    trail = "SELECT target_id FROM audit_auditevent WHERE target_type = 'intake.contact'"
    seen = "SELECT target_id FROM audit_recordview"
    with serving("sefton"):
        assert _ids(trail) == {str(ours.pk)}
        assert _ids(seen) == {str(ours.pk)}
    with serving("lewisham"):
        assert _ids(trail) == {str(theirs.pk)}
        assert _ids(seen) == {str(theirs.pk)}
    with every_council():
        assert _ids(trail) == {str(ours.pk), str(theirs.pk)}
    # Read as the access log's selector reads it, asked for both councils' records.
    with serving("lewisham"):
        assert audit_views.seen(audit_views.of(Contact, ours.pk, theirs.pk)).count == 1


@on_postgresql
def test_a_query_without_the_filter_finds_no_message_of_another_council(two_councils):
    with serving("sefton"):
        ours = queue_message(key="ours", kind="test", to="ours@example.org", subject="S", body="B")
    with serving("lewisham"):
        theirs = queue_message(
            key="theirs", kind="test", to="theirs@example.org", subject="S", body="B"
        )
    with serving("sefton"):
        assert _ids('SELECT "to" FROM outbox_message') == {"ours@example.org"}
        assert list(Message.objects.all()) == [ours]
    with serving("lewisham"):
        assert _ids('SELECT "to" FROM outbox_message') == {"theirs@example.org"}
        assert list(Message.objects.all()) == [theirs]


def test_a_worker_sends_every_councils_messages(two_councils, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for council in ("sefton", "lewisham"):
        with serving(council):
            queue_message(
                key=f"to-{council}", kind="test", to=f"{council}@example.org", subject="S", body="B"
            )
    # The task as a worker runs it: it serves the default council, and names none.
    assert send_outbox.call() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "lewisham@example.org",
        "sefton@example.org",
    ]
    with every_council():
        assert not Message.objects.filter(sent_at__isnull=True).exists()


def test_each_councils_contact_page_lists_its_own_trail_and_views(both, make_user):
    for contact in both:
        council = str(contact.council_id)
        with serving(council):
            viewer = make_user(council_id=council)
            audit.record_view(viewer=viewer, target=contact, through="contact page")
            record = contact_record(contact=contact, user=viewer)
        assert [event.what for event in record.events] == ["Contact recorded"]
        assert [view.viewer for view in record.seen.views] == [viewer]


def test_an_entry_is_its_records_council_where_several_councils_are_reached(both):
    ours, theirs = both
    decision = Decision(contact=theirs)  # found through its contact (`row_security.WALLS`)
    person = Person(first_name="Ellis", last_name="Example", council_id="lewisham")
    with serving("sefton"):
        # Only the council served's records are reached: it is the council served's.
        assert audit.council_of(decision) == "sefton"
        assert audit.council_of(None) == "sefton"
        # A record naming its council is always that council's.
        assert audit.council_of(person) == "lewisham"
        with every_council():  # a regular job, which reaches every council
            assert audit.council_of(decision) == "lewisham"
            assert audit.council_of(Decision(contact=ours)) == "sefton"
        with open_to({"lewisham"}):  # a door
            assert audit.council_of(decision) == "lewisham"
