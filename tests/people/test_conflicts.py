"""R22: details a report gives differently are listed on the person's page to resolve."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact
from frontdoor.people.models import DetailConflict
from frontdoor.people.services import resolve_conflict
from frontdoor.screening.linking import link_reported_person
from tests.intake.factories import make_submission
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER)


def linked_with_conflicts(worker):
    contact = record_contact(
        submission=make_submission(),
        channel=Channel.ONLINE_FORM,
        received_at=dt.datetime(2026, 11, 19, 10, 0, tzinfo=LONDON),
    ).contact
    known = PersonFactory(
        first_name="Elliot", last_name="Examplechild", date_of_birth=dt.date(2015, 2, 3)
    )
    link_reported_person(reported=contact.children.get(first_name="Ellis"), person=known, by=worker)
    return contact, known


def test_r22_each_conflict_is_kept_to_resolve(worker):
    contact, known = linked_with_conflicts(worker)
    conflicts = {c.attribute: c for c in DetailConflict.objects.filter(person=known)}
    assert set(conflicts) == {"first_name", "date_of_birth"}
    assert (conflicts["date_of_birth"].on_record, conflicts["date_of_birth"].given) == (
        "2015-02-03",
        "2015-03-02",
    )
    assert conflicts["first_name"].source == contact.reference
    assert all(c.resolved_at is None for c in conflicts.values())


def test_r22_taking_the_reports_value_changes_the_record_with_who_and_why(worker):
    _, known = linked_with_conflicts(worker)
    conflict = DetailConflict.objects.get(person=known, attribute="date_of_birth")
    with pytest.raises(DomainError, match="Say why"):
        resolve_conflict(conflict=conflict, by=worker, keep="report", reason=" ")
    resolve_conflict(
        conflict=conflict, by=worker, keep="report", reason="Checked with the birth certificate."
    )
    known.refresh_from_db()
    assert known.date_of_birth == dt.date(2015, 3, 2)
    assert known.history.first().history_change_reason.endswith("birth certificate.")
    conflict.refresh_from_db()
    assert (conflict.kept, conflict.resolved_by) == ("report", worker)
    entry = AuditEvent.objects.get(action="person.conflict_resolved")
    assert entry.changes["changed"] == {"was": "2015-02-03"}
    with pytest.raises(DomainError, match="already resolved"):
        resolve_conflict(conflict=conflict, by=worker, keep="record", reason="Again.")


def test_r22_keeping_the_record_changes_nothing_but_is_recorded(worker):
    _, known = linked_with_conflicts(worker)
    conflict = DetailConflict.objects.get(person=known, attribute="first_name")
    resolve_conflict(conflict=conflict, by=worker, keep="record", reason="Elliot, per school.")
    known.refresh_from_db()
    assert known.first_name == "Elliot"
    assert AuditEvent.objects.filter(action="person.conflict_resolved", actor=worker).exists()


def test_r22_only_screening_staff_resolve(make_user, worker):
    _, known = linked_with_conflicts(worker)
    conflict = DetailConflict.objects.get(person=known, attribute="first_name")
    with pytest.raises(DomainError, match="You cannot"):
        resolve_conflict(
            conflict=conflict, by=make_user(Role.CONTACT_OFFICER), keep="record", reason="x"
        )


def test_r22_the_persons_page_lists_conflicts_and_resolves_them(client, worker):
    _, known = linked_with_conflicts(worker)
    client.force_login(worker)
    page = client.get(reverse("people:person", args=[known.pk])).content.decode()
    assert "Details to resolve" in page
    assert "2 March 2015" in page and "3 February 2015" in page
    conflict = DetailConflict.objects.get(person=known, attribute="date_of_birth")
    url = reverse("people:resolve_conflict", args=[known.pk])
    response = client.post(url, {"conflict": conflict.pk, "keep": "record"}, follow=True)
    assert "Say why you chose it" in response.content.decode()
    response = client.post(
        url, {"conflict": conflict.pk, "keep": "record", "reason": "GP record agrees."}
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.reason == "GP record agrees."
    page = client.get(reverse("people:person", args=[known.pk])).content.decode()
    assert "GP record agrees." in page
    assert f'id="conflict-{conflict.pk}"' not in page
