"""The demo's known people: open cases, recent closures and missing episodes to screen against."""

from __future__ import annotations

import pytest

from frontdoor.accounts.roles import Role
from frontdoor.demo.contacts import Staff, load_demo_contacts
from frontdoor.demo.people import load_demo_people
from frontdoor.intake.models import ReportedChild
from frontdoor.people.matching import candidates
from frontdoor.people.models import Involvement, Person
from frontdoor.policy.registry import current_policy

pytestmark = pytest.mark.django_db


def test_r18_demo_people_give_matches_open_cases_and_are_made_once(make_user):
    staff = Staff(
        officer=make_user(Role.CONTACT_OFFICER),
        worker=make_user(Role.MASH_SOCIAL_WORKER),
        partner=make_user(Role.PARTNER_AGENCY),
    )
    load_demo_contacts(staff=staff, weeks=1)
    made = load_demo_people(by=staff.worker)
    assert made > 300
    assert load_demo_people(by=staff.worker) == 0
    assert Person.objects.count() == made
    kinds = set(Involvement.objects.values_list("kind", flat=True))
    assert {"social_care", "early_help", "missing_episode"} <= kinds
    # Each comes from one of the council's case records, which the person's page names.
    records = {system.key for system in current_policy().handoffs.record_systems}
    assert set(Involvement.objects.values_list("source_system", flat=True)) <= records
    assert (
        Involvement.objects.filter(kind="social_care", ended_on__isnull=True)
        .exclude(allocated_worker="")
        .exists()
    )
    assert ReportedChild.objects.filter(person__isnull=False).exists()
    unlinked = ReportedChild.objects.filter(person__isnull=True, unborn=False).exclude(last_name="")
    found = [
        child
        for child in unlinked[:40]
        if candidates(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            postcode=child.postcode,
        )
    ]
    assert found  # the matching page has something to show
