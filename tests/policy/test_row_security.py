"""Row-level security on PostgreSQL: a query that forgets the council's filter still finds
nothing of another council (frontdoor.policy.row_security)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.test import RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from frontdoor.handoffs import tasks as handoff_tasks
from frontdoor.handoffs.delivery import wake_delivery
from frontdoor.intake.models import Contact, Report, ReportedChild
from frontdoor.intake.services import record_contact
from frontdoor.policy.councils import CouncilMiddleware, serving
from frontdoor.policy.models import Council
from frontdoor.policy.row_security import NOT_WALLED, SETTING, WALLS, every_council, open_to
from tests.intake.factories import make_submission

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-level security exists only on PostgreSQL; on SQLite the selectors' filter "
    "alone keeps councils apart (tests/returns/test_councils_apart.py and others)",
)


def _walled_roots() -> set[str]:
    return {"intake_contact", "people_person"}


def test_every_table_reachable_from_a_contact_or_a_person_has_a_wall_or_a_reason():
    walled = {wall.table for wall in WALLS}
    reachable = set(_walled_roots())
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            table = model._meta.db_table
            if table in reachable:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model._meta.db_table in reachable:
                    reachable.add(table)
                    changed = True
                    break
    missing = reachable - walled - set(NOT_WALLED)
    assert not missing, f"tables of personal data with no wall: {sorted(missing)}"


def _names_a_council(field) -> bool:
    """A column holding a council's key: a relation to `Council`, or a key kept as text
    (`TransferArrival.from_council`)."""
    if field.is_relation:
        return field.related_model is Council
    return field.name.endswith("council") and field.get_internal_type() == "CharField"


def test_every_table_with_a_council_column_has_a_wall_or_a_reason():
    naming = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if any(_names_a_council(field) for field in model._meta.concrete_fields)
    }
    assert {"intake_contact", "screening_transferarrival", "outbox_message"} <= naming
    walled = {wall.table for wall in WALLS}
    missing = naming - walled - set(NOT_WALLED)
    assert not missing, f"tables naming a council with no wall and no reason: {sorted(missing)}"


def test_the_reasons_are_for_tables_with_no_wall():
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert set(NOT_WALLED) <= tables
    assert not set(NOT_WALLED) & {wall.table for wall in WALLS}


def test_each_wall_names_columns_its_table_has():
    columns = {
        model._meta.db_table: {field.column for field in model._meta.concrete_fields}
        for model in apps.get_models()
    }
    for wall in WALLS:
        assert wall.column in columns[wall.table], wall
        assert not wall.also or wall.also in columns[wall.table], wall
        assert not wall.parent or wall.parent in columns, wall


def _contact_of(council: str) -> Contact:
    with serving(council):
        return record_contact(
            submission=make_submission(), channel="online_form", received_at=timezone.now(), by=None
        ).contact


def _ids(sql: str) -> set[int]:
    """A raw query with no council filter of its own, through the app's connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def both(two_councils):
    return _contact_of("sefton"), _contact_of("lewisham")


@on_postgresql
@pytest.mark.django_db
def test_a_raw_query_without_the_filter_finds_nothing_of_another_council(both):
    ours, theirs = both
    with serving("sefton"):
        assert _ids("SELECT id FROM intake_contact") == {ours.pk}
        assert _ids("SELECT contact_id FROM intake_report") == {ours.pk}
        assert _ids("SELECT contact_id FROM intake_reportedchild") == {ours.pk}
        assert set(Contact.objects.values_list("pk", flat=True)) == {ours.pk}
    with serving("lewisham"):
        assert _ids("SELECT id FROM intake_contact") == {theirs.pk}
        assert set(ReportedChild.objects.values_list("contact_id", flat=True)) == {theirs.pk}
    with every_council():
        assert _ids("SELECT id FROM intake_contact") == {ours.pk, theirs.pk}


@on_postgresql
@pytest.mark.django_db
def test_a_connection_that_names_no_council_sees_no_row(both):
    # The driver's own cursor, as psql or a report tool would query: nothing set, nothing seen.
    with connection.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, '', false)", [SETTING])
        cursor.execute("SELECT count(*) FROM intake_contact")
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM intake_report")
        assert cursor.fetchone()[0] == 0
    connection.frontdoor_council = None  # set again before the app's next statement


@on_postgresql
@pytest.mark.django_db
def test_the_tables_owner_is_held_by_the_walls_too(both):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relforcerowsecurity, pg_get_userbyid(c.relowner) = current_user "
            "FROM pg_class c WHERE c.relname = 'intake_contact'"
        )
        assert cursor.fetchone() == (True, True)


@on_postgresql
@pytest.mark.django_db
def test_a_council_cannot_write_another_councils_rows(both):
    ours, theirs = both
    refused = pytest.raises(ProgrammingError, match="row-level security")
    with serving("sefton"), refused, transaction.atomic():
        # Giving one of ours to another council is writing a row of theirs.
        Contact.objects.filter(pk=ours.pk).update(council_id="lewisham")
    with serving("sefton"):
        # Another council's row is not there to change.
        assert Report.objects.filter(contact_id=theirs.pk).update(referrer_name="Changed") == 0


def _unfiltered_view(request):
    from django.http import HttpResponse

    return HttpResponse(",".join(str(pk) for pk in Contact.objects.values_list("pk", flat=True)))


@on_postgresql
@pytest.mark.django_db
def test_a_request_for_one_council_cannot_read_anothers_rows_through_an_unfiltered_queryset(
    both,
):
    ours, theirs = both
    middleware = CouncilMiddleware(_unfiltered_view)
    # One after the other on the same connection: nothing of the first request stays.
    for path, expected in (
        ("/lewisham/contacts/", theirs.pk),
        ("/contacts/", ours.pk),
        ("/lewisham/contacts/", theirs.pk),
    ):
        response = middleware(RequestFactory().get(path))
        assert response.content.decode() == str(expected), path


@on_postgresql
@pytest.mark.django_db
def test_a_change_of_council_in_a_transaction_and_its_rollback_leave_no_wrong_council(both):
    ours, theirs = both
    with transaction.atomic():
        assert _ids("SELECT id FROM intake_contact") == {ours.pk}
        with serving("lewisham"):
            assert _ids("SELECT id FROM intake_contact") == {theirs.pk}
        assert _ids("SELECT id FROM intake_contact") == {ours.pk}
    with pytest.raises(RuntimeError), transaction.atomic(), serving("lewisham"):
        assert _ids("SELECT id FROM intake_contact") == {theirs.pk}
        raise RuntimeError("rolled back")
    assert _ids("SELECT id FROM intake_contact") == {ours.pk}


@on_postgresql
@pytest.mark.django_db
def test_a_task_runs_as_the_council_that_queued_it(both, settings, monkeypatch):
    ours, theirs = both
    webhook = {"case-record": {"url": "https://example.invalid", "secret": ""}}
    settings.HANDOFF_WEBHOOKS = {"lewisham": webhook}
    with serving("lewisham"):
        wake_delivery()
    queued = DBTaskResult.objects.get(task_path="frontdoor.handoffs.tasks.deliver_handoffs")
    assert queued.args_kwargs["kwargs"] == {"council": "lewisham"}
    # What the task's work sees, in a worker that otherwise serves the default council.
    monkeypatch.setattr(
        handoff_tasks,
        "deliver_due",
        lambda councils: _ids("SELECT id FROM intake_contact").pop(),
    )
    assert handoff_tasks.deliver_handoffs.call(**queued.args_kwargs["kwargs"]) == theirs.pk
    assert handoff_tasks.deliver_handoffs.call(council="sefton") == ours.pk


@on_postgresql
@pytest.mark.django_db
def test_a_door_opens_the_wall_to_the_councils_it_names_and_no_further(both):
    ours, theirs = both
    with serving("sefton"):
        with open_to({"lewisham"}):
            assert _ids("SELECT id FROM intake_contact") == {ours.pk, theirs.pk}
            assert _ids("SELECT contact_id FROM intake_report") == {ours.pk, theirs.pk}
        # Closed again once the door's block ends.
        assert _ids("SELECT id FROM intake_contact") == {ours.pk}
    with serving("lewisham"), open_to({"lewisham"}):
        assert _ids("SELECT id FROM intake_contact") == {theirs.pk}


@pytest.mark.parametrize("key", ["*", "sefton,lewisham", ""])
def test_a_door_names_councils_not_every_council(key):
    with pytest.raises(ValueError, match="not a council's key"), open_to({key}):
        pass
