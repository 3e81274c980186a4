"""Every migration, run in order on an empty database of its own, carries the rows already there
across and ends with the tables the models describe.

The suite's own database is made straight from the models (settings: TEST MIGRATE False), which
takes seconds where running every migration took minutes; this module is where the migrations
run, once, on the suite's kind of database. A test of a data migration goes here, not on the
suite's database (which has no migration history): it migrates forwards to just before the
migration, adds the rows the migration must carry, migrates past it and checks them, then
removes what it added. The tests run in the module's order, each going forwards from where the
last stopped; then one runs every migration left and compares the result with the models. A
data migration's test that records its rows through today's domain functions comes after that
one: it undoes the data migration (which changes no table), records, and migrates again.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
from django.apps.registry import Apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, ReportedChild
from frontdoor.intake.services import record_contact
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.transitions import start_screening
from tests.intake.factories import make_submission, submission_data
from tests.screening.factories import ADVICE

# The suite's database is made, for the comparison at the end, and left as it is: the tests
# work on a database of their own, in the suite's place while they run.
pytestmark = pytest.mark.django_db


class Migrations:
    """The module's database, migrated forwards on request, and the suite's own."""

    def __init__(self, connection: BaseDatabaseWrapper, suite: BaseDatabaseWrapper):
        self.connection = connection
        self.suite = suite

    def to(self, *targets: tuple[str, str]) -> Apps:
        """Migrate to `targets`; the models as they stood there."""
        executor = MigrationExecutor(self.connection)
        executor.migrate(list(targets))
        return executor.loader.project_state(list(targets)).apps

    def undo(self, target: tuple[str, str]) -> None:
        """Reverse the data migration `target` alone (it changes no table), leaving the later
        migrations' tables as they are, so today's models can record rows. It runs with the
        models as they are now, every migration applied, as the tables are."""
        executor = MigrationExecutor(self.connection)
        executor.unapply_migration(
            executor.loader.project_state(), executor.loader.get_migration(*target)
        )

    def redo(self, target: tuple[str, str]) -> None:
        """Run the data migration `target` again, after `undo`, with the models as they are now."""
        executor = MigrationExecutor(self.connection)
        executor.apply_migration(
            executor.loader.project_state(), executor.loader.get_migration(*target)
        )


@pytest.fixture(scope="module")
def migration_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """An empty database beside the suite's, of the same kind, dropped at the module's end."""
    suite = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(suite.settings_dict)
    if suite.vendor == "sqlite":
        name = str(tmp_path_factory.mktemp("migrations") / "migrations.sqlite3")
    else:
        name = f"{suite.settings_dict['NAME']}_migrations"
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": name, "MIGRATE": True}
    database = suite.__class__(settings_dict, alias=DEFAULT_DB_ALIAS)
    with django_db_blocker.unblock():
        settings_dict["NAME"] = database.creation._create_test_db(
            verbosity=0, autoclobber=True, keepdb=False
        )
        yield database
        database.close()
        database.creation._destroy_test_db(settings_dict["NAME"], verbosity=0)


@pytest.fixture
def migrations(migration_database, django_db_blocker) -> Iterator[Migrations]:
    """The module's database in the suite's place while a test runs: a data migration's own
    queries go to the default database, as they do when `migrate` is run."""
    suite = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = migration_database
    try:
        with django_db_blocker.unblock():
            yield Migrations(migration_database, suite)
    finally:
        connections[DEFAULT_DB_ALIAS] = suite


def _user(apps: Apps, username: str):
    return apps.get_model("accounts", "User").objects.create(username=username, role="mash_manager")


def test_tokens_issued_before_expiry_work_for_90_days_from_the_upgrade(migrations):
    old_apps = migrations.to(("accounts", "0002_api_tokens"))
    user = _user(old_apps, "old-system-owner")
    old = old_apps.get_model("accounts", "ApiToken")
    issued = timezone.now() - dt.timedelta(days=400)  # long enough ago to have expired
    token = old.objects.create(user_id=user.pk, name="Old system", token_hash="a" * 64, prefix="x")
    old.objects.filter(pk=token.pk).update(created_at=issued)

    upgraded_at = timezone.now()
    new_apps = migrations.to(("accounts", "0004_api_token_expiry_required"))
    new = new_apps.get_model("accounts", "ApiToken")
    expires_at = new.objects.get(pk=token.pk).expires_at
    assert upgraded_at + dt.timedelta(days=90) <= expires_at
    assert expires_at <= timezone.now() + dt.timedelta(days=90)

    new.objects.all().delete()
    new_apps.get_model("accounts", "User").objects.all().delete()


def test_r45_a_restriction_keeps_its_names_and_history_across_the_move(migrations):
    old_apps = migrations.to(
        ("privacy", "0002_retention_review"), ("people", "0008_merge_20261206_1950")
    )
    named, other = _user(old_apps, "named"), _user(old_apps, "other")
    person = old_apps.get_model("people", "Person").objects.create(first_name="Ellis")
    old = old_apps.get_model("privacy", "Restriction").objects.create(
        person_id=person.pk,
        ask="Head of Service",
        reason="Staff family",
        set_by_id=named.pk,
        set_at=timezone.now(),
    )
    old.allowed_users.add(named.pk)
    old_apps.get_model("privacy", "HistoricalRestriction").objects.create(
        id=old.pk,
        person_id=person.pk,
        ask=old.ask,
        reason=old.reason,
        set_by_id=named.pk,
        set_at=old.set_at,
        history_date=old.set_at,
        history_type="+",
    )

    new_apps = migrations.to(("people", "0009_restriction_moved_from_privacy"))
    moved = new_apps.get_model("people", "Restriction").objects.get(pk=old.pk)
    assert (moved.person_id, moved.ask, moved.lifted_at) == (person.pk, "Head of Service", None)
    assert list(moved.allowed_users.values_list("pk", flat=True)) == [named.pk]
    assert other.pk not in moved.allowed_users.values_list("pk", flat=True)
    history = new_apps.get_model("people", "HistoricalRestriction").objects.get(id=old.pk)
    assert history.ask == "Head of Service"

    for model in ("HistoricalRestriction", "Restriction", "Person"):
        new_apps.get_model("people", model).objects.all().delete()
    new_apps.get_model("accounts", "User").objects.all().delete()


def _rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


# Django's own difference: auth's migration made the id of the table of a group's permissions
# a big integer (the project's default), where auth's model has an integer.
DJANGOS_OWN = {("auth_group_permissions", "id")}


def _schema(connection: BaseDatabaseWrapper) -> dict[str, object]:
    """Each table's columns (name, type, nullable) and its keys, indexes and unique
    constraints by the columns they cover (names differ with the way a table was made)."""
    introspection = connection.introspection
    schema: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in sorted(set(introspection.table_names(cursor)) - {"django_migrations"}):
            columns = sorted(
                (
                    column.name,
                    "" if (table, column.name) in DJANGOS_OWN else str(column.type_code),
                    bool(column.null_ok),
                )
                for column in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (
                    tuple(info["columns"] or ()),
                    bool(info["primary_key"]),
                    bool(info["unique"]),
                    bool(info["index"]),
                    tuple(info["foreign_key"] or ()),
                )
                for info in introspection.get_constraints(cursor, table).values()
                if not info["check"]
            )
            schema[table] = (columns, constraints)
    return schema


# Rows a migration seeds from the data already there, which the code makes itself when it first
# needs them: the hand-offs' counter starts from the last hand-off's id (handoffs 0002).
MADE_WHEN_FIRST_USED = {"handoffs_handoffsequence"}


def test_the_migrations_make_the_tables_the_models_describe(migrations):
    call_command("migrate", verbosity=0, interactive=False)
    cache = settings.CACHES["default"]  # where the rate limits' buckets are kept
    if cache["BACKEND"].endswith("DatabaseCache"):
        assert cache["LOCATION"] in migrations.connection.introspection.table_names()
    # Each change to a model has its migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0, stdout=StringIO())
    assert _schema(migrations.suite) == _schema(migrations.connection)
    # What the migrations put in the tables (a data migration's rows, and the content types
    # and permissions `migrate` adds after) is in the suite's database too.
    seeded = {
        table: count
        for table, count in _rows(migrations.connection).items()
        if count and table not in MADE_WHEN_FIRST_USED
    }
    from_models = _rows(migrations.suite)
    assert {table: from_models.get(table, 0) for table in seeded} == seeded


# After the comparison: tests that record through today's models. -------------------------

CHILDREN_REPAIR = ("intake", "0014_further_accounts_of_duplicates")
ADULTS_REPAIR = ("intake", "0016_further_accounts_of_duplicate_adults")


def _recorded_twice(by, *, first_name="Ellis"):
    """A contact naming one child twice, as a written referral after a call once did."""
    data = submission_data()
    ellis = data["children"][0]
    data["children"] = [ellis, {**ellis, "first_name": first_name}, data["children"][1]]
    return record_contact(
        submission=make_submission(children=data["children"]), channel=Channel.TELEPHONE, by=by
    ).contact


def _advice(contact, child, by) -> None:
    record_decision(contact=contact, child=child, by=by, now=timezone.now(), **ADVICE)


def test_r7_a_child_recorded_twice_becomes_a_further_account_unless_both_are_decided(
    migrations, make_user
):
    """After every migration has run: the data migration alone is undone to record children as
    before, with today's models (it changes no table), then run again."""
    officer, worker = make_user(Role.CONTACT_OFFICER), make_user(Role.MASH_SOCIAL_WORKER)
    manager = make_user(Role.MASH_MANAGER)
    migrations.undo(CHILDREN_REPAIR)
    # Recorded as before further accounts: the same child twice, both children of the contact.
    undecided = _recorded_twice(officer, first_name="ELLIS")
    decided = _recorded_twice(officer)
    start_screening(contact=decided, by=worker, now=timezone.now() - dt.timedelta(minutes=5))
    both = list(ReportedChild.objects.filter(contact=decided))
    for child in both[:2]:
        _advice(decided, child, manager)
    first, later, robin = ReportedChild.objects.filter(contact=undecided)
    assert later.account_of_id is None and undecided.children.count() == 3

    migrations.redo(CHILDREN_REPAIR)
    later.refresh_from_db()
    assert later.account_of_id == first.pk
    assert list(undecided.children.all()) == [first, robin]  # ELLIS is Ellis's further account
    assert list(first.further_accounts) == [later]
    assert later.history.first().history_change_reason.startswith("Made a further account")
    # Both decided: each decision stands on its own row, so both are left, and listed.
    assert decided.children.count() == 3
    out = StringIO()
    call_command("duplicate_children", stdout=out)
    assert f"{decided.reference}: children {both[0].pk} and {both[1].pk} (both have decisions)" in (
        out.getvalue()
    )
    assert undecided.reference not in out.getvalue()

    migrations.undo(CHILDREN_REPAIR)  # reversible: the repair is undone
    later.refresh_from_db()
    assert later.account_of_id is None
    migrations.redo(CHILDREN_REPAIR)


def _adult_named_twice(by, *, first_name="Jo"):
    """A contact naming one adult twice, as a written referral after a call once did."""
    data = submission_data()
    jo = data["adults"][0]
    data["adults"] = [jo, {**jo, "first_name": first_name}]
    return record_contact(
        submission=make_submission(children=data["children"], adults=data["adults"]),
        channel=Channel.TELEPHONE,
        by=by,
    ).contact


def test_r7_an_adult_recorded_twice_becomes_a_further_account_unless_in_use(migrations, make_user):
    """As for children: the adults' data migration alone is undone, adults are recorded as
    before with today's models, and it is run again."""
    from frontdoor.intake.models import ReportedAdult
    from frontdoor.screening.consent import record_consent

    officer, worker = make_user(Role.CONTACT_OFFICER), make_user(Role.MASH_SOCIAL_WORKER)
    migrations.undo(ADULTS_REPAIR)
    unused = _adult_named_twice(officer, first_name="JO")
    consented = _adult_named_twice(officer)
    start_screening(contact=consented, by=worker, now=timezone.now() - dt.timedelta(minutes=5))
    mum, mum_again = ReportedAdult.objects.filter(contact=consented)
    record_consent(
        contact=consented,
        by=worker,
        status="given",
        adult=mum_again,
        about=list(consented.children.all()),
    )
    first, later = ReportedAdult.objects.filter(contact=unused)
    assert later.account_of_id is None and unused.adults.count() == 2

    migrations.redo(ADULTS_REPAIR)
    later.refresh_from_db()
    assert later.account_of_id == first.pk
    assert list(unused.adults.all()) == [first]  # JO is Jo's further account
    assert list(first.further_accounts) == [later]
    assert later.history.first().history_change_reason.startswith("Made a further account")
    # The consent record is about the later row: left, and listed.
    assert consented.adults.count() == 2
    out = StringIO()
    call_command("duplicate_children", stdout=out)
    assert (
        f"{consented.reference}: adults {mum.pk} and {mum_again.pk} (a consent record or a "
        "MASH agency's answer is about the later one)"
    ) in out.getvalue()
    assert unused.reference not in out.getvalue()

    migrations.undo(ADULTS_REPAIR)  # reversible: the repair is undone
    later.refresh_from_db()
    assert later.account_of_id is None
    migrations.redo(ADULTS_REPAIR)
