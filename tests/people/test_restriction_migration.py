"""A restriction set before restrictions moved from privacy to people is still in force after
the move, with the staff it names and its history (R45)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("privacy", "0002_retention_review"), ("people", "0008_merge_20261206_1950")]
AFTER = [("people", "0009_restriction_moved_from_privacy")]


@pytest.mark.django_db(transaction=True)
def test_r45_a_restriction_keeps_its_names_and_history_across_the_move(make_user):
    named, other = make_user(), make_user()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    moved = new_apps.get_model("people", "Restriction").objects.get(pk=old.pk)
    assert (moved.person_id, moved.ask, moved.lifted_at) == (person.pk, "Head of Service", None)
    assert list(moved.allowed_users.values_list("pk", flat=True)) == [named.pk]
    assert other.pk not in moved.allowed_users.values_list("pk", flat=True)
    history = new_apps.get_model("people", "HistoricalRestriction").objects.get(id=old.pk)
    assert history.ask == "Head of Service"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
