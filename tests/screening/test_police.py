"""R24: a suspected crime means the police are told at once, before the decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.errors import DomainError
from frontdoor.policy.registry import get_loaded_policy
from frontdoor.screening.decisions import record_decision
from frontdoor.screening.findings import save_findings
from frontdoor.screening.models import PoliceNotification
from frontdoor.screening.police import (
    police_position,
    record_police_not_told,
    record_police_told,
)
from tests.attacks.html_checks import form_problems
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db
SCREENED = RECEIVED + dt.timedelta(hours=1)
DECIDED = RECEIVED + dt.timedelta(hours=3)
COUNCILS = ["sefton", "sefton-2022", "lewisham"]
# Each council's level 3 assessment outcome, which follows child-protection concerns.
ASSESSMENT = {"sefton": "child_and_family_assessment", "lewisham": "child_in_need_assessment"}


@pytest.fixture(params=COUNCILS)
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def screen(contact, worker, concerns):
    for child in contact.children.all():
        save_findings(
            contact=contact,
            child=child,
            by=worker,
            indicators=[],
            concerns=concerns,
            analysis="Bruise with an account of being hit by Mum's partner.",
            now=SCREENED,
        )


def decide(contact, manager, council):
    child = contact.children.first()
    return record_decision(
        contact=contact,
        child=child,
        by=manager,
        level=3,
        outcome=ASSESSMENT[council.split("-")[0]],
        rationale="Bruising with an account of being hit: an assessment is needed.",
        primary_need="N1",
        now=DECIDED,
    )


def test_r24_each_policy_names_the_concerns_that_are_a_suspected_crime():
    for council in COUNCILS:
        crimes = get_loaded_policy(council).policy.screening.crime_concerns
        assert {"physical_abuse", "sexual_abuse", "neglect"} <= {crime.value for crime in crimes}


def test_r24_a_suspected_crime_holds_the_decision_until_the_police_are_told(
    council, contact, worker, manager
):
    screen(contact, worker, ["physical_abuse"])
    with pytest.raises(DomainError, match=r"suspected crime \(physical abuse\).*told at once"):
        decide(contact, manager, council)
    record_police_told(
        contact=contact,
        by=worker,
        told_at=SCREENED,
        told_whom="PC 1234 Smith, Public Protection Unit",
        police_reference="PPU/2026/1117",
        now=SCREENED + dt.timedelta(minutes=5),
    )
    decision = decide(contact, manager, council)
    assert decision.outcome_effect == "assessment"
    record = PoliceNotification.objects.get(contact=contact)
    assert record.concerns == ["physical_abuse"]
    assert record.policy_version.policy_id == council
    entry = AuditEvent.objects.get(action="police.told")
    assert entry.actor == worker
    assert entry.changes["police_reference"] == "PPU/2026/1117"


def test_r24_a_manager_may_record_why_the_police_were_not_told(council, contact, worker, manager):
    screen(contact, worker, ["neglect"])
    with pytest.raises(DomainError, match="You cannot"):
        record_police_not_told(contact=contact, by=worker, reason="Already known to them.")
    with pytest.raises(DomainError, match="Give the reason"):
        record_police_not_told(contact=contact, by=manager, reason="  ")
    record_police_not_told(
        contact=contact, by=manager, reason="The police made the referral: they know already."
    )
    assert decide(contact, manager, council).sequence == 1
    assert AuditEvent.objects.filter(action="police.not_told", actor=manager).exists()


def test_r24_a_concern_that_is_no_crime_does_not_hold_the_decision(
    council, contact, worker, manager
):
    screen(contact, worker, ["domestic_abuse"])
    assert police_position(policy=get_loaded_policy(council).policy, contact=contact).crimes == []
    assert decide(contact, manager, council).sequence == 1


def test_r24_a_crime_found_after_the_record_needs_a_new_one(council, contact, worker, manager):
    screen(contact, worker, ["neglect"])
    record_police_told(
        contact=contact,
        by=worker,
        told_at=SCREENED,
        told_whom="Police control room",
        police_reference="CR-1",
        now=SCREENED,
    )
    screen(contact, worker, ["neglect", "sexual_abuse"])
    with pytest.raises(DomainError, match=r"suspected crime \(sexual abuse\)"):
        decide(contact, manager, council)


def test_r24_the_police_are_told_with_whom_the_reference_and_a_past_time(contact, worker):
    screen(contact, worker, ["physical_abuse"])
    details = {"told_at": SCREENED, "told_whom": "PPU", "police_reference": "R1"}
    with pytest.raises(DomainError, match="whom you told"):
        record_police_told(contact=contact, by=worker, **{**details, "told_whom": " "})
    with pytest.raises(DomainError, match="reference"):
        record_police_told(contact=contact, by=worker, **{**details, "police_reference": ""})
    with pytest.raises(DomainError, match="in the past"):
        record_police_told(
            contact=contact, by=worker, now=SCREENED - dt.timedelta(hours=1), **details
        )
    assert not PoliceNotification.objects.exists()


def page_url(name, contact, *args):
    return reverse(f"screening:{name}", args=[contact.reference, *args])


def test_r24_the_decision_page_says_what_is_missing_and_the_police_page_records_it(
    client, contact, worker, manager
):
    screen(contact, worker, ["sexual_abuse"])
    child = contact.children.first()
    client.force_login(manager)
    page = client.get(page_url("decide", contact, child.pk)).content.decode()
    assert "suspected crime (sexual abuse)" in page
    assert page_url("police", contact) in page
    page = client.get(page_url("police", contact)).content.decode()
    assert "Why the police were not told" in page
    assert RecordView.objects.filter(viewer=manager, through="police page").exists()
    response = client.post(
        page_url("police", contact),
        {
            "action": "told",
            "told-told_on-day": "17",
            "told-told_on-month": "11",
            "told-told_on-year": "2026",
            "told-told_time": "10:30",
            "told-told_whom": "DC Jones, Public Protection Unit",
            "told-police_reference": "PPU-77",
        },
    )
    assert response.status_code == 302
    record = PoliceNotification.objects.get(contact=contact)
    assert (record.told, record.police_reference, record.recorded_by) == (True, "PPU-77", manager)
    page = client.get(page_url("contact", contact)).content.decode()
    assert "PPU-77" in page
    assert (
        "suspected crime (sexual abuse)"
        not in client.get(page_url("decide", contact, child.pk)).content.decode()
    )


def test_r24_the_police_page_gives_govuk_errors_and_hides_not_told_from_a_worker(
    client, contact, worker
):
    screen(contact, worker, ["physical_abuse"])
    client.force_login(worker)
    page = client.get(page_url("police", contact)).content.decode()
    assert "Why the police were not told" not in page
    page = client.post(page_url("police", contact), {"action": "told"}).content.decode()
    assert "There is a problem" in page
    assert "Enter the date the police were told" in page
    assert "Enter the police&#x27;s reference" in page
    client.post(page_url("police", contact), {"action": "not_told", "not-reason_not_told": "x"})
    assert not PoliceNotification.objects.exists()


def test_r24_a_time_in_the_future_is_linked_to_the_date_in_the_error_summary(
    client, contact, worker
):
    screen(contact, worker, ["physical_abuse"])
    client.force_login(worker)
    later = dt.date.today() + dt.timedelta(days=3)
    page = client.post(
        page_url("police", contact),
        {
            "action": "told",
            "told-told_on-day": str(later.day),
            "told-told_on-month": str(later.month),
            "told-told_on-year": str(later.year),
            "told-told_time": "10:30",
            "told-told_whom": "DC Jones",
            "told-police_reference": "PPU-77",
        },
    ).content.decode()
    assert "must be in the past" in page
    assert form_problems(page) == []


def test_r24_the_police_cannot_be_told_before_the_contact_arrived(contact, worker):
    screen(contact, worker, ["physical_abuse"])
    with pytest.raises(DomainError, match="after the contact arrived") as refused:
        record_police_told(
            contact=contact,
            by=worker,
            told_at=RECEIVED - dt.timedelta(minutes=1),
            told_whom="PPU",
            police_reference="R1",
            now=SCREENED,
        )
    assert refused.value.field == "told_on"
    assert not PoliceNotification.objects.exists()
    record_police_told(
        contact=contact,
        by=worker,
        told_at=RECEIVED,
        told_whom="PPU",
        police_reference="R1",
        now=SCREENED,
    )
    assert PoliceNotification.objects.filter(contact=contact, told=True).exists()


def test_r24_a_time_before_the_contact_arrived_is_linked_to_the_date_on_the_page(
    client, contact, worker
):
    screen(contact, worker, ["physical_abuse"])
    client.force_login(worker)
    page = client.post(
        page_url("police", contact),
        {
            "action": "told",
            "told-told_on-day": "17",
            "told-told_on-month": "11",
            "told-told_on-year": "2026",
            "told-told_time": "09:59",
            "told-told_whom": "DC Jones",
            "told-police_reference": "PPU-77",
        },
    ).content.decode()
    assert "There is a problem" in page
    assert "must be after the contact arrived, at 10:00 on 17 November 2026" in page
    assert form_problems(page) == []
    assert not PoliceNotification.objects.exists()
