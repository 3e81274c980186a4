"""The demo loads for every council's policy file, with that council's outcomes and agencies."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from frontdoor.accounts.models import User
from frontdoor.demo.areas import area_of
from frontdoor.demo.loader import demo_mash_staff, load_demo
from frontdoor.demo.mash import demo_requests_for, load_demo_mash
from frontdoor.intake.models import Contact, Report, ReportedAdult, ReportedChild
from frontdoor.mash.models import Enquiry, Meeting
from frontdoor.people.models import Person
from frontdoor.people.postcodes import Where, check_postcode
from frontdoor.policy.registry import current_policy, load_policies
from frontdoor.screening.models import Decision, Transfer

pytestmark = pytest.mark.django_db

POLICIES = sorted(path.stem for path in Path(django_settings.FRONTDOOR_POLICY_DIR).glob("*.yaml"))


@pytest.fixture(scope="module", params=POLICIES)
def council(request, django_db_setup, django_db_blocker):
    """Each council's demo, loaded once for the module's tests, which only read it: four weeks
    of history and the MASH stories. Rolled back after them."""
    with (
        django_db_blocker.unblock(),
        override_settings(FRONTDOOR_COUNCIL=request.param),
        transaction.atomic(),
    ):
        load_policies()
        load_demo(weeks=0, history_weeks=4)
        load_demo_mash(staff=demo_mash_staff())
        yield request.param
        transaction.set_rollback(True)
    load_policies()


def test_every_policy_file_is_tried():
    assert {"sefton", "sefton-2022", "lewisham"} <= set(POLICIES)


def test_the_demo_loads_for_each_council_with_its_own_outcomes(council):
    policy = current_policy()
    decisions = Decision.objects.all()
    assert decisions.exists()
    # Each decision is one of the council's outcomes, at a level the council allows for it.
    for key, level in decisions.values_list("outcome", "level").distinct():
        assert level in policy.outcome(key).levels
    effects = set(decisions.values_list("outcome_effect", flat=True))
    assert {"no_further_action", "early_help"} <= effects


def test_the_mash_stories_load_for_each_council(council):
    assert Enquiry.objects.count() == 6  # the history sends none
    restricted = Contact.objects.get(reports__submission_key="mash-demo-restricted").reference
    client = Client()
    client.force_login(User.objects.get(username="manager"))
    text = client.get(reverse("mash:enquiries")).content.decode()
    if council == "lewisham":  # no MASH timescales: agencies wait with no clock (R36)
        assert "no timescale set" in text
        assert "Overdue" not in text
    else:
        assert "Overdue" in text
    for enquiry in Enquiry.objects.exclude(contact__reference=restricted):
        assert client.get(reverse("mash:review", args=[enquiry.pk])).status_code == 200
    for meeting in Meeting.objects.all():
        assert client.get(reverse("mash:meeting", args=[meeting.pk])).status_code == 200
    for url in (reverse("mash:briefing"), reverse("escalations:list")):
        assert client.get(url).status_code == 200
    for username in ("police", "health", "school"):
        partner = User.objects.get(username=username)
        requests = demo_requests_for(partner)
        assert requests
        client.force_login(partner)
        for request in requests:
            if request.enquiry.contact.reference != restricted:
                assert client.get(reverse("mash:answer", args=[request.pk])).status_code == 200


def test_r17_each_councils_demo_families_live_at_its_own_postcodes(council):
    code = current_policy().council.ons_code
    postcodes = [
        postcode
        for model in (ReportedChild, ReportedAdult, Person)
        for postcode in model.objects.exclude(postcode="").values_list("postcode", flat=True)
    ]
    assert len(postcodes) > 50
    checks = [check_postcode(postcode=postcode, council_code=code) for postcode in postcodes]
    # Every postcode is in the ONS directory: most in the council's area, a few over the border.
    assert {check.where for check in checks} <= {Where.IN_AREA, Where.ELSEWHERE}
    inside = [check for check in checks if check.where == Where.IN_AREA]
    assert len(inside) / len(checks) > 0.9
    # A family over the border is passed to the council their postcode is in.
    transfers = Transfer.objects.select_related("contact")
    assert transfers.exists()
    for transfer in transfers:
        for child in transfer.contact.children.all():
            where = check_postcode(postcode=child.postcode, council_code=code)
            assert where.authority.code == transfer.to_council_code


def test_each_councils_demo_referrers_ring_from_its_own_dialling_code(council):
    prefix = area_of(current_policy().council.ons_code).phone_prefix
    code = {"sefton": "0151 ", "sefton-2022": "0151 ", "lewisham": "020 "}[council]
    assert prefix.startswith(code)
    phones = set(
        Report.objects.filter(referrer_type="professional")
        .exclude(referrer_phone="")
        .values_list("referrer_phone", flat=True)
    )
    assert phones
    # The MASH stories' referrers as well as the weeks' contacts: none from another area.
    assert all(phone.startswith(prefix) for phone in phones), phones
