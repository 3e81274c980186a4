"""The disclosure log, the subject access export and the retention report (R11-R17, R45)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.mash import enquiries
from frontdoor.policy.registry import current_policy
from frontdoor.privacy.selectors import CONSENT_GIVEN, WITHOUT_CONSENT, disclosures
from frontdoor.privacy.subject_access import REFERRER, THIRD_PARTY, subject_access_export
from frontdoor.screening.consent import authorise_sharing_without_consent
from frontdoor.screening.decisions import record_decision
from tests.screening.conftest import RECEIVED
from tests.screening.factories import TRANSFER, decide_every_child
from tests.screening.test_consent import more_information_needed

pytestmark = pytest.mark.django_db
SENT = RECEIVED + dt.timedelta(hours=1)
DECIDED = RECEIVED + dt.timedelta(hours=3)
PUBLIC_REFERRER = {
    "type": "public",
    "name": "Nosy Neighbour",
    "phone": "07700 900123",
    "email": "neighbour@home.example",
    "address": "3 Next Door Road",
    "relationship_to_child": "Neighbour",
}


def _enquiry(contact, manager):
    return enquiries.send_enquiry(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        rag="amber",
        agencies=["police", "health"],
        reason="Domestic abuse reported in the household.",
        now=SENT,
    )


def _transfer(contact, manager, child=None, **overrides):
    return record_decision(
        contact=contact,
        child=child or contact.children.first(),
        by=manager,
        now=DECIDED,
        **{**TRANSFER, **overrides},
    )


def test_an_enquiry_is_one_disclosure_per_agency_with_consent(contact, manager):
    _enquiry(contact, manager)
    rows = disclosures(user=manager, policy=current_policy())
    assert {row.to for row in rows} == {"Merseyside Police", "Health"}
    assert all(row.kind == "MASH enquiry" and row.by == str(manager) for row in rows)
    assert all(row.lawful_basis == CONSENT_GIVEN for row in rows)
    assert all(row.contact_reference == contact.reference for row in rows)


def test_a_transfer_authorised_without_consent_says_so(make_contact, manager):
    contact = make_contact(consent={"consent": "not_sought", "not_sought_reason": "increased_risk"})
    authorise_sharing_without_consent(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        reason="increased_risk",
        explanation="Asking the father would put the children at risk.",
        now=RECEIVED + dt.timedelta(hours=2),
    )
    _transfer(contact, manager, level=4)  # where consent may be set aside (R16)
    [row] = disclosures(user=manager, policy=current_policy())
    assert row.kind == "Transfer" and row.to == "Liverpool"
    assert row.lawful_basis == WITHOUT_CONSENT
    # In the policy's words, not its key.
    assert row.lawful_basis_detail.startswith(
        "Seeking consent would place a child at increased risk of significant harm"
    )
    assert "increased_risk" not in row.lawful_basis_detail


def test_r14_a_disclosure_about_a_child_rests_on_that_childs_authorisation(make_contact, manager):
    contact = make_contact(consent={"consent": "not_sought", "not_sought_reason": "increased_risk"})
    ellis, robin = contact.children.order_by("id")
    for child, reason in ((ellis, "increased_risk"), (robin, "prejudice_crime")):
        authorise_sharing_without_consent(
            contact=contact,
            child=child,
            by=manager,
            reason=reason,
            explanation=f"Why for {child.first_name}.",
            now=RECEIVED + dt.timedelta(minutes=10),
        )
    enquiries.send_enquiry(
        contact=contact,
        child=robin,
        by=manager,
        rag="red",
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=SENT,
    )
    [row] = disclosures(user=manager, policy=current_policy())
    assert row.lawful_basis == WITHOUT_CONSENT
    assert "would prejudice the prevention, detection" in row.lawful_basis_detail
    assert "Robin" in row.lawful_basis_detail


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r16_an_authorisation_is_no_lawful_basis_below_level_4(
    make_contact, manager, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    contact = make_contact(consent={"consent": "not_sought", "not_sought_reason": "increased_risk"})
    child = contact.children.first()
    authorise_sharing_without_consent(
        contact=contact,
        child=child,
        by=manager,
        reason="increased_risk",
        explanation="Asking the father would put the children at risk.",
        now=RECEIVED + dt.timedelta(minutes=10),
    )
    more_information_needed(contact, manager)
    enquiries.send_enquiry(
        contact=contact,
        child=child,
        by=manager,
        rag="red",
        agencies=["police"],
        reason="Domestic abuse reported in the household.",
        now=SENT,
    )
    _transfer(contact, manager, level=2)
    rows = {row.kind: row for row in disclosures(user=manager, policy=current_policy())}
    assert rows["MASH enquiry"].lawful_basis == WITHOUT_CONSENT
    assert rows["Transfer"].lawful_basis != WITHOUT_CONSENT
    assert "increased risk" not in rows["Transfer"].lawful_basis_detail


def test_the_log_filters_by_person_and_dates(contact, make_contact, manager, person_for):
    _enquiry(contact, manager)
    other = make_contact()
    _transfer(other, manager)
    person = person_for(other.children.first())
    assert {r.kind for r in disclosures(user=manager, person=person)} == {"Transfer"}
    day = RECEIVED.date()
    assert len(disclosures(user=manager, start=day, end=day)) == 3
    assert disclosures(user=manager, start=day + dt.timedelta(days=1)) == []


def test_r45_a_disclosure_about_a_restricted_record_names_no_one_to_those_not_named(
    make_contact, manager, admin, make_user, person_for, client
):
    from frontdoor.privacy.restrictions import restrict

    contact = make_contact(children=[{"first_name": "Ottoline", "last_name": "Vexbridge"}])
    _enquiry(contact, manager)
    named = make_user(Role.SERVICE_MANAGER)
    restrict(
        person=person_for(contact.children.get()),
        allowed_users=[named],
        ask="The head of service",
        reason="A relative works here.",
        by=admin,
    )
    hidden = disclosures(user=make_user(Role.SERVICE_MANAGER), policy=current_policy())
    assert {row.child for row in hidden} == {"A restricted record"}
    assert all("Vexbridge" not in str(row) for row in hidden)
    assert {row.to for row in hidden} == {"Merseyside Police", "Health"}  # it still happened
    client.force_login(admin)
    assert "Vexbridge" not in client.get(reverse("privacy:disclosures")).content.decode()
    [shown, _] = disclosures(user=named, policy=current_policy())
    assert shown.child == "Ottoline Vexbridge"


def test_the_disclosure_page_and_csv_are_for_audit_viewers(contact, manager, admin, client):
    _enquiry(contact, manager)
    client.force_login(admin)
    page = client.get(reverse("privacy:disclosures"))
    assert page.status_code == 200 and "Merseyside Police" in page.content.decode()
    csv = client.get(reverse("privacy:disclosures"), {"format": "csv"})
    lines = csv.content.decode().strip().splitlines()
    assert lines[0].startswith("at,kind,to,what,by,lawful_basis")
    assert len(lines) == 3
    client.force_login(manager)
    assert client.get(reverse("privacy:disclosures")).status_code == 403


@pytest.fixture
def public_contact(make_contact, person_for):
    contact = make_contact(
        referrer=PUBLIC_REFERRER,
        concern={
            "worry": "Robin told Nosy Neighbour that Ellis was hit. Call 07700 900123.",
            "immediate_protection_needed": "no",
            "domestic_abuse": "yes",
        },
    )
    return contact


def test_r11_the_export_has_no_referrer_and_no_other_child(public_contact, manager, admin):
    robin = public_contact.children.get(first_name="Robin")
    from frontdoor.people.models import Person

    person = Person.objects.create(first_name="Robin", last_name="Examplechild")
    robin.person = person
    robin.save(update_fields=["person"])
    record_decision(
        contact=public_contact,
        child=robin,
        by=manager,
        level=1,
        outcome="information_and_advice",
        rationale="Ellis's account is being looked at under his own decision.",
        now=DECIDED,
    )
    export = subject_access_export(person=person, by=admin)
    text = json.dumps(export)
    for secret in ("Nosy", "Neighbour", "07700 900123", "neighbour@home.example", "Next Door"):
        assert secret not in text
    # The other child; staff names are taken out first, as a generated one may be an Ellis.
    assert "Ellis" not in text.replace(str(manager), "").replace(str(admin), "")
    assert "Jo" not in text.split('"')  # the mother's name is never a value
    assert REFERRER in text and THIRD_PARTY in text
    [entry] = export["contacts"]
    assert entry["reports"][0]["referrer"]["name"] == REFERRER
    adults = [p for p in entry["people_in_the_contact"] if p["role"] == "adult"]
    assert adults == [
        {
            "role": "adult",
            "name": THIRD_PARTY,
            "relationship": "Mother",
            "this_is_the_person": False,
        }
    ]
    assert entry["decisions"][0]["outcome"].startswith("Information")
    assert export["person"]["first_name"] == "Robin"
    event = AuditEvent.objects.get(action="subject_access.disclosed")
    assert event.actor == admin and event.target_id == str(person.pk)


def test_a_professional_referrers_agency_stays(contact, person_for, admin):
    person = person_for(contact.children.first())
    export = subject_access_export(person=person, by=admin)
    referrer = export["contacts"][0]["reports"][0]["referrer"]
    assert referrer["agency"] == "Litherland High School"
    assert "Pat" not in json.dumps(export)


def test_only_an_administrator_exports(contact, person_for, manager):
    from frontdoor.errors import DomainError

    with pytest.raises(DomainError):
        subject_access_export(person=person_for(contact.children.first()), by=manager)


def test_the_command_writes_the_export(contact, person_for, tmp_path):
    person = person_for(contact.children.first())
    output = tmp_path / "sar.json"
    out = StringIO()
    call_command("subject_access", str(person.pk), output=output, stdout=out)
    assert json.loads(output.read_text())["person"]["id"] == person.pk
    assert "1 contacts" in out.getvalue()
    assert AuditEvent.objects.filter(action="subject_access.disclosed", actor=None).exists()
    written = AuditEvent.objects.get(action="export.downloaded")
    assert written.changes["file"] == str(output) and written.changes["through"] == "command line"


def test_the_page_exports_json_and_html(contact, person_for, admin, client):
    person = person_for(contact.children.first())
    client.force_login(admin)
    url = reverse("privacy:subject_access", args=[person.pk])
    assert client.get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="subject_access.disclosed").exists()
    assert client.post(url, {"format": "json"}).json()["person"]["id"] == person.pk
    assert "Subject access export" in client.post(url, {"format": "html"}).content.decode()


def test_an_administrator_starts_an_export_from_the_record_number(
    contact, person_for, admin, client
):
    person = person_for(contact.children.first())
    client.force_login(admin)
    home = client.get(reverse("home")).content.decode()
    assert 'href="/privacy/subject-access/">Produce a subject access export' in home
    url = reverse("privacy:subject_access_find")
    assert client.get(url).status_code == 200
    found = client.get(url, {"person": str(person.pk)})
    assert found.status_code == 302
    assert found["Location"] == reverse("privacy:subject_access", args=[person.pk])
    assert not AuditEvent.objects.filter(action="subject_access.disclosed").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the number of the person&#x27;s record"),
        ("Robin", "Enter the record number in figures, like 123"),
        ("999999", "There is no person with that record number"),
    ],
)
def test_a_wrong_record_number_is_explained_on_the_form(admin, client, typed, message):
    client.force_login(admin)
    page = client.get(reverse("privacy:subject_access_find"), {"person": typed})
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert f'value="{typed}"' in html  # what was typed comes back to be corrected


def test_only_an_administrator_finds_a_record_to_export(manager, client):
    client.force_login(manager)
    assert client.get(reverse("privacy:subject_access_find")).status_code == 403


def test_home_leads_audit_viewers_to_the_disclosure_log_and_administrators_to_restrictions(
    make_user, client
):
    client.force_login(make_user(Role.SERVICE_MANAGER))
    home = client.get(reverse("home")).content.decode()
    assert 'href="/privacy/disclosures/">Read the disclosure log' in home
    assert "/privacy/restrictions/" not in home
    client.force_login(make_user(Role.ADMINISTRATOR))
    home = client.get(reverse("home")).content.decode()
    assert 'href="/privacy/restrictions/">Restrict a person' in home


def test_retention_report_counts_from_the_decision_date(make_contact, manager):
    old = RECEIVED - dt.timedelta(days=365 * 7)
    nfa = make_contact(received_at=old)
    decide_every_child(nfa, by=manager, now=old + dt.timedelta(hours=2))
    referral = make_contact(received_at=old)
    record_decision(
        contact=referral,
        child=referral.children.first(),
        by=manager,
        level=3,
        outcome="child_and_family_assessment",
        rationale="Assessment needed.",
        primary_need="N1",
        now=old + dt.timedelta(hours=2),
    )
    out = StringIO()
    call_command("retention_report", as_of=RECEIVED.date().isoformat(), stdout=out)
    text = out.getvalue()
    assert "Contacts decided with no further action, kept 6 years" in text
    assert ": 1 due for review" in text and nfa.reference in text
    assert "Referrals, kept 25 years" in text and ": 0 due for review" in text
    assert referral.reference not in text
    assert "Nothing has been deleted" in text
    out = StringIO()
    call_command(
        "retention_report", as_of=(old + dt.timedelta(days=365)).date().isoformat(), stdout=out
    )
    assert nfa.reference not in out.getvalue()


def test_r35_the_export_gives_each_rag_rating_in_words(contact, person_for, manager, admin, client):
    child = contact.children.first()
    person = person_for(child)
    _enquiry(contact, manager)
    record_decision(
        contact=contact,
        child=child,
        by=manager,
        level=1,
        outcome="information_and_advice",
        rationale="Advice given to the family.",
        now=DECIDED,
    )
    [entry] = subject_access_export(person=person, by=admin)["contacts"]
    assert [e["rag"] for e in entry["mash_enquiries"]] == ["Amber"]
    assert [d["rag"] for d in entry["decisions"]] == ["Not going to MASH"]
    client.force_login(admin)
    url = reverse("privacy:subject_access", args=[person.pk])
    json_export = client.post(url, {"format": "json"}).content.decode()
    assert '"amber"' not in json_export and '"Amber"' in json_export
    assert "MASH enquiry" in client.post(url, {"format": "html"}).content.decode()
