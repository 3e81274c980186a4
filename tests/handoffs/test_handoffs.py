"""R44: each routed child is handed off to the case record the policy names, once."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.handoffs import services
from frontdoor.handoffs.models import HandOff
from frontdoor.handoffs.payload import PAYLOAD_VERSION, HandOffPayload, payload_schema
from frontdoor.people.models import ExternalIdentifier
from frontdoor.policy.registry import current_policy
from frontdoor.policy.schema import HandOffs, OutcomeEffect, RecordSystem
from tests.screening.test_decisions import decide

pytestmark = pytest.mark.django_db


def test_r44_an_assessment_is_handed_off_to_lcs_with_what_the_record_needs(
    contact, manager, person_for
):
    child = contact.children.first()
    person_for(child)
    decision = decide(contact, child, manager)
    handoff = HandOff.objects.get()
    assert handoff.decision == decision
    assert handoff.record_system == "lcs"
    assert handoff.state == HandOff.State.WAITING
    assert handoff.kind == HandOff.Kind.HANDOFF
    assert "section 17" in handoff.lawful_basis
    payload = HandOffPayload.model_validate(handoff.payload)
    assert payload.version == PAYLOAD_VERSION
    assert payload.id == handoff.pk
    assert payload.child.first_name == child.first_name
    assert payload.child.front_door_person_id == child.person_id
    assert payload.decision.rationale == decision.rationale
    assert payload.decision.policy.version == decision.policy_version.version
    assert payload.reports and payload.reports[0].worry
    assert payload.checks
    assert AuditEvent.objects.filter(action="handoff.made").count() == 1


def test_r44_early_help_goes_to_ehm(contact, manager):
    decide(contact, contact.children.first(), manager, level=2, outcome="early_help")
    handoff = HandOff.objects.get()
    assert handoff.record_system == "ehm"
    assert handoff.lawful_basis == ""  # consent: the disclosure log reads it from screening


def test_r44_no_further_action_hands_nothing_off(contact, manager):
    decide(contact, contact.children.first(), manager, level=1, outcome="information_and_advice")
    assert not HandOff.objects.exists()


def test_r44_a_revision_before_delivery_replaces_the_pending_hand_off(contact, manager):
    child = contact.children.first()
    decide(contact, child, manager)
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)
    first, second = HandOff.objects.order_by("id")
    assert first.state == HandOff.State.REPLACED
    assert first.replaced_by == second
    assert second.record_system == "ehm"
    assert second.kind == HandOff.Kind.HANDOFF


def test_r44_a_revision_to_nothing_before_delivery_leaves_nothing_to_send(contact, manager):
    child = contact.children.first()
    decide(contact, child, manager)
    decide(contact, child, manager, level=1, outcome="information_and_advice", based_on=1)
    assert HandOff.objects.get().state == HandOff.State.REPLACED


def test_r44_a_revision_after_delivery_sends_an_amendment_naming_the_first(
    contact, manager, record_system
):
    child = contact.children.first()
    decide(contact, child, manager)
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    decide(contact, child, manager, rationale="Revised: the account changed.", based_on=1)
    first, amendment = HandOff.objects.order_by("id")
    assert first.state == HandOff.State.ACCEPTED
    assert amendment.kind == HandOff.Kind.AMENDMENT
    assert amendment.amends == first
    assert amendment.payload["amends"] == first.pk
    assert amendment.payload["decision"]["rationale"] == "Revised: the account changed."


def test_r44_at_most_one_hand_off_per_child_and_outcome(contact, manager, record_system):
    child = contact.children.first()
    decide(contact, child, manager)
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    decide(contact, child, manager, based_on=1)
    decide(contact, child, manager, based_on=2)
    kinds = list(HandOff.objects.order_by("id").values_list("kind", flat=True))
    assert kinds.count("handoff") == 1


def test_r45_a_restricted_childs_hand_off_is_marked_so(contact, manager, person_for):
    child = contact.children.first()
    person = person_for(child)
    person.restricted = True
    person.save(update_fields=["restricted"])
    decide(contact, child, manager)
    handoff = HandOff.objects.get()
    assert handoff.restricted
    assert handoff.payload["restricted"] is True


def test_r44_accepting_stores_the_records_identifier_on_the_child(
    contact, manager, record_system, person_for
):
    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    handoff = HandOff.objects.get()
    assert services.accept(user=record_system, handoff=handoff, external_id="123456")
    handoff.refresh_from_db()
    assert handoff.state == HandOff.State.ACCEPTED
    assert handoff.external_id == "123456"
    assert handoff.delivered_at is not None
    identifier = ExternalIdentifier.objects.get(person=person)
    assert (identifier.source_system, identifier.external_id) == ("lcs", "123456")
    # The same again is safe; another identifier is a conflict.
    assert not services.accept(user=record_system, handoff=handoff, external_id="123456")
    with pytest.raises(services.HandOffConflict):
        services.accept(user=record_system, handoff=handoff, external_id="999")


def test_r44_only_the_record_systems_account_pulls(contact, manager):
    decide(contact, contact.children.first(), manager)
    with pytest.raises(DomainError):
        services.pull(user=manager)


def test_r44_pulling_is_in_order_after_the_cursor(make_contact, manager, record_system):
    for _ in range(3):
        contact = make_contact()
        decide(contact, contact.children.first(), manager)
    pulled = services.pull(user=record_system)
    ids = [h.pk for h in pulled]
    assert ids == sorted(ids) and len(ids) == 3
    after = pulled[0].sequence
    assert [h.pk for h in services.pull(user=record_system, after=after)] == ids[1:]


def test_r44_a_hand_off_committed_late_with_a_smaller_id_is_not_skipped(
    make_contact, manager, record_system
):
    """Ids are given as rows are inserted, not as they commit: a decision whose transaction
    took id 1 and committed after the one that took id 2 is seen by a poller that has already
    read past 2. Made here by giving the later hand-off the smaller id."""
    early = make_contact()
    decide(early, early.children.first(), manager)
    first = HandOff.objects.get()
    HandOff.objects.filter(pk=first.pk).update(id=first.pk + 1000)
    (seen,) = services.pull(user=record_system)
    late = make_contact()
    decide(late, late.children.first(), manager)
    HandOff.objects.filter(contact=late).update(id=first.pk)  # committed late, smaller id
    # By id, the poller's cursor has passed it for good.
    assert not HandOff.objects.filter(pk__gt=seen.pk).exists()
    # By the commit-ordered cursor it is the next one.
    (after,) = services.pull(user=record_system, after=seen.sequence)
    assert after.contact == late


def test_r44_a_hand_off_listed_is_not_delivered_until_the_record_accepts_it(
    contact, manager, record_system
):
    decide(contact, contact.children.first(), manager)
    (listed,) = services.pull(user=record_system)
    listed.refresh_from_db()
    assert listed.state == HandOff.State.WAITING and listed.delivered_at is None
    assert not AuditEvent.objects.filter(action="handoff.delivered").exists()
    services.accept(user=record_system, handoff=listed, external_id="123456")
    listed.refresh_from_db()
    assert listed.state == HandOff.State.ACCEPTED and listed.delivered_how == "pull"
    assert AuditEvent.objects.filter(action="handoff.delivered").count() == 1


def test_the_policy_sends_each_effect_to_one_record():
    assert current_policy().handoffs.record_system_for(OutcomeEffect.EARLY_HELP).key == "ehm"
    with pytest.raises(ValueError, match="named twice"):
        HandOffs(
            record_systems=[
                RecordSystem(key="a", name="A", effects=[OutcomeEffect.EARLY_HELP]),
                RecordSystem(key="b", name="B", effects=[OutcomeEffect.EARLY_HELP]),
            ]
        )
    assert HandOffs().record_system_for(OutcomeEffect.ASSESSMENT).key == "social_care"


def test_the_payload_has_a_json_schema_with_its_version():
    schema = payload_schema()
    assert schema["properties"]["version"]["const"] == PAYLOAD_VERSION
    assert "decision" in schema["required"]


def test_r45_a_delivered_hand_off_is_a_disclosure_with_its_lawful_basis(
    make_contact, manager, record_system
):
    from frontdoor.privacy.selectors import STATUTORY_DUTY, disclosures

    contact = make_contact()
    decide(contact, contact.children.first(), manager)
    assert not [d for d in disclosures(user=record_system) if d.kind.startswith("Hand-off")]
    services.pull(user=record_system)
    assert not [d for d in disclosures(user=record_system) if d.kind.startswith("Hand-off")]
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    (row,) = [d for d in disclosures(user=record_system) if d.kind.startswith("Hand-off")]
    assert row.to.startswith("LCS")
    assert row.lawful_basis == STATUTORY_DUTY
    assert "section 17" in row.lawful_basis_detail
    assert AuditEvent.objects.filter(action="handoff.delivered").count() == 1


@pytest.mark.django_db(transaction=True)
def test_r44_a_hand_offs_number_waits_for_the_one_before_it_to_commit():
    """On PostgreSQL, where decisions commit side by side: a second number is given only once
    the transaction holding the first has committed, so numbers are seen in order."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time")
    taken, go = threading.Event(), threading.Event()
    numbers: dict[str, int] = {}

    def first() -> None:
        with transaction.atomic():
            numbers["first"] = services.next_sequence()
            taken.set()
            go.wait(10)
        connections.close_all()

    def second() -> None:
        with transaction.atomic():
            numbers["second"] = services.next_sequence()
        connections.close_all()

    one = threading.Thread(target=first)
    one.start()
    assert taken.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive() and "second" not in numbers  # waiting for the first to commit
    go.set()
    one.join(10)
    two.join(10)
    assert numbers["second"] > numbers["first"]


def test_r44_hand_offs_replaced_before_it_was_noted_get_when_they_were_replaced(
    contact, make_contact, manager
):
    """The migration that notes when: the revision's hand-off's time, or for a revision that
    made none, the child's next decision's."""
    import importlib

    from django.apps import apps

    note_when_replaced = importlib.import_module(
        "frontdoor.handoffs.migrations.0006_note_when_a_handoff_was_replaced"
    ).note_when_replaced
    child = contact.children.first()
    decide(contact, child, manager)
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)
    other = make_contact()
    other_child = other.children.first()
    decide(other, other_child, manager)
    revision = decide(
        other, other_child, manager, level=1, outcome="information_and_advice", based_on=1
    )
    HandOff.objects.update(replaced_at=None)
    note_when_replaced(apps, None)
    to_lcs, to_ehm, to_nothing = HandOff.objects.order_by("id")
    assert to_lcs.replaced_at == to_ehm.created_at
    assert to_ehm.replaced_at is None  # in force
    assert to_nothing.replaced_at == revision.decided_at


def test_r44_the_payload_carries_the_identifiers_the_records_gave_the_people_before(
    contact, make_contact, manager, person_for, record_system
):
    """ "Open in LCS as 123456": a child the record has already, from an earlier hand-off it
    accepted or from the involvements import, is handed off with its identifier, and so is an
    adult with one, so the record finds them instead of making them again."""
    from frontdoor.people.models import Person

    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    services.accept(user=record_system, handoff=HandOff.objects.get(), external_id="123456")
    ExternalIdentifier.objects.create(person=person, source_system="mosaic", external_id="M1")
    later = make_contact()
    again = later.children.first()
    again.person = person
    again.save(update_fields=["person"])
    adult = later.adults.first()
    adult.person = Person.objects.create(first_name=adult.first_name, last_name=adult.last_name)
    adult.save(update_fields=["person"])
    ExternalIdentifier.objects.create(person=adult.person, source_system="lcs", external_id="A-9")
    decide(later, again, manager)
    payload = HandOffPayload.model_validate(HandOff.objects.get(contact=later).payload)
    assert [(i.source_system, i.external_id) for i in payload.child.identifiers] == [
        ("lcs", "123456"),
        ("mosaic", "M1"),
    ]
    (with_one,) = [a for a in payload.adults if a.front_door_person_id == adult.person_id]
    assert [(i.source_system, i.external_id) for i in with_one.identifiers] == [("lcs", "A-9")]
    schema = payload_schema()
    assert "identifiers" in schema["$defs"]["HandOffChild"]["required"]


def test_r44_a_child_not_yet_linked_keeps_the_identifier_it_was_taken_as_in_the_payload(
    contact, manager, make_user
):
    from tests.handoffs.conftest import receiving

    child = contact.children.first()
    assert child.person_id is None
    decide(contact, child, manager, level=2, outcome="early_help")
    ehm = receiving(make_user(Role.ADMINISTRATOR, username="ehm"), "ehm")
    services.accept(user=ehm, handoff=HandOff.objects.get(), external_id="EH-1")
    decide(contact, child, manager, level=2, outcome="early_help", based_on=1)
    amendment = HandOff.objects.get(kind=HandOff.Kind.AMENDMENT)
    identifiers = amendment.payload["child"]["identifiers"]
    assert identifiers == [{"source_system": "ehm", "external_id": "EH-1"}]
