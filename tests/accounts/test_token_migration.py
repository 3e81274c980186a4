"""Tokens issued before tokens expired are given an expiry that does not cut off a partner
system on the day of the upgrade."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0002_api_tokens")]
AFTER = [("accounts", "0004_api_token_expiry_required")]


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_expiry_work_for_90_days_from_the_upgrade(make_user):
    user = make_user()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("accounts", "ApiToken")
    issued = timezone.now() - dt.timedelta(days=400)  # long enough ago to have expired
    token = old.objects.create(user_id=user.pk, name="Old system", token_hash="a" * 64, prefix="x")
    old.objects.filter(pk=token.pk).update(created_at=issued)
    executor = MigrationExecutor(connection)
    upgraded_at = timezone.now()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("accounts", "ApiToken")
    expires_at = new.objects.get(pk=token.pk).expires_at
    assert upgraded_at + dt.timedelta(days=90) <= expires_at
    assert expires_at <= timezone.now() + dt.timedelta(days=90)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
