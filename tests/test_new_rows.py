"""`NewRows`: new rows written together with their change history, the same on every database.

On PostgreSQL it writes them in one statement; elsewhere with the ORM, model by model. These
tests run on both (CI runs the suite on SQLite and on PostgreSQL); on PostgreSQL each runs both
ways (the ORM's way is what is left if the one statement is removed), and the two are compared
row by row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from frontdoor import new_rows
from frontdoor.accounts.roles import Role
from frontdoor.audit import services as audit
from frontdoor.audit.models import AuditEvent
from frontdoor.intake import services
from frontdoor.intake.models import Channel, Contact, Report, ReportedAdult, ReportedChild
from frontdoor.new_rows import NewRows
from frontdoor.policy.versions import current_policy_version
from tests.intake.factories import make_submission, submission_data, unborn_child

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(params=["one statement", "model by model"])
def way(request, monkeypatch) -> str:
    """Each way `NewRows` writes on this database: on PostgreSQL both, elsewhere the ORM's."""
    if request.param == "one statement" and connection.vendor != "postgresql":
        pytest.skip("one statement is PostgreSQL's: elsewhere the ORM writes model by model")
    if request.param == "model by model":
        monkeypatch.setattr(new_rows, "_one_statement_can_write", lambda model: False)
    return request.param


def a_contact(reference: str = "FD-TEST-0001") -> Contact:
    return Contact(reference=reference, received_at=AT, policy_version=current_policy_version())


@pytest.mark.usefixtures("way")
def test_rows_refer_to_rows_added_before_them_and_each_has_its_history(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    contact = a_contact()
    report = Report(contact=contact, channel=Channel.TELEPHONE, received_at=AT, summary="Worry")
    children = [
        ReportedChild(contact=contact, report=report, first_name=name)
        for name in ("Ada", "Ben", "Cal")
    ]
    event = audit.entry(actor=officer, action="contact.recorded", target=contact)
    rows = NewRows(user=officer, at=AT)
    rows.add([contact])
    rows.add([report])
    rows.add(children)
    rows.add([])  # nothing to write: fine
    rows.add([event], target_id=contact)
    rows.write()

    assert contact.pk and report.pk and event.pk
    assert report.contact_id == contact.pk
    # Keys follow the order the rows were added: a sibling group is listed as it was given.
    assert [c.first_name for c in ReportedChild.objects.order_by("pk")] == ["Ada", "Ben", "Cal"]
    assert [c.pk for c in children] == list(
        ReportedChild.objects.order_by("pk").values_list("pk", flat=True)
    )
    for child in ReportedChild.objects.all():
        assert (child.contact_id, child.report_id) == (contact.pk, report.pk)
    for row in [contact, report, *children]:
        created = type(row).history.get(id=row.pk)  # one history row each
        assert (created.history_type, created.history_user, created.history_date) == (
            "+",
            officer,
            AT,
        )
        # The history row is the row as written, field for field.
        assert model_to_dict(created.instance) == model_to_dict(type(row).objects.get(pk=row.pk))
    stored = AuditEvent.objects.get()
    assert (stored.target_type, stored.target_id, stored.target_repr) == (
        "intake.contact",
        str(contact.pk),
        contact.reference,
    )
    assert (stored.actor, stored.action) == (officer, "contact.recorded")


@pytest.mark.usefixtures("way")
def test_a_clash_with_a_row_already_stored_writes_none_of_the_rows():
    rows = NewRows(user=None, at=AT)
    rows.add([a_contact("FD-SAME-0001")])
    rows.write()
    contact = a_contact("FD-SAME-0001")  # the reference is unique
    again = NewRows(user=None, at=AT)
    again.add([a_contact("FD-OTHR-0001")])
    again.add([contact])
    with pytest.raises(IntegrityError), transaction.atomic():
        again.write()
    assert list(Contact.objects.values_list("reference", flat=True)) == ["FD-SAME-0001"]
    assert Contact.history.count() == 1


@pytest.mark.usefixtures("way")
def test_a_row_referring_to_a_new_row_not_added_is_refused_before_anything_is_written():
    contact = a_contact()
    rows = NewRows(user=None, at=AT)
    rows.add([a_contact("FD-FINE-0001")])
    rows.add([Report(contact=contact, channel=Channel.LETTER, received_at=AT)])
    with pytest.raises(ValueError, match="add the new row it refers to first"):
        rows.write()
    assert not Report.objects.exists()
    assert not Contact.objects.exists()


@pytest.mark.usefixtures("way")
def test_a_row_referring_to_one_of_several_new_rows_is_refused():
    first, second = a_contact("FD-AAAA-0001"), a_contact("FD-BBBB-0001")
    rows = NewRows(user=None, at=AT)
    rows.add([first, second])
    rows.add([Report(contact=second, channel=Channel.LETTER, received_at=AT)])
    with pytest.raises(ValueError, match="refers to one of several new rows"):
        rows.write()


def test_the_one_statement_writes_what_the_orm_writes(make_user, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's one statement: elsewhere the ORM is the only way")
    officer = make_user(Role.CONTACT_OFFICER)
    submission = make_submission(children=[*submission_data()["children"], unborn_child()])

    received_at = timezone.now() - dt.timedelta(hours=3)

    def record(key: str) -> Contact:
        return services.record_contact(
            submission=submission,
            channel=Channel.EDT,
            received_at=received_at,
            by=officer,
            submission_key=key,
        ).contact

    one_statement = record("one-statement")
    monkeypatch.setattr(new_rows, "_one_statement_can_write", lambda model: False)
    with_the_orm = record("orm")

    def written(contact: Contact) -> list[dict]:
        keys = {"id", "contact", "report", "reference", "created_at", "recorded_at"}
        keys |= {"submission_key", "status_secret_hash", "history_id", "history_date"}
        rows = [contact, *Report.objects.filter(contact=contact)]
        rows += [*ReportedChild.objects.filter(contact=contact)]
        rows += [*ReportedAdult.objects.filter(contact=contact)]
        rows += [row.history.get() for row in list(rows)]
        rows += [AuditEvent.objects.get(action="contact.recorded", target_id=str(contact.pk))]
        return [
            {
                k: v
                for k, v in model_to_dict(row).items()
                if k not in keys | {"target_id", "target_repr", "at"}
            }
            for row in rows
        ]

    # The contact, its report, three children and an adult, each one's history, the audit entry.
    assert len(written(one_statement)) == 6 + 6 + 1
    assert written(one_statement) == written(with_the_orm)
    assert timezone.now() - AuditEvent.objects.latest("pk").at < dt.timedelta(minutes=1)
