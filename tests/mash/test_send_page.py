"""The page that sends a child into MASH: nothing shared by default, who receives it shown before
it is sent, timescales in words and consent said up front (R16, R35, R36, R45)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.mash.models import Enquiry

pytestmark = pytest.mark.django_db


def send_url(contact) -> str:
    return reverse("mash:send", args=[contact.reference, contact.children.order_by("id")[0].pk])


def form(**extra) -> dict:
    return {
        "rag": "red",
        "agencies": ["police", "health"],
        "reason": "Domestic abuse reported in the household.",
        **extra,
    }


def test_r45_no_partner_agency_is_ticked_to_start_with(client, contact, manager):
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    assert 'name="agencies"' in page
    assert " checked" not in page.split('name="agencies"', 1)[1].split("</fieldset>")[0]


def test_r45_the_manager_sees_who_receives_it_before_anything_is_sent(client, contact, manager):
    client.force_login(manager)
    check = client.post(send_url(contact), form())
    assert check.status_code == 200
    page = check.content.decode()
    assert "Check who receives the MASH enquiry" in page
    assert "Merseyside Police" in page and "Health" in page
    assert "Sefton Early Help" not in page  # not chosen, so not listed
    assert not Enquiry.objects.exists()
    sent = client.post(send_url(contact), form(confirm="yes"))
    assert sent.status_code == 302
    assert set(Enquiry.objects.get().requests.values_list("agency_key", flat=True)) == {
        "police",
        "health",
    }


def test_changing_the_enquiry_goes_back_to_the_form_with_what_was_chosen(client, contact, manager):
    client.force_login(manager)
    page = client.post(send_url(contact), form(change="yes")).content.decode()
    assert "Send a MASH enquiry about" in page
    assert 'value="police" checked' in page
    assert not Enquiry.objects.exists()


def test_r36_each_rag_names_its_timescale_in_words_not_the_policys_key(client, contact, manager):
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    assert "mash_enquiry_" not in page
    assert "Red: 2 hours from when" in page
    assert "Amber: 6 core hours from when" in page


def test_r36_lewisham_sets_no_rag_timescale_and_the_page_says_so(
    client, contact, manager, settings
):
    settings.FRONTDOOR_COUNCIL = "lewisham"
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    assert "mash_enquiry_" not in page
    assert "the council sets no timescale for agencies to answer" in page


def test_r16_the_page_says_before_filling_in_which_rags_consent_does_not_allow(
    client, make_contact, manager
):
    contact = make_contact(consent={"consent": "refused"})
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode().replace("&#x27;", "'")
    assert "Consent does not allow every RAG yet" in page
    assert "Amber: " in page and "consent is required" in page


@pytest.mark.parametrize("council", ["sefton", "sefton-2022", "lewisham"])
def test_r12_r13_a_half_consented_sibling_group_is_sent_child_by_child(
    client, make_contact, manager, worker, settings, council
):
    from frontdoor.screening.consent import record_consent
    from tests.screening.test_consent import ALEX, ASKED, SAM, more_information_needed

    settings.FRONTDOOR_COUNCIL = council
    contact = make_contact(children=[SAM, ALEX], consent={"consent": "refused"})
    sam = contact.children.get(first_name="Sam")
    alex = contact.children.get(first_name="Alex")
    record_consent(contact=contact, by=worker, child=sam, status="given", now=ASKED)
    more_information_needed(contact, manager)
    client.force_login(manager)

    def page_for(child):
        url = reverse("mash:send", args=[contact.reference, child.pk])
        return client, url, client.get(url).content.decode().replace("&#x27;", "'")

    _, alex_url, alex_page = page_for(alex)
    assert "Consent does not allow every RAG yet" in alex_page
    assert "Consent for Alex Examplechild was refused" in alex_page
    refused = client.post(alex_url, form(rag="amber", confirm="yes")).content.decode()
    assert "Consent for Alex Examplechild was refused" in refused.replace("&#x27;", "'")
    assert not Enquiry.objects.exists()

    _, sam_url, sam_page = page_for(sam)
    assert "Sam Examplechild gives their own consent" in sam_page
    assert "Consent does not allow every RAG yet" not in sam_page
    assert client.post(sam_url, form(rag="amber", confirm="yes")).status_code == 302
    assert Enquiry.objects.get().child == sam


def test_r37_the_councils_own_additions_to_the_agencies_say_so(client, contact, manager):
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    assert 'aria-describedby="agency-housing-hint"' in page
    assert "Sefton Council&#x27;s own addition to the MASH agencies" in page
    police = page[page.index('id="agency-police-hint"') :].split("</div>")[0]
    assert "own addition" not in police


def test_r35_r36_the_check_page_says_agencies_present_at_the_strategy_meeting(
    client, make_contact, manager
):
    contact = make_contact(
        concern={
            "worry": "Hit with a belt last night.",
            "immediate_protection_needed": "yes",
            "domestic_abuse": "yes",
        }
    )
    client.force_login(manager)
    page = client.post(send_url(contact), form()).content.decode()
    assert "present what they hold at the strategy meeting" in page
    assert "Agencies answer within" not in page
    client.post(send_url(contact), form(confirm="yes"))
    assert Enquiry.objects.get().present_at_strategy_meeting


def test_r37_the_send_page_says_who_can_answer_each_agency(client, contact, manager, make_user):
    make_user(Role.PARTNER_AGENCY, agency_key="police", email="desk@police.example")
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    police = page[page.index('id="agency-police"') :][:1500]
    assert "Answered in Front Door by 1 person at this agency, alerted by e-mail" in police
    early_help = page[page.index('id="agency-early_help"') :][:1500]
    assert "Warning: no one can answer" in early_help


def test_r12_the_send_page_says_consent_in_a_sentence(client, contact, manager):
    client.force_login(manager)
    page = client.get(send_url(contact)).content.decode()
    assert "Consent: " in page and "Consent no one" not in page


def test_r16_consent_refuses_the_rag_at_the_first_step_naming_the_field(
    client, make_contact, manager
):
    contact = make_contact(consent={"consent": "refused"})
    client.force_login(manager)
    page = client.post(send_url(contact), form(rag="amber")).content.decode()
    page = page.replace("&#x27;", "'")
    assert "Check who receives the MASH enquiry" not in page
    assert 'href="#id_rag"' in page or 'href="#rag' in page
    summary = page[page.index("govuk-error-summary") :].split("</div>")[0]
    assert "consent is required" in summary
    assert not Enquiry.objects.exists()
