"""R18 across councils: a child known to another council on the service ("known elsewhere")."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from frontdoor.audit.models import AuditEvent
from frontdoor.people.matching import candidates, known_to
from frontdoor.people.models import Person
from frontdoor.policy import registry
from frontdoor.policy.councils import councils_knowing_elsewhere, serving
from frontdoor.policy.loader import PolicyError, load_policy_file
from tests.policy.test_loader import POLICIES, run_frontdoor, write_variant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("two_councils")]


@pytest.fixture
def known_in_lewisham(contact):
    """The contact's first child, as Lewisham knows them."""
    child = contact.children.first()
    with serving("lewisham"):
        return Person.objects.create(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            postcode=child.postcode,
        )


def describe(child) -> dict:
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth,
        "postcode": child.postcode,
    }


@pytest.fixture
def lewisham_says(monkeypatch):
    """Lewisham's policy with `known_elsewhere` as given."""

    def say(allowed: bool) -> None:
        loaded = registry.loaded_policies()
        lewisham = loaded["lewisham"]
        screening = lewisham.policy.screening.model_copy(update={"known_elsewhere": allowed})
        policy = lewisham.policy.model_copy(update={"screening": screening})
        monkeypatch.setitem(loaded, "lewisham", dataclasses.replace(lewisham, policy=policy))

    return say


def test_the_same_rule_finds_the_child_in_the_other_council_in_one_query(
    contact, known_in_lewisham
):
    child = contact.children.first()
    with CaptureQueriesContext(connection) as queries:
        found = known_to(["lewisham"], **describe(child))
    assert found == {"lewisham": [known_in_lewisham.pk]}
    assert len(queries) == 1
    # Matching within the council does not show the other council's people.
    assert candidates(**describe(child)) == []
    assert known_to([], **describe(child)) == {}


def test_a_weak_likeness_is_not_known_elsewhere(contact):
    child = contact.children.first()
    with serving("lewisham"):
        Person.objects.create(first_name="Zed", last_name=child.last_name)
    assert known_to(["lewisham"], **describe(child)) == {}


def test_the_worker_sees_whom_to_ask_never_the_details_logged_on_both_sides(
    client, contact, manager, known_in_lewisham
):
    child = contact.children.first()
    known_in_lewisham.address = "1 Secret Street"
    with serving("lewisham"):
        known_in_lewisham.save()
    client.force_login(manager)
    page = client.get(
        reverse("screening:match_person", args=[contact.reference, "child", child.pk])
    )
    text = page.content.decode()
    assert 'id="known-elsewhere"' in text
    assert "London Borough of Lewisham" in text
    assert "020 8314 6660" in text  # Lewisham's MASH, from its policy
    assert "Secret Street" not in text
    assert f"/people/{known_in_lewisham.pk}/" not in text
    # On both sides: each council's entry on its own trail (row_security on PostgreSQL).
    shown = AuditEvent.objects.get(action="person.known_elsewhere_shown")
    with serving("lewisham"):
        told = AuditEvent.objects.get(action="person.known_elsewhere_told")
    assert (shown.target_id, told.target_id) == (str(contact.pk), str(known_in_lewisham.pk))
    assert (shown.council_id, told.council_id) == ("sefton", "lewisham")
    assert told.changes["told_to"] == "sefton"


def test_both_policies_must_allow_it(contact, known_in_lewisham, lewisham_says):
    assert councils_knowing_elsewhere() == ["lewisham"]
    lewisham_says(False)
    assert councils_knowing_elsewhere() == []
    with serving("lewisham"):  # and Lewisham, not allowing it, is not told of Sefton's either
        assert councils_knowing_elsewhere() == []


def test_a_single_council_service_looks_nowhere_else(contact):
    from frontdoor.policy import councils

    councils._read = councils.Councils(keys=frozenset({"sefton"}))
    assert councils_knowing_elsewhere() == []


def test_check_policy_refuses_a_known_elsewhere_that_is_not_true_or_false(tmp_path):
    def change(data):
        data["screening"]["known_elsewhere"] = "perhaps"

    path = write_variant(tmp_path, "sefton", change)
    with pytest.raises(PolicyError, match=r"screening\.known_elsewhere"):
        load_policy_file(path)
    result = run_frontdoor("check-policy", str(path))
    assert result.returncode == 1
    assert "screening.known_elsewhere" in result.stderr
    assert load_policy_file(POLICIES / "lewisham.yaml").policy.screening.known_elsewhere
