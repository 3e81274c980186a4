"""`load-demo --councils sefton,lewisham`: the demo as two councils, with a family that moves."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from frontdoor.accounts.models import User
from frontdoor.intake.models import Contact
from frontdoor.people.models import Person
from frontdoor.screening.models import TransferArrival

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


def load(*councils: str) -> str:
    out = StringIO()
    call_command(
        "load_demo", "--councils", ",".join(councils), "--weeks", "0", "--history-weeks", "0",
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def test_the_demo_loads_as_two_councils_and_a_transfer_waits_to_arrive_once():
    printed = load("sefton", "lewisham")
    assert "lewisham-manager" in printed
    assert "/lewisham/" in printed
    lewisham_worker = User.objects.get(username="lewisham-worker")
    assert lewisham_worker.council_id == "lewisham"
    assert User.objects.get(username="worker").council_id == "sefton"

    # The elder child's contact was transferred and waits in Lewisham's inbox.
    arrival = TransferArrival.objects.get()
    assert (arrival.from_council, arrival.to_council, arrival.accepted_at) == (
        "sefton",
        "lewisham",
        None,
    )
    client = Client()
    client.force_login(lewisham_worker)
    inbox = client.get("/lewisham/contacts/").content.decode()
    assert arrival.contact.reference in inbox
    screening = client.get(f"/lewisham/contacts/{arrival.contact.reference}/screening/")
    assert "Accept the transfer" in screening.content.decode()

    # The younger child's contact waits in Sefton's, to be transferred by the user.
    waiting = Contact.objects.get(council="sefton", state=Contact.State.RECEIVED)
    assert waiting.children.get().first_name == "Nia"
    # Both councils know the family: each sees the other knows them, never the details.
    assert set(Person.objects.filter(last_name="Marchbank").values_list("council", flat=True)) == {
        "sefton",
        "lewisham",
    }
    client.force_login(User.objects.get(username="worker"))
    child = waiting.children.get()
    match = client.get(f"/contacts/{waiting.reference}/people/child/{child.pk}/match/")
    assert 'id="known-elsewhere"' in match.content.decode()

    # Loading it again adds nothing twice.
    counts = (Contact.objects.count(), Person.objects.count(), User.objects.count())
    load("sefton", "lewisham")
    assert (Contact.objects.count(), Person.objects.count(), User.objects.count()) == counts


@pytest.mark.parametrize(
    ("councils", "message"),
    [(("lewisham", "sefton"), "default council first"), (("sefton",), "two councils or more")],
)
def test_the_councils_are_named_default_first(councils, message):
    with pytest.raises(CommandError, match=message):
        load(*councils)
    assert not Contact.objects.exists()
