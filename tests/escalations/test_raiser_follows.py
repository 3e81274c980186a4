"""Whoever raised an escalation follows it, even once a restriction closes it to them (R39, R45).

They know the disagreement they raised: its reference, each step with who holds it, its due
times and whether late, the discussions' outcomes and the resolution stay theirs to read. The
restricted child's name, date of birth and address, and what the contact says, are withheld,
and the page says whom to ask for more. Anyone else the restriction does not name is refused.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.escalations.services import open_escalation
from frontdoor.privacy.restrictions import restrict
from tests.escalations.test_pages import days_ago
from tests.escalations.test_services import discuss
from tests.mash.test_enquiries import send
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db

ASK = "The head of service"
WITHHELD = f"[restricted: ask {ASK}]"
ONLY_CHILD = {
    "first_name": "Perpetua",
    "last_name": "Oakenshaw",
    "other_names": "Pip",
    "date_of_birth": "2016-04-03",
    "gender": "female",
    "address": "14 Marsh Lane, Bootle",
    "postcode": "L20 3AB",
}
CONCERN = {
    "worry": "Unexplained fractures reported by the orthopaedic clinic.",
    "working_well": "Grandmother visits daily.",
    "immediate_protection_needed": "no",
    "domestic_abuse": "yes",
}
# Everything of the restricted record that must not reach a reader the restriction does not
# name: names, date of birth in the ways people write it, address, postcode, the contact's words.
SECRETS = (
    "Perpetua",
    "Oakenshaw",
    "Pip",
    "3/4/2016",
    "03/04/2016",
    "2016-04-03",
    "3 April 2016",
    "Marsh Lane",
    "L20 3AB",
    "fractures",
    "orthopaedic",
    "Grandmother",
)


@pytest.fixture
def named_manager(make_user):
    return make_user(Role.MASH_MANAGER, team="MASH", email="named@council.example")


@pytest.fixture
def raised(make_contact, person_for, manager, named_manager, police, admin):
    """The police escalated the decision for Perpetua, an only child; step 1 ended with the
    managers to meet; then her record was restricted to `named_manager`."""
    contact = make_contact(children=[ONLY_CHILD], concern=CONCERN)
    (child,) = contact.children.all()
    person = person_for(child)
    send(contact, manager, agencies=["police"])
    decision = decide(contact, child, manager)
    escalation = open_escalation(
        contact=contact,
        decision=decision,
        about="Perpetua Oakenshaw (born 3/4/2016) of 14 Marsh Lane needs a section 47 enquiry.",
        by=police,
        now=days_ago(3),
    )
    discuss(
        escalation,
        manager,
        days_ago(2),
        participants="Police MASH officer; Pip's social worker",
        discussion="Whether the injuries of Perpetua, born 03/04/2016, at L20 3AB, meet s47.",
        agreed_plan="Managers to meet by Monday about Oakenshaw.",
    )
    restrict(
        person=person,
        allowed_users=[named_manager],
        ask=ASK,
        reason="A family member works for the police.",
        by=admin,
    )
    return contact, escalation


def _text(response) -> str:
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.casefold() in text.casefold()]


def test_r39_r45_the_raiser_follows_the_escalation_with_the_restricted_details_withheld(
    client, raised, police, make_user
):
    contact, escalation = raised
    for raiser in (police, make_user(Role.PARTNER_AGENCY, agency_key="police")):
        client.force_login(raiser)  # the police raised it: any of its users follows it
        response = client.get(reverse("escalations:detail", args=[escalation.pk]))
        assert response.status_code == 200
        page = _text(response)
        assert not _leaks(page)
        assert escalation.reference in page and contact.reference in page
        assert "Step 1: Practitioner to practitioner" in page
        assert "Step 2: Manager to manager" in page
        assert "Ended in time" in page or "Ended late" in page
        assert "Due " in page
        assert f"For more, ask {ASK}." in page
        assert f"{WITHHELD} (born {WITHHELD}) of {WITHHELD} needs a section 47 enquiry." in page
        assert f"Managers to meet by Monday about {WITHHELD}." in page
        assert f"Child in need (section 17): Child and Family assessment for {WITHHELD}" in page
        # Following is reading: the discussion is recorded by someone who may see her.
        assert "Record the discussion" not in page


def test_r45_the_raiser_cannot_record_a_step_of_an_escalation_closed_to_them(
    client, raised, police
):
    _, escalation = raised
    client.force_login(police)
    response = client.post(reverse("escalations:detail", args=[escalation.pk]), {})
    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.step == 2


def test_r45_anyone_else_the_restriction_does_not_name_is_refused(client, raised, manager, health):
    _, escalation = raised
    client.force_login(manager)  # reads every escalation, but did not raise this one
    response = client.get(reverse("escalations:detail", args=[escalation.pk]))
    assert response.status_code == 403
    page = _text(response)
    assert ASK in page and not _leaks(page) and "Step 2" not in page
    client.force_login(health)  # another agency's escalation does not exist for them
    assert client.get(reverse("escalations:detail", args=[escalation.pk])).status_code == 404


def test_r39_the_raisers_list_shows_where_it_stands_and_whom_to_ask(
    client, raised, police, manager
):
    contact, escalation = raised
    client.force_login(police)
    page = _text(client.get(reverse("escalations:raised")))
    assert not _leaks(page)
    assert escalation.reference in page and contact.reference in page
    assert "2: Manager to manager" in page
    assert f"Details withheld: ask {ASK}" in page
    assert "Restricted: ask" not in page
    # The managers' list, of a manager who did not raise it, shows whom to ask only.
    client.force_login(manager)
    page = _text(client.get(reverse("escalations:list")))
    assert f"Restricted: ask {ASK}" in page and "Manager to manager" not in page


def test_r39_r45_a_manager_who_raised_it_follows_it_in_the_log_and_its_download(
    client, make_contact, person_for, manager, named_manager, make_user, admin
):
    raiser = make_user(Role.MASH_MANAGER, team="MASH")
    contact = make_contact(children=[ONLY_CHILD], concern=CONCERN)
    (child,) = contact.children.all()
    person = person_for(child)
    decision = decide(contact, child, manager)
    escalation = open_escalation(
        contact=contact,
        decision=decision,
        about="Perpetua needs a strategy discussion.",
        by=raiser,
        now=days_ago(3),
    )
    discuss(
        escalation,
        raiser,
        days_ago(2),
        outcome="resolved",
        agreed_plan="Strategy discussion for Perpetua Oakenshaw of 14 Marsh Lane today.",
    )
    restrict(person=person, allowed_users=[named_manager], ask=ASK, reason="Staff", by=admin)
    client.force_login(raiser)
    (row,) = list(
        csv.reader(
            io.StringIO(client.get(reverse("escalations:log"), {"format": "csv"}).content.decode())
        )
    )[1:]
    assert not _leaks(repr(row))
    assert row[0] == escalation.reference and row[1] == contact.reference
    assert row[2].endswith(f"for {WITHHELD}")
    assert row[3] == f"{WITHHELD} needs a strategy discussion."
    assert row[9] == "Resolved"
    assert row[13] == f"Strategy discussion for {WITHHELD} of {WITHHELD} today."
    page = _text(client.get(reverse("escalations:detail", args=[escalation.pk])))
    assert "Resolved at" in page and not _leaks(page)
    # Another manager, who did not raise it, counts it and reads nothing of it.
    client.force_login(manager)
    (row,) = list(
        csv.reader(
            io.StringIO(client.get(reverse("escalations:log"), {"format": "csv"}).content.decode())
        )
    )[1:]
    assert row[1] == f"Restricted: ask {ASK}" and not any(row[2:])


def test_r39_r45_a_restricted_adult_closing_the_contact_is_withheld_from_the_raiser(
    client, contact, manager, police, admin
):
    from frontdoor.people.models import Person

    send(contact, manager, agencies=["police"])
    escalation = open_escalation(
        contact=contact, about="Jo Examplechild hit Ellis Examplechild: s47.", by=police
    )
    adult = contact.adults.get()
    adult.person = Person.objects.create(first_name="Jo", last_name="Examplechild")
    adult.save(update_fields=["person"])
    restrict(person=adult.person, allowed_users=[manager], ask=ASK, reason="Staff", by=admin)
    client.force_login(police)
    page = _text(client.get(reverse("escalations:detail", args=[escalation.pk])))
    assert f"{WITHHELD} hit Ellis Examplechild: s47." in page
    assert "Jo Examplechild" not in page and f"For more, ask {ASK}." in page
