"""What recording a contact costs: the statements it takes, and that the shortcuts taken to keep
it fast lose nothing (history, audit, one contact per submission)."""

from __future__ import annotations

import pytest
from django.db import connection

from frontdoor.accounts.roles import Role
from frontdoor.accounts.tokens import issue_token
from frontdoor.audit.models import AuditEvent
from frontdoor.intake import services
from frontdoor.intake.models import Channel, Contact, Report, ReportedAdult, ReportedChild
from tests.intake.factories import submission_data


@pytest.fixture
def post_contact(client, make_user):
    """POST a contact to the API as a partner agency's system, under an idempotency key."""
    _, token = issue_token(user=make_user(Role.PARTNER_AGENCY), name="Test system", by=None)

    def post(key: str):
        return client.post(
            "/api/v1/contacts",
            submission_data(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_IDEMPOTENCY_KEY=key,
        )

    return post


# Committed for real (a transactional test), as in production: the policy version read by the
# first contact is then kept by the process, and the second shows the steady cost.
@pytest.mark.django_db(transaction=True)
def test_recording_a_contact_through_the_api_takes_a_fixed_number_of_statements(
    post_contact, django_assert_num_queries
):
    assert post_contact("first").status_code == 201
    # The token, then the contact, its report, children and adults, each with its history row,
    # and the audit entry, in one transaction: on PostgreSQL one statement (a transaction of its
    # own); elsewhere BEGIN, a statement per model and one per model's history, and COMMIT.
    statements = 1 + (1 if connection.vendor == "postgresql" else 1 + 9 + 1)
    with django_assert_num_queries(statements):
        assert post_contact("second").status_code == 201
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_every_row_of_a_new_contact_has_its_creation_in_the_history(post_contact, make_user):
    assert post_contact("history").status_code == 201
    report = Report.objects.select_related("contact", "recorded_by").get()
    rows = [report.contact, report, *ReportedChild.objects.all(), *ReportedAdult.objects.all()]
    assert len(rows) == 5
    for row in rows:
        created = row.history.get()
        assert created.history_type == "+"
        assert created.history_user == report.recorded_by
    audit = AuditEvent.objects.get(action="contact.recorded")
    assert audit.target_id == str(report.contact.pk)
    assert audit.policy_version_id == report.contact.policy_version_id


@pytest.mark.django_db
def test_a_retried_request_writes_nothing_more(post_contact):
    first = post_contact("retry")
    again = post_contact("retry")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["reference"] == first.json()["reference"]
    assert Contact.objects.count() == Report.objects.count() == 1
    assert Contact.history.count() == Report.history.count() == 1
    assert AuditEvent.objects.filter(action="contact.recorded").count() == 1


@pytest.mark.django_db
def test_a_reference_already_taken_is_drawn_again(make_user, monkeypatch):
    officer = make_user(Role.CONTACT_OFFICER)
    submission = services.Submission.model_validate(submission_data())
    taken = services.record_contact(submission=submission, channel=Channel.API, by=officer)
    # Randomness is the outside edge here: the first draw repeats the taken reference.
    draws = iter([taken.contact.reference, "FD-BBBB-CCCC"])
    monkeypatch.setattr(services, "new_reference", lambda: next(draws))
    recorded = services.record_contact(submission=submission, channel=Channel.API, by=officer)
    assert recorded.contact.reference == "FD-BBBB-CCCC"
    assert Contact.objects.count() == 2
    assert Contact.history.count() == 2


@pytest.mark.django_db(transaction=True)
def test_postgresql_plans_a_contacts_statement_once_per_connection(post_contact):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    for n in range(4):
        assert post_contact(f"prepared-{n}").status_code == 201
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql ORDER BY statement"
        )
        prepared = [row[0].split(" ", 3)[:3] for row in cursor.fetchall()]
    # The token's lookup and the contact's statement, each prepared once on this connection.
    assert prepared == [["SELECT", 't."id",', 't."last_used_at",'], ["WITH", "t0", "AS"]]
