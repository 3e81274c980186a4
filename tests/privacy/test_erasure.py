"""Erasing contacts whose retention has run out, from a kept review (UK GDPR, the policy's
retention): all of a contact's rows and history go, nothing else does, and the trail says so."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact, ReportedChild
from frontdoor.mash import enquiries
from frontdoor.mash.models import AgencyRequest, Enquiry
from frontdoor.people.models import Person
from frontdoor.policy.registry import current_policy
from frontdoor.privacy.erasure import erase_review, keep_review, rows_of
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.models import Decision
from tests.screening.conftest import RECEIVED
from tests.screening.factories import decide_every_child

pytestmark = pytest.mark.django_db
OLD = RECEIVED - dt.timedelta(days=365 * 7)


def _decided_long_ago(make_contact, manager, person_for, *, enquiry: bool = False) -> Contact:
    contact = make_contact(received_at=OLD)
    for child in contact.children.all():
        person_for(child)
    if enquiry:
        enquiries.send_enquiry(
            contact=contact,
            child=contact.children.first(),
            by=manager,
            rag="amber",
            agencies=["police", "health"],
            reason="Domestic abuse reported in the household.",
            now=OLD + dt.timedelta(hours=1),
        )
    decide_every_child(contact, by=manager, now=OLD + dt.timedelta(hours=2))
    return contact


@pytest.fixture
def old(make_contact, manager, person_for):
    return _decided_long_ago(make_contact, manager, person_for, enquiry=True)


def test_r45_erasure_removes_every_row_of_the_contact_and_its_history_and_nothing_else(
    old, contact, admin
):
    people = Person.objects.count()
    child_ids = list(old.children.values_list("pk", flat=True))
    assert Enquiry.objects.filter(contact=old).exists()
    review = keep_review(policy=current_policy())
    assert old.reference in review.references and contact.reference not in review.references

    erasure = erase_review(review=review, by=admin, policy=current_policy())

    assert list(erasure.erased) == [old.reference] and erasure.kept == {}
    assert not Contact.objects.filter(reference=old.reference).exists()
    assert not ReportedChild.objects.filter(pk__in=child_ids).exists()
    assert not Decision.objects.filter(child_id__in=child_ids).exists()
    assert not Enquiry.objects.exists() and not AgencyRequest.objects.exists()
    assert not Contact.history.filter(id=old.pk).exists()
    assert not ReportedChild.history.filter(id__in=child_ids).exists()
    # What is kept: the other contact, the person records, and the trail of the erasure.
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert Person.objects.count() == people
    entry = AuditEvent.objects.get(action="contact.erased")
    assert entry.actor == admin and entry.changes["reference"] == old.reference
    assert entry.changes["rows"]["intake.Contact"] == 1
    assert entry.policy_version is not None
    recorded = AuditEvent.objects.get(action="contact.recorded", target_id=str(old.pk))
    assert recorded.target_repr.startswith("(erased") and recorded.changes == {}


def test_r45_a_review_is_acted_on_once(old, admin):
    review = keep_review(policy=current_policy())
    erase_review(review=review, by=admin, policy=current_policy())
    with pytest.raises(DomainError, match="make a new review"):
        erase_review(review=review, by=admin, policy=current_policy())


@pytest.mark.parametrize("role", [Role.MASH_MANAGER, Role.SERVICE_MANAGER])
def test_r45_only_an_administrator_erases(old, make_user, role):
    review = keep_review(policy=current_policy())
    with pytest.raises(PermissionDeniedError, match="this is for Administrator"):
        erase_review(review=review, by=make_user(role), policy=current_policy())
    assert Contact.objects.filter(pk=old.pk).exists()
    review.refresh_from_db()
    assert review.erased_at is None


def test_r45_a_contact_decided_again_since_the_review_is_kept(old, manager, admin):
    review = keep_review(policy=current_policy())
    child = old.children.first()
    record_decision(
        contact=old,
        child=child,
        by=manager,
        level=1,
        outcome="information_and_advice",
        rationale="New information: advice given again.",
        based_on=1,
    )
    erasure = erase_review(review=review, by=admin, policy=current_policy())
    assert erasure.erased == {}
    assert "no longer due" in erasure.kept[old.reference]
    assert Contact.objects.filter(pk=old.pk).exists()


def test_the_walk_finds_rows_that_point_at_the_contact_through_hidden_relations(old):
    rows = rows_of({old.pk})
    labels = {model._meta.label for model in rows}
    assert {"intake.Contact", "intake.Report", "intake.ReportedChild"} <= labels
    assert {"mash.Enquiry", "mash.AgencyRequest", "screening.Decision"} <= labels
    assert "people.Person" not in labels  # a person's record is kept under its own rules


def test_the_commands_report_keep_then_erase_only_when_confirmed(old, manager, admin):
    out = StringIO()
    call_command("retention_report", keep=True, stdout=out)
    text = out.getvalue()
    assert old.reference in text and "Kept as retention review" in text
    number = text.split("Kept as retention review ")[1].split(".")[0]

    out = StringIO()
    call_command("retention_erase", int(number), by=admin.username, stdout=out)
    assert "Nothing was erased" in out.getvalue()
    assert Contact.objects.filter(pk=old.pk).exists()

    out = StringIO()
    with pytest.raises(CommandError, match="this is for Administrator"):
        call_command("retention_erase", int(number), by=manager.username, confirm=True)
    assert Contact.objects.filter(pk=old.pk).exists()
    call_command("retention_erase", int(number), by=admin.username, confirm=True, stdout=out)
    assert f"Erased {old.reference}" in out.getvalue()
    assert not Contact.objects.filter(pk=old.pk).exists()


def test_r45_a_row_the_walk_missed_makes_the_database_refuse_and_nothing_is_erased(old, admin):
    from unittest import mock

    from django.db import IntegrityError

    from frontdoor.privacy import erasure

    walk = erasure._points_at

    def missing_enquiries(model):
        return ((m, name) for m, name in walk(model) if m is not Enquiry)

    review = keep_review(policy=current_policy())
    with (
        mock.patch.object(erasure, "_points_at", missing_enquiries),
        pytest.raises(IntegrityError),
    ):
        erase_review(review=review, by=admin, policy=current_policy())
    assert Contact.objects.filter(pk=old.pk).exists()
    assert old.children.count() == 2
    assert not AuditEvent.objects.filter(action="contact.erased").exists()
