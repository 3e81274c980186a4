"""Children recorded twice on one contact, before further accounts were kept, become further
accounts of the first where that is safe; the others are listed for a worker (R3, R7)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.intake.models import Channel, ReportedChild
from frontdoor.intake.services import record_contact
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.transitions import start_screening
from tests.intake.factories import make_submission, submission_data
from tests.screening.factories import ADVICE

BEFORE = [("intake", "0013_reported_adult_further_account")]
AFTER = [("intake", "0014_further_accounts_of_duplicates")]


def _twice(by, *, first_name="Ellis"):
    """A contact naming one child twice, as a written referral after a call once did."""
    data = submission_data()
    ellis = data["children"][0]
    data["children"] = [ellis, {**ellis, "first_name": first_name}, data["children"][1]]
    return record_contact(
        submission=make_submission(children=data["children"]), channel=Channel.TELEPHONE, by=by
    ).contact


def _decide(contact, child, by) -> None:
    record_decision(contact=contact, child=child, by=by, now=timezone.now(), **ADVICE)


@pytest.mark.django_db(transaction=True)
def test_r7_a_child_recorded_twice_becomes_a_further_account_unless_both_are_decided(
    make_user, manager
):
    officer, worker = make_user(Role.CONTACT_OFFICER), make_user(Role.MASH_SOCIAL_WORKER)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # Recorded as before further accounts: the same child twice, both children of the contact.
    undecided = _twice(officer, first_name="ELLIS")
    decided = _twice(officer)
    start_screening(contact=decided, by=worker, now=timezone.now() - dt.timedelta(minutes=5))
    both = list(ReportedChild.objects.filter(contact=decided))
    for child in both[:2]:
        _decide(decided, child, manager)
    first, later, robin = ReportedChild.objects.filter(contact=undecided)
    assert later.account_of_id is None and undecided.children.count() == 3

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    later.refresh_from_db()
    assert later.account_of_id == first.pk
    assert list(undecided.children.all()) == [first, robin]  # ELLIS is Ellis's further account
    assert list(first.further_accounts) == [later]
    assert later.history.first().history_change_reason.startswith("Made a further account")
    # Both decided: each decision stands on its own row, so both are left, and listed.
    assert decided.children.count() == 3
    out = io.StringIO()
    call_command("duplicate_children", stdout=out)
    assert f"{decided.reference}: children {both[0].pk} and {both[1].pk} (both have decisions)" in (
        out.getvalue()
    )
    assert undecided.reference not in out.getvalue()

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # reversible: the repair is undone
    later.refresh_from_db()
    assert later.account_of_id is None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
