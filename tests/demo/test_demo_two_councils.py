"""`load-demo --councils sefton,lewisham`: the demo as two councils, with a family that moves."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from frontdoor.accounts.models import User
from frontdoor.demo.mash import PROBATION_STORIES
from frontdoor.intake.models import Contact
from frontdoor.mash.models import AgencyRequest
from frontdoor.people.models import Person
from frontdoor.policy.councils import serving
from frontdoor.policy.row_security import every_council
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
    with every_council():  # the test looks at both councils
        arrival = TransferArrival.objects.select_related("contact").get()
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
    with every_council():
        known = set(Person.objects.filter(last_name="Marchbank").values_list("council", flat=True))
    assert known == {"sefton", "lewisham"}
    client.force_login(User.objects.get(username="worker"))
    child = waiting.children.get()
    match = client.get(f"/contacts/{waiting.reference}/people/child/{child.pk}/match/")
    assert 'id="known-elsewhere"' in match.content.decode()

    # Loading it again adds nothing twice.
    def counts() -> tuple[int, int, int]:
        with every_council():
            return (Contact.objects.count(), Person.objects.count(), User.objects.count())

    before = counts()
    load("sefton", "lewisham")
    assert counts() == before


def _children(*stories) -> list[str]:
    return [f"{story.child} {story.surname}" for story in stories]


def test_issue_23_the_probation_service_sees_both_councils_enquiries_in_one_list():
    printed = load("sefton", "lewisham")
    assert "probation" in printed
    assert "Partner agency user, Probation Service" in printed
    probation = User.objects.get(username="probation")
    assert (probation.council_id, probation.agency_key) == ("sefton", "probation")
    with every_council():  # the test looks at both councils
        requests = AgencyRequest.objects.filter(agency_key="probation")
        assert set(requests.values_list("enquiry__contact__council", flat=True)) == {
            "sefton",
            "lewisham",
        }
        assert requests.filter(answered_at__isnull=False).count() == 2

    client = Client()
    client.force_login(probation)
    page = client.get("/mash/requests/").content.decode()
    sefton, lewisham = PROBATION_STORIES[0], PROBATION_STORIES[1]
    for child in _children(*sefton, *lewisham):
        assert child in page
    # Each row names its council; Sefton's red enquiry is overdue, Lewisham's have no clock.
    for council in ("Sefton Council", "London Borough of Lewisham"):
        assert f'<td class="govuk-table__cell">{council}</td>' in page  # waiting
        assert f"({council}), answered" in page
    assert "Overdue" in page
    assert "No timescale set" in page
    times = client.get("/mash/requests/times/").content.decode()
    for council in ("Sefton Council", "London Borough of Lewisham", "All councils"):
        assert f'<th scope="row" class="govuk-table__header">{council}</th>' in times

    # Sefton's police, a partner of Sefton's alone, sees none of Lewisham's enquiries.
    client.force_login(User.objects.get(username="police"))
    page = client.get("/mash/requests/").content.decode()
    assert "London Borough of Lewisham" not in page
    with serving("lewisham"):
        assert AgencyRequest.objects.filter(agency_key="police").exists()
    for child in _children(*sefton):
        assert child in page
    for child in _children(*lewisham):
        assert child not in page


@pytest.mark.parametrize(
    ("councils", "message"),
    [(("lewisham", "sefton"), "default council first"), (("sefton",), "two councils or more")],
)
def test_the_councils_are_named_default_first(councils, message):
    with pytest.raises(CommandError, match=message):
        load(*councils)
    assert not Contact.objects.exists()


def test_issue_23_the_probation_manager_oversees_both_councils_answering():
    printed = load("sefton", "lewisham")
    assert "Partner agency manager, Probation Service" in printed
    manager = User.objects.get(username="probationmanager")
    assert (manager.council_id, manager.agency_key) == ("sefton", "probation")
    client = Client()
    client.force_login(manager)
    times = client.get("/mash/requests/times/").content.decode()
    owed = times[times.index("What your agency still owes") : times.index("Who answered")]
    answerers = times[times.index("Who answered") : times.index("Answered late, in")]
    for council in ("Sefton Council", "London Borough of Lewisham"):
        assert f'<td class="govuk-table__cell">{council}</td>' in owed
        assert f'<td class="govuk-table__cell">{council}</td>' in answerers
    assert "Quinn Ashbury" in answerers  # the Probation Service's user answered both
    assert "Overdue" in owed  # Sefton's red enquiry, by Sefton's clock
    # Nothing of either council's own records.
    for path in ("/contacts/", "/lewisham/contacts/", "/dashboards/", "/mash/"):
        assert client.get(path).status_code == 403, path
