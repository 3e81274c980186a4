"""The matching page and the person page, through Django's test client (R18, R22, R45)."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import RecordView
from frontdoor.intake.models import Channel
from frontdoor.intake.services import record_contact, record_missing_episode
from frontdoor.intake.submissions import Child
from frontdoor.people.models import Involvement
from frontdoor.privacy.restrictions import restrict
from frontdoor.screening.linking import link_reported_person
from tests.intake.factories import make_submission
from tests.people.factories import NHS_NUMBER, InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user):
    return make_user(Role.MASH_SOCIAL_WORKER)


@pytest.fixture
def contact():
    return record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact


def _match_url(contact, reported, kind="child"):
    return reverse("screening:match_person", args=[contact.reference, kind, reported.pk])


def test_r18_the_matching_page_ranks_known_people_with_their_reasons(client, worker, contact):
    ellis = PersonFactory(
        first_name="Elis", last_name="Examplechild", date_of_birth=dt.date(2015, 2, 3)
    )
    InvolvementFactory(person=ellis, allocated_worker="Dana Keeling")
    client.force_login(worker)
    response = client.get(_match_url(contact, contact.children.first()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Elis Examplechild" in page
    assert "Date of birth matches with day and month swapped" in page
    assert "Open: Early help" in page and "Dana Keeling" in page
    assert "This is the same person" in page and "Create a new person record" in page
    assert RecordView.objects.filter(viewer=worker, target_id=str(ellis.pk)).exists()


def test_r18_linking_from_the_matching_page_redirects_and_shows_the_link(client, worker, contact):
    ellis = PersonFactory()
    child = contact.children.first()
    client.force_login(worker)
    response = client.post(_match_url(contact, child), {"action": "link", "person": ellis.pk})
    assert response.status_code == 302
    assert response["Location"] == _match_url(contact, child)
    child.refresh_from_db()
    assert child.person == ellis
    page = client.get(_match_url(contact, child)).content.decode()
    assert "is linked to" in page and "Record the household from this contact" in page


def test_r18_after_a_link_the_page_goes_on_to_the_next_person_then_to_screening(
    client, worker, contact
):
    ellis, robin = contact.children.order_by("id")
    client.force_login(worker)
    client.post(_match_url(contact, ellis), {"action": "create"})
    page = client.get(_match_url(contact, ellis)).content.decode()
    assert f'href="{_match_url(contact, robin)}"' in page
    assert "Back to contact" not in page
    client.post(_match_url(contact, robin), {"action": "create"})
    adult = contact.adults.get()
    assert f'href="{_match_url(contact, adult, "adult")}"' in (
        client.get(_match_url(contact, robin)).content.decode()
    )
    client.post(_match_url(contact, adult, "adult"), {"action": "create"})
    page = client.get(_match_url(contact, adult, "adult")).content.decode()
    screening = reverse("screening:contact", args=[contact.reference])
    assert f'href="{screening}">Continue to screening' in page


def test_r18_a_refused_link_is_shown_in_an_error_summary(client, worker):
    children = [{"first_name": "Ellis", "last_name": "Examplechild", "nhs_number": "9434765870"}]
    contact = record_contact(
        submission=make_submission(children=children), channel=Channel.ONLINE_FORM
    ).contact
    known = PersonFactory(nhs_number=NHS_NUMBER)
    client.force_login(worker)
    response = client.post(
        _match_url(contact, contact.children.get()), {"action": "link", "person": known.pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "differs from" in page


def test_r18_creating_a_person_from_the_matching_page(client, worker, contact):
    adult = contact.adults.get()
    client.force_login(worker)
    response = client.post(_match_url(contact, adult, "adult"), {"action": "create"})
    assert response.status_code == 302
    adult.refresh_from_db()
    assert adult.person.first_name == "Jo"


def test_r18_a_contact_officer_cannot_match(client, make_user, contact):
    client.force_login(make_user(Role.CONTACT_OFFICER))
    response = client.get(_match_url(contact, contact.children.first()))
    assert response.status_code == 403


def test_the_contact_page_links_each_child_and_adult_to_matching(client, worker, contact):
    client.force_login(worker)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert page.count("Find or create the person record") == 3


def test_r18_the_person_page_shows_involvements_contacts_missing_episodes_and_history(
    client, worker, contact
):
    ellis = PersonFactory()
    link_reported_person(reported=contact.children.first(), person=ellis, by=worker)
    InvolvementFactory(
        person=ellis,
        kind=Involvement.Kind.SOCIAL_CARE,
        started_on=dt.date(2025, 1, 1),
        ended_on=dt.date(2025, 6, 1),
        allocated_worker="Closed Worker",
    )
    InvolvementFactory(person=ellis, allocated_worker="Open Worker")
    InvolvementFactory(
        person=ellis,
        kind=Involvement.Kind.MISSING_EPISODE,
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 3, 2),
        notes="Home",
    )
    client.force_login(worker)
    response = client.get(reverse("people:person", args=[ellis.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Open Worker") < page.index("Closed Worker")  # open ones first
    assert contact.reference in page
    assert "Went missing 1 March 2025" in page
    assert "started, ended 1 June 2025" in page  # as the timeline writes its own dates
    assert "Postcode" in page or "Record created" in page
    assert RecordView.objects.filter(target_id=str(ellis.pk), through="person page").exists()


def test_an_involvement_says_which_case_record_it_came_from_and_its_reference(client, worker):
    from frontdoor.policy.registry import current_policy

    record = current_policy().handoffs.record_systems[-1]
    person = PersonFactory()
    InvolvementFactory(person=person, source_system=record.key, external_id="EH-380-379")
    InvolvementFactory(person=person, source_system="mosaic-export", external_id="M-1")
    InvolvementFactory(
        person=person,
        kind=Involvement.Kind.MISSING_EPISODE,
        source_system=record.key,
        external_id="MISS-380-0",
        started_on=dt.date(2025, 3, 1),
        ended_on=dt.date(2025, 3, 2),
    )
    client.force_login(worker)
    page = html.unescape(client.get(reverse("people:person", args=[person.pk])).content.decode())
    assert f"{record.name}, reference EH-380-379" in page
    assert f"{record.key} EH-380-379" not in page
    assert "mosaic-export, reference M-1" in page  # a source the policy does not name
    assert f"({record.name}, reference MISS-380-0)" in page  # a missing episode, likewise


def test_r45_the_person_page_shows_who_has_seen_the_record_this_view_included(
    client, worker, make_user, contact
):
    ellis = PersonFactory(
        first_name="Elis", last_name="Examplechild", date_of_birth=dt.date(2015, 2, 3)
    )
    matcher = make_user(Role.MASH_SOCIAL_WORKER, first_name="Morgan", last_name="Matcher")
    client.force_login(matcher)
    client.get(_match_url(contact, contact.children.first()))  # shows Elis as a candidate
    client.force_login(worker)
    page = client.get(reverse("people:person", args=[ellis.pk])).content.decode()
    log = page[page.index('id="access-log"') :]
    assert "Who has seen this record (2 views)" in log
    # the newest first; names such as O'Connor arrive escaped
    assert log.index(html.escape(str(worker))) < log.index("Morgan Matcher")
    assert f"matching for contact {contact.reference}" in log and "person page" in log


def test_r45_a_partner_agency_user_cannot_open_a_person(client, make_user):
    client.force_login(make_user(Role.PARTNER_AGENCY))
    response = client.get(reverse("people:person", args=[PersonFactory().pk]))
    assert response.status_code == 403


def test_a_merged_duplicate_leads_to_the_record_kept(client, worker):
    keep = PersonFactory()
    duplicate = PersonFactory(merged_into=keep)
    client.force_login(worker)
    response = client.get(reverse("people:person", args=[duplicate.pk]))
    assert response["Location"] == reverse("people:person", args=[keep.pk])


def test_the_person_page_reads_in_a_fixed_number_of_queries(
    client, worker, contact, django_assert_max_num_queries
):
    ellis = PersonFactory()
    link_reported_person(reported=contact.children.first(), person=ellis, by=worker)
    for n in range(5):
        InvolvementFactory(person=ellis, started_on=dt.date(2024, 1, n + 1))
    client.force_login(worker)
    with django_assert_max_num_queries(25):
        client.get(reverse("people:person", args=[ellis.pk]))


def test_r34_missing_episodes_recorded_here_are_facts_of_the_linked_person(worker, make_user):
    from frontdoor.intake.selectors import missing_episodes_of

    officer = make_user(Role.CONTACT_OFFICER)
    contact = record_missing_episode(
        child=Child(first_name="Ellis", last_name="Examplechild"),
        went_missing_at=dt.datetime(2026, 1, 3, 20, tzinfo=dt.UTC),
        returned_at=None,
        missing_from="Home",
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        by=officer,
    )
    ellis = PersonFactory()
    link_reported_person(reported=contact.children.get(), person=ellis, by=worker)
    [episode] = missing_episodes_of(ellis)
    assert episode.reference == contact.reference and episode.returned_on is None


def test_r45_a_restricted_candidate_says_whom_to_ask_and_shows_nothing_of_it(
    client, worker, make_user, contact
):
    from frontdoor.privacy.restrictions import restrict

    hidden = PersonFactory(
        first_name="Elis",
        last_name="Examplechild",
        date_of_birth=dt.date(2015, 2, 3),
        other_names="Sunny",
    )
    admin = make_user(Role.ADMINISTRATOR)
    named = make_user(Role.MASH_SOCIAL_WORKER)
    ask = "Head of Service, Children's Social Care"
    restrict(person=hidden, allowed_users=[named], ask=ask, reason="A colleague's child", by=admin)
    url = _match_url(contact, contact.children.first())

    client.force_login(worker)
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "A restricted record may be this person" in page and f"Ask {ask}" in page
    assert "Sunny" not in page and "3 February 2015" not in page
    assert reverse("people:person", args=[hidden.pk]) not in page
    assert not RecordView.objects.filter(viewer=worker, target_id=str(hidden.pk)).exists()
    refused = client.post(url, {"action": "link", "person": hidden.pk})
    assert refused.status_code == 404

    client.force_login(named)
    page = client.get(url).content.decode()
    assert "Sunny" in page and "A restricted record" not in page


def test_the_history_of_changes_shows_yes_and_no_and_choices_in_words(client, worker, make_user):
    ellis = PersonFactory(
        first_name="Elis", sex="not_known", ethnicity="", date_of_birth=dt.date(2015, 2, 3)
    )
    administrator = make_user(Role.ADMINISTRATOR)
    restrict(person=ellis, allowed_users=[worker], ask="Sam", reason="Family.", by=administrator)
    ellis.refresh_from_db()
    ellis.sex = "female"
    ellis.ethnicity = "White British"
    ellis.date_of_birth = dt.date(2015, 3, 2)
    ellis.save()
    client.force_login(worker)
    page = client.get(reverse("people:person", args=[ellis.pk])).content.decode()
    history = page[page.index('id="history-table"') :]
    assert "Restricted: No → Yes" in history
    assert "Sex: Not known → Female" in history
    assert "Ethnicity: Not recorded → White British" in history
    assert "Date of birth: 3 February 2015 → 2 March 2015" in history
    assert "True" not in history and "(blank)" not in history


def test_r18_linking_a_sibling_to_the_other_childs_record_asks_first(client, worker, contact):
    from frontdoor.intake.models import ReportedChild
    from frontdoor.screening.linking import create_person_from

    ellis, robin = contact.children.order_by("id")
    known = create_person_from(reported=ellis, by=worker)
    client.force_login(worker)
    offered = html.unescape(client.get(_match_url(contact, robin)).content.decode())
    assert "Already linked to Ellis Examplechild, another child in this contact" in offered
    asked = client.post(_match_url(contact, robin), {"action": "link", "person": known.pk})
    page = html.unescape(asked.content.decode())
    assert asked.status_code == 200
    assert "Robin Examplechild will become a further account of Ellis Examplechild" in page
    assert "no longer be listed as a separate child" in page
    robin.refresh_from_db()
    assert robin.person is None
    # Confirmed: the user lands on the contact's screening page, never a missing page.
    done = client.post(
        _match_url(contact, robin),
        {"action": "link", "person": known.pk, "same_child_confirmed": "on"},
        follow=True,
    )
    assert done.status_code == 200
    assert done.redirect_chain[-1][0] == reverse("screening:contact", args=[contact.reference])
    assert "Robin Examplechild is now a further account of Ellis Examplechild" in html.unescape(
        done.content.decode()
    )
    assert ReportedChild.accounts.get(pk=robin.pk).account_of == ellis


def test_the_history_says_a_link_that_changed_nothing_shown_as_the_link(client, worker, contact):
    ellis = contact.children.order_by("id").first()
    known = PersonFactory(
        first_name=ellis.first_name,
        last_name=ellis.last_name,
        date_of_birth=ellis.date_of_birth,
        sex=ellis.sex or "not_known",
    )
    link_reported_person(reported=ellis, person=known, by=worker)
    client.force_login(worker)
    page = client.get(reverse("people:person", args=[known.pk])).content.decode()
    history = page[page.index('id="history-table"') :]
    assert f"Linked to contact {contact.reference}" in history
    assert "No visible change" not in history
