"""Finding a contact or a person: each kind of search, its tolerance, need-to-know and the audit
trail (R18, R45)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.intake.models import ReportedAdult, ReportedChild
from frontdoor.privacy.restrictions import restrict
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
ASK = "Head of Service, Children's Social Care"
SEARCH = reverse("search:search")


def search(client, user, q: str, status: int = 200) -> str:
    client.force_login(user)
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == status
    return response.content.decode()


def contacts_found(html: str) -> str:
    start = html.find('id="contact-results"')
    return html[start : html.find("</table>", start)] if start >= 0 else ""


def people_found(html: str) -> str:
    start = html.find('id="person-results"')
    return html[start : html.find("</table>", start)] if start >= 0 else ""


# Each kind of search ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["{ref}", "{lower}", "{spaced}"])
def test_a_contact_is_found_by_its_reference(client, officer, contact, make_contact, typed):
    make_contact()  # another contact about the same children: not listed for a reference
    ref = contact.reference
    html = search(
        client, officer, typed.format(ref=ref, lower=ref.lower(), spaced=ref.replace("-", " "))
    )
    found = contacts_found(html)
    assert f'href="/contacts/{ref}/"' in found
    assert found.count("<tr") == 2  # the header and one contact
    assert "Reference matches" in found


def test_a_contact_is_found_by_a_childs_name(client, officer, contact):
    found = contacts_found(search(client, officer, "Ellis Examplechild"))
    assert contact.reference in found
    assert "The child Ellis Examplechild" in found
    assert "First name matches" in found and "Surname matches" in found


def test_r18_a_name_is_found_with_the_tolerance_of_matching(client, officer, contact):
    # A misheard spelling, a known short form and half a double-barrelled surname.
    PersonFactory(first_name="William", last_name="Smith-Jones", date_of_birth=None)
    assert contact.reference in contacts_found(search(client, officer, "Elis Exampelchild"))
    people = people_found(search(client, officer, "Bill Jones"))
    assert "William Smith-Jones" in people
    assert "known short form" in people
    assert "William Smith-Jones" in people_found(search(client, officer, "Smyth"))


def test_r18_a_name_typed_surname_first_is_found(client, officer, contact):
    PersonFactory(first_name="Bea", last_name="Consentcheckton", date_of_birth=None)
    PersonFactory(first_name="Consentcheckton", last_name="Bea", date_of_birth=None)
    people = people_found(search(client, officer, "Consentcheckton Bea"))
    assert "Bea Consentcheckton" in people and "Consentcheckton Bea" in people
    assert contact.reference in contacts_found(search(client, officer, "EXAMPLECHILD ellis"))
    # A comma says which is the surname: only that order is searched.
    people = people_found(search(client, officer, "Consentcheckton, Bea"))
    assert "Bea Consentcheckton" in people and "Consentcheckton Bea" not in people


def test_a_name_that_only_shares_a_sound_key_is_not_listed(client, officer):
    PersonFactory(first_name="Ellis", last_name="Snead")  # Snead and Smith share the key s53
    assert "Snead" not in search(client, officer, "Smith")


def test_a_child_is_found_by_first_name_alone(client, officer, contact):
    PersonFactory(first_name="Ellis", last_name="Otherfamily")
    PersonFactory(first_name="Robin", last_name="Otherfamily")
    html = search(client, officer, "Ellis")
    found = contacts_found(html)
    assert contact.reference in found
    assert "The child Ellis Examplechild" in found
    assert "First name matches" in found
    people = people_found(html)
    assert "Ellis Otherfamily" in people
    assert "Robin" not in people


def test_a_name_alone_is_also_found_as_a_surname(client, officer, contact):
    PersonFactory(first_name="Sam", last_name="Ellis")
    html = search(client, officer, "Ellis")
    assert "Sam Ellis" in people_found(html)
    assert "Surname matches" in people_found(html)
    assert contact.reference in contacts_found(html)


def test_a_first_name_with_a_date_of_birth_finds_the_child(client, officer, contact):
    PersonFactory()  # Ellis Examplechild, born 2 March 2015
    PersonFactory(first_name="Ellis", last_name="Otherfamily", date_of_birth=dt.date(2016, 1, 9))
    html = search(client, officer, "Ellis 02/03/2015")
    assert contact.reference in contacts_found(html)
    people = people_found(html)
    assert "Ellis Examplechild" in people
    assert "Otherfamily" not in people
    html = search(client, officer, "Robin 02/03/2015")
    assert contact.reference not in html
    assert "No records found" in html


def test_a_date_in_american_order_says_to_give_the_day_first(client, officer, contact):
    html = search(client, officer, "Ellis 3/25/2015")
    assert '<a href="#id_q">3/25/2015 is not a real date: enter the date as day/month/year, ' in (
        html
    )
    assert "for example 25/3/2015" in html


def test_an_adult_in_a_contact_is_found_by_name(client, officer, contact):
    found = contacts_found(search(client, officer, "Jo Examplechild"))
    assert contact.reference in found
    assert "The adult Jo Examplechild" in found


@pytest.mark.parametrize("typed", ["2/3/2015", "02/03/2015", "2015-03-02", "2 March 2015"])
def test_a_child_is_found_by_date_of_birth_as_staff_type_it(client, officer, contact, typed):
    PersonFactory()  # Ellis Examplechild, born 2 March 2015
    html = search(client, officer, typed)
    assert contact.reference in contacts_found(html)
    assert "Date of birth matches" in people_found(html)
    assert "Robin" not in people_found(html)


def test_a_date_of_birth_with_day_and_month_swapped_is_found_and_said(client, officer, contact):
    found = contacts_found(search(client, officer, "3/2/2015"))
    assert contact.reference in found
    assert "day and month swapped" in found


@pytest.mark.parametrize("typed", ["L21 7PQ", "l217pq", "l21  7PQ"])
def test_a_postcode_is_found_with_any_spacing_or_case(client, officer, contact, typed):
    PersonFactory(postcode="L21 7PQ")
    PersonFactory(first_name="Sam", postcode="L20 3NJ")
    html = search(client, officer, typed)
    assert contact.reference in contacts_found(html)
    assert "Ellis Examplechild" in people_found(html)
    assert "Sam" not in people_found(html)


@pytest.mark.parametrize("typed", ["943 476 5919", "9434765919"])
def test_an_nhs_number_is_found_with_or_without_spaces(client, officer, make_contact, typed):
    from tests.intake.factories import submission_data

    child = dict(submission_data()["children"][0], nhs_number="943 476 5919")
    contact = make_contact(children=[child])
    PersonFactory(nhs_number="9434765919")
    html = search(client, officer, typed)
    assert contact.reference in contacts_found(html)
    assert "NHS number matches" in people_found(html)


def test_terms_together_narrow_the_search(client, officer, contact):
    assert contact.reference in contacts_found(search(client, officer, "Examplechild 2/3/2015"))
    html = search(client, officer, "Examplechild 1/1/2001")
    assert contact.reference not in html
    assert "No records found" in html


def test_an_empty_result_says_so_and_what_to_try(client, officer, contact):
    html = search(client, officer, "Nobodyknown")
    assert "No records found" in html
    assert "Searched for name \u2018Nobodyknown\u2019" in html
    assert 'id="contact-results"' not in html


# Need-to-know -----------------------------------------------------------------------------


@pytest.fixture
def restricted(contact, person_for, admin, worker):
    """The contact's first child is a member of staff's family: only `worker` may see."""
    person = person_for(contact.children.order_by("id")[0])
    restrict(person=person, allowed_users=[worker], ask=ASK, reason="A colleague's child", by=admin)
    return person


@pytest.mark.parametrize(
    "typed", ["Ellis", "Ellis Examplechild", "2/3/2015", "Ellis 2/3/2015", "Ellis L21 7PQ"]
)
def test_r45_a_search_by_details_does_not_reveal_a_restricted_person(
    client, officer, contact, restricted, typed
):
    html = search(client, officer, typed)
    assert "Restricted record" not in html
    assert "Ellis" not in contacts_found(html) + people_found(html)
    assert f'href="/people/{restricted.pk}/"' not in html


@pytest.fixture
def only_child(make_contact, person_for, admin, worker):
    """A contact about one child alone, restricted to `worker`: the whole contact is hidden."""
    only = make_contact(
        children=[
            {
                "first_name": "Sasha",
                "last_name": "Quietname",
                "date_of_birth": "2014-06-01",
                "gender": "female",
                "postcode": "L21 7PQ",
            }
        ],
        adults=[
            {"first_name": "Morgan", "last_name": "Quietname", "relationship_to_child": "Mother"}
        ],
    )
    person = person_for(only.children.get())
    restrict(person=person, allowed_users=[worker], ask=ASK, reason="A colleague's child", by=admin)
    return only


def test_r45_a_hidden_contact_is_not_found_by_anyone_named_in_it(client, officer, only_child):
    for typed in ("Sasha Quietname", "Morgan Quietname", "Quietname", "1/6/2014"):
        html = search(client, officer, typed)
        assert "Restricted record" not in html
        assert only_child.reference not in html
        assert "Quietname" not in contacts_found(html) + people_found(html)


def test_r45_only_a_hidden_contacts_exact_reference_says_whom_to_ask(client, officer, only_child):
    html = search(client, officer, only_child.reference)
    found = contacts_found(html)
    assert f"Restricted record: ask {ASK}".replace("'", "&#x27;") in found
    assert f'href="/contacts/{only_child.reference}/"' not in html
    assert "Quietname" not in html
    html = search(client, officer, f"{only_child.reference} Sasha")
    assert "Restricted record" not in html


def test_r45_someone_named_on_the_restriction_finds_the_record(client, worker, contact, restricted):
    html = search(client, worker, "2/3/2015")
    assert "Ellis Examplechild" in people_found(html)
    assert f'href="/contacts/{contact.reference}/"' in contacts_found(html)


def test_r45_a_partner_agency_cannot_search(client, make_user, contact):
    partner = make_user(Role.PARTNER_AGENCY)
    html = search(client, partner, "Examplechild", status=403)
    assert "Examplechild" not in html
    assert not AuditEvent.objects.filter(action="records.searched").exists()
    client.force_login(partner)
    assert 'id="header-search"' not in client.get(reverse("home")).content.decode()


# The audit trail --------------------------------------------------------------------------


def test_r45_every_search_is_audited_with_who_searched_what(client, officer, contact):
    search(client, officer, "ellis examplechild 2/3/2015")
    event = AuditEvent.objects.get(action="records.searched")
    assert event.actor == officer
    assert event.changes["searched_for"] == "ellis examplechild 2/3/2015"
    assert event.changes["read_as"] == [
        "name \u2018ellis examplechild\u2019",
        "date of birth 2 March 2015",
    ]
    assert event.changes["contacts"] == [contact.reference]


def test_a_refused_search_is_not_run_nor_audited(client, officer, contact):
    search(client, officer, "31/2/2015")
    assert not AuditEvent.objects.filter(action="records.searched").exists()


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a name, date of birth, postcode, NHS number or contact reference"),
        ("31/2/2015", "31/2/2015 is not a real date"),
        ("943 476 5918", "943 476 5918 is not a real NHS number"),
        ("#@!", "We could not read"),
    ],
)
def test_bad_input_gets_a_govuk_error_message(client, officer, typed, message):
    html = search(client, officer, typed)
    assert "There is a problem" in html
    assert '<a href="#id_q">' + message in html
    assert 'class="govuk-error-message"' in html
    assert "<title>Error: Search for a contact or a person" in html


def test_the_page_without_a_search_shows_the_box_alone(client, officer):
    client.force_login(officer)
    html = client.get(SEARCH).content.decode()
    assert "There is a problem" not in html
    assert 'name="q"' in html


# Everywhere staff are -----------------------------------------------------------------------


def test_the_header_and_the_inbox_have_a_search_box(client, officer):
    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert 'id="header-search"' in home and f'action="{SEARCH}"' in home
    inbox = client.get(reverse("intake:inbox")).content.decode()
    assert 'id="inbox-search"' in inbox


# Search keys on every row ------------------------------------------------------------------


def test_reported_people_carry_the_search_keys_of_their_names(contact):
    child = contact.children.order_by("id").first()
    assert (child.search_last_name, child.surname_key) == ("examplechild", "a2514")
    assert ReportedAdult.objects.get(contact=contact).first_name_key == "j"


def test_the_data_migration_fills_the_keys_of_rows_already_there(contact):
    ReportedChild.objects.update(search_last_name="", surname_key="", first_name_key="")
    migration = importlib.import_module(
        "frontdoor.intake.migrations.0006_fill_reported_person_search_keys"
    )
    migration.fill(apps, None)
    child = contact.children.order_by("id").first()
    assert (child.search_last_name, child.surname_key, child.first_name_key) == (
        "examplechild",
        "a2514",
        "a42",
    )


def test_a_search_finding_more_than_it_lists_asks_to_be_narrowed(
    client, officer, make_contact, monkeypatch
):
    from frontdoor.search import selectors

    make_contact()
    make_contact()
    monkeypatch.setattr(selectors, "SHOWN", 1)
    html = search(client, officer, "Examplechild")
    assert "More records match than are listed here" in html
    assert contacts_found(html).count("<tr") == 2  # the header and the one listed


def test_a_corrected_name_is_found_by_search_at_once(client, officer, contact):
    from frontdoor.people.corrections import correct_details

    child = contact.children.get(first_name="Ellis")
    correct_details(
        record=child,
        by=officer,
        details={"last_name": "Exampleton"},
        reason="The school confirmed the spelling.",
    )
    found = contacts_found(search(client, officer, "Ellis Exampleton"))
    assert contact.reference in found and "The child Ellis Exampleton" in found
    assert "The child Ellis Examplechild" not in contacts_found(
        search(client, officer, "Ellis Examplechild")
    )


def test_the_title_says_what_the_heading_says_with_results_or_without(client, officer, contact):
    heading = "Search for a contact or a person"
    for typed in ("", contact.reference):
        client.force_login(officer)
        html = client.get(SEARCH, {"q": typed} if typed else {}).content.decode()
        assert f"<title>{heading} \N{EN DASH} Front Door" in html
        assert f">{heading}</label></h1>" in html


def test_r45_a_sibling_contact_found_by_name_lists_no_restricted_child(
    client, officer, contact, restricted
):
    # Ellis is restricted; Robin, the sibling, is not: the contact is open on Robin.
    html = search(client, officer, "Robin Examplechild")
    found = contacts_found(html)
    assert f'href="/contacts/{contact.reference}/"' in found
    assert "Robin" in found
    assert "Restricted" not in found and "Ellis" not in found


def test_a_name_alone_keeps_the_newest_records_each_once(officer, monkeypatch):
    """A common name alone finds more rows than are read: the newest are kept, whichever way
    each matched (first name, surname, the last half of a double surname), each once."""
    from frontdoor.search import selectors
    from frontdoor.search.terms import parse

    monkeypatch.setattr(selectors, "ROWS", 3)
    as_first = PersonFactory(first_name="Kayden", last_name="Smith")
    as_both = PersonFactory(first_name="Kayden", last_name="Kayden")
    as_surname = PersonFactory(first_name="Ann", last_name="Kayden")
    as_last_half = PersonFactory(first_name="Bob", last_name="Jones-Kayden")
    PersonFactory(first_name="Zed", last_name="Other")

    results = selectors.search(user=officer, terms=parse("Kayden"))

    assert {found.person for found in results.people} == {as_last_half, as_surname, as_both}
    assert len(results.people) == 3
    assert results.more
    assert as_first.pk < as_both.pk  # the oldest match is the one left out
