"""Correcting a child's or adult's details after intake, with the reason (R4, R22, R45).

On the person's record and on a child or adult as a contact reported them; each field keeps a
correction row (who, when, what before, what after, why) and the change one audit entry. A
closed contact's data can be put right without changing its decisions. Restricted records are
corrected only by those the restriction names; partner agencies cannot correct at all.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from frontdoor.accounts.permissions import PermissionDeniedError
from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.people.corrections import correct_details
from frontdoor.people.models import Correction, Person
from frontdoor.people.selectors import corrections_of
from frontdoor.privacy.restrictions import restrict
from tests.people.factories import NHS_NUMBER, PersonFactory

pytestmark = pytest.mark.django_db
REASON = "The GP confirmed the details on the phone."


def _post(client, url, **values):
    data = {"reason": REASON, **values}
    for name in ("date_of_birth", "expected_date_of_birth"):
        day = data.pop(name, None)
        if isinstance(day, dt.date):
            data |= {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}
        elif isinstance(day, tuple):
            data |= dict(zip((f"{name}-day", f"{name}-month", f"{name}-year"), day, strict=True))
    return client.post(url, data)


def _current(record) -> dict:
    """What the page would post back unchanged: every detail as the record holds it."""
    from frontdoor.people.corrections import correctable_fields

    values = {}
    for name in correctable_fields(record):
        value = getattr(record, name)
        if name == "disabilities":
            value = value.split()
        values[name] = value if value is not None else ""
    return values


@pytest.fixture
def ellis():
    return PersonFactory(address="1 Example Street", nhs_number="")


def test_the_correction_page_shows_every_detail_and_is_logged_as_a_view(client, officer, ellis):
    client.force_login(officer)
    response = client.get(reverse("people:correct", args=[ellis.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for label in (
        "First name",
        "Last name",
        "Date of birth",
        "Expected date of birth",
        "Sex",
        "Gender",
        "Ethnicity",
        "First language",
        "Address",
        "Postcode",
        "NHS number",
        "Disability",
        "Why are you correcting these details?",
    ):
        assert label in page
    assert RecordView.objects.filter(viewer=officer, target_id=str(ellis.pk)).exists()


@pytest.mark.parametrize(
    ("field", "value", "stored", "before", "after"),
    [
        ("first_name", "Elis", "Elis", "Ellis", "Elis"),
        ("last_name", "Exampel", "Exampel", "Examplechild", "Exampel"),
        (
            "date_of_birth",
            dt.date(2015, 2, 3),
            dt.date(2015, 2, 3),
            "2 March 2015",
            "3 February 2015",
        ),
        ("sex", "female", "female", "Not known", "Female"),
        ("gender", "female", "female", "Male", "Female"),
        ("ethnicity", "White British", "White British", "Not recorded", "White British"),
        ("first_language", "Polish", "Polish", "Not recorded", "Polish"),
        ("address", "2 Example Road", "2 Example Road", "1 Example Street", "2 Example Road"),
        ("postcode", "l20 3nj", "L20 3NJ", "L21 7PQ", "L20 3NJ"),
        ("nhs_number", "943 476 5919", NHS_NUMBER, "Not recorded", NHS_NUMBER),
        (
            "disabilities",
            ["HEAR", "VIS"],
            "HEAR VIS",
            "Not known",
            "Hearing; Vision",
        ),
    ],
)
def test_each_detail_of_a_person_can_be_corrected_with_its_history(
    client, officer, ellis, field, value, stored, before, after
):
    client.force_login(officer)
    url = reverse("people:correct", args=[ellis.pk])
    response = _post(client, url, **{**_current(ellis), field: value})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("people:person", args=[ellis.pk])
    ellis.refresh_from_db()
    assert getattr(ellis, field) == stored
    (correction,) = corrections_of(ellis)
    assert (correction.field, correction.before, correction.after) == (field, before, after)
    assert correction.reason == REASON and correction.corrected_by == officer
    event = AuditEvent.objects.get(action="details.corrected")
    assert event.actor == officer and event.reason == REASON
    assert event.target_id == str(ellis.pk) and set(event.changes) == {field}
    # The record shows the correction, and its own history names who and why.
    page = client.get(reverse("people:person", args=[ellis.pk])).content.decode()
    assert "Corrections" in page and REASON in page
    latest = ellis.history.order_by("-history_date").first()
    assert latest.history_user == officer and REASON in latest.history_change_reason


def test_an_unborn_childs_expected_date_is_corrected_and_then_their_birth(client, officer):
    due = dt.date.today() + dt.timedelta(days=60)
    baby = PersonFactory(first_name="", date_of_birth=None, expected_date_of_birth=due)
    client.force_login(officer)
    url = reverse("people:correct", args=[baby.pk])
    later = due + dt.timedelta(days=7)
    assert (
        _post(client, url, **{**_current(baby), "expected_date_of_birth": later}).status_code == 302
    )
    baby.refresh_from_db()
    assert baby.expected_date_of_birth == later
    born = dt.date.today() - dt.timedelta(days=1)
    response = _post(
        client,
        url,
        **{**_current(baby), "date_of_birth": born, "expected_date_of_birth": ("", "", "")},
    )
    assert response.status_code == 302
    baby.refresh_from_db()
    assert (baby.date_of_birth, baby.expected_date_of_birth) == (born, None)
    assert Correction.objects.filter(record_id=baby.pk).count() == 3


def test_several_details_at_once_keep_one_row_each_and_one_audit_entry(officer, ellis):
    done = correct_details(
        record=ellis,
        by=officer,
        details={"first_name": "Elis", "sex": "male", "last_name": ellis.last_name},
        reason=REASON,
    )
    assert sorted(c.field for c in done) == ["first_name", "sex"]
    assert AuditEvent.objects.filter(action="details.corrected").count() == 1


def test_a_correction_needs_a_reason_and_a_change(officer, ellis):
    with pytest.raises(DomainError, match="why"):
        correct_details(record=ellis, by=officer, details={"first_name": "Elis"}, reason="  ")
    with pytest.raises(DomainError, match="Nothing was changed"):
        correct_details(record=ellis, by=officer, details={"first_name": "Ellis"}, reason=REASON)
    assert not Correction.objects.exists()


def test_an_nhs_number_already_on_another_record_is_refused(officer, ellis):
    PersonFactory(first_name="Robin", nhs_number=NHS_NUMBER)
    with pytest.raises(DomainError, match="already on the record"):
        correct_details(record=ellis, by=officer, details={"nhs_number": NHS_NUMBER}, reason=REASON)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"date_of_birth": ("31", "2", "2015")}, "date_of_birth", "must be a real date"),
        ({"date_of_birth": ("3", "", "2015")}, "date_of_birth", "must include a month"),
        ({"date_of_birth": dt.date(2099, 1, 1)}, "date_of_birth", "today or in the past"),
        ({"date_of_birth": dt.date(1899, 1, 1)}, "date_of_birth", "after 1900"),
        ({"postcode": "L21 7P"}, "postcode", "Enter a real postcode"),
        ({"nhs_number": "943 476 5918"}, "nhs_number", "Enter a real NHS number"),
        ({"disabilities": ["NONE", "HEAR"]}, "disabilities", "on its own"),
        ({"reason": ""}, "reason", "Enter why you are correcting these details"),
    ],
)
def test_bad_input_keeps_what_was_typed_with_a_govuk_error(
    client, officer, ellis, values, field, message
):
    client.force_login(officer)
    typed = {**_current(ellis), "first_name": "Elliss", **values}
    response = _post(client, reverse("people:correct", args=[ellis.pk]), **typed)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert "<title>Error: Correct the details of" in page
    assert 'value="Elliss"' in page  # what was typed stays
    for name in ("postcode", "nhs_number"):
        if name in values:
            assert f'value="{values[name]}"' in page
    if isinstance(values.get("date_of_birth"), tuple):
        day = values["date_of_birth"][0]
        assert f'name="date_of_birth-day" type="text" inputmode="numeric" value="{day}"' in page
    ellis.refresh_from_db()
    assert ellis.first_name == "Ellis"
    assert not Correction.objects.exists()


# A child or adult as the contact reported them.


def _reported_url(contact, kind, reported):
    return reverse("screening:correct_reported", args=[contact.reference, kind, reported.pk])


def test_a_reported_child_is_corrected_on_the_contact_and_shown_there(client, officer, contact):
    child = contact.children.order_by("id").first()
    client.force_login(officer)
    contact_page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert _reported_url(contact, "child", child) in contact_page
    values = {**_current(child), "nhs_number": "9434765919", "sex": "male", "disabilities": ["AUT"]}
    response = _post(client, _reported_url(contact, "child", child), **values)
    assert response.status_code == 302
    assert response["Location"].endswith("#children")
    child.refresh_from_db()
    assert (child.nhs_number, child.sex, child.disabilities) == ("9434765919", "male", "AUT")
    assert {c.field for c in corrections_of(child)} == {"nhs_number", "sex", "disabilities"}
    assert all(c.contact_reference == contact.reference for c in corrections_of(child))
    event = AuditEvent.objects.get(action="details.corrected")
    assert event.target_type == "intake.reportedchild" and event.target_id == str(child.pk)
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert 'id="corrections"' in page and REASON in page
    assert "Diagnosed with autism" in page


def test_the_banner_names_a_child_renamed_by_their_new_name(client, officer, contact):
    child = contact.children.order_by("id").first()
    before = str(child)
    client.force_login(officer)
    response = _post(
        client, _reported_url(contact, "child", child), **{**_current(child), "first_name": "Leon"}
    )
    assert response.status_code == 302
    page = html.unescape(client.get(response["Location"]).content.decode())
    child.refresh_from_db()
    assert str(child) != before
    assert f"Corrected for {child}: first name." in page
    assert f"Corrected for {before}" not in page


def test_the_contact_links_a_child_to_the_person_record_by_the_records_own_name(
    client, officer, contact
):
    child = contact.children.order_by("id").first()
    child.person = PersonFactory(first_name="Oscar", last_name="Testington")
    child.save(update_fields=["person"])
    client.force_login(officer)
    page = html.unescape(
        client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    )
    link = page.split(f'href="{reverse("people:person", args=[child.person_id])}">')[1].split(
        "</a>"
    )[0]
    assert "Oscar Testington" in link
    assert child.name not in link


def test_a_reported_adult_is_corrected_and_has_no_nhs_number_to_correct(client, officer, contact):
    adult = contact.adults.get()
    client.force_login(officer)
    page = client.get(_reported_url(contact, "adult", adult)).content.decode()
    main = page[page.index("<main") :]  # the header's search box names NHS numbers too
    assert "NHS number" not in main and "Expected date of birth" not in main
    born = dt.date(1990, 5, 6)
    response = _post(
        client, _reported_url(contact, "adult", adult), **{**_current(adult), "date_of_birth": born}
    )
    assert response.status_code == 302
    adult.refresh_from_db()
    assert adult.date_of_birth == born
    assert corrections_of(adult).get().before == "Not recorded"


def test_a_reported_child_becomes_born_when_a_date_of_birth_replaces_the_expected_one(
    officer, make_contact
):
    due = dt.date(2026, 12, 1)
    contact = make_contact(children=[{"unborn": True, "expected_date_of_birth": due.isoformat()}])
    baby = contact.children.get()
    correct_details(
        record=baby,
        by=officer,
        details={"date_of_birth": dt.date(2026, 11, 20), "expected_date_of_birth": None},
        reason=REASON,
    )
    baby.refresh_from_db()
    assert (baby.unborn, baby.date_of_birth, baby.expected_date_of_birth) == (
        False,
        dt.date(2026, 11, 20),
        None,
    )
    with pytest.raises(DomainError, match="not both"):
        correct_details(
            record=baby, by=officer, details={"expected_date_of_birth": due}, reason=REASON
        )


def test_a_correction_on_a_closed_contact_is_allowed_and_changes_no_decision(
    contact, officer, manager
):
    from frontdoor.screening.decisions import complete_follow_up
    from frontdoor.screening.models import Decision, FollowUp
    from frontdoor.screening.transitions import close_contact
    from tests.screening.test_decisions import decide

    for child in contact.children.all():
        decide(contact, child, manager, level=1, outcome="information_and_advice")
    for follow_up in FollowUp.objects.filter(done_at__isnull=True):
        complete_follow_up(follow_up=follow_up, by=manager, note="Mum phoned")
    close_contact(contact=contact, by=manager)
    contact.refresh_from_db()
    decisions_before = list(Decision.objects.order_by("id").values())
    version = contact.version
    child = contact.children.order_by("id").first()
    correct_details(record=child, by=officer, details={"ethnicity": "White British"}, reason=REASON)
    contact.refresh_from_db()
    assert contact.state == Contact.State.CLOSED and contact.version == version
    assert list(Decision.objects.order_by("id").values()) == decisions_before
    child.refresh_from_db()
    assert child.ethnicity == "White British"


def test_correcting_the_person_does_not_touch_what_the_contact_reported(
    officer, contact, person_for
):
    child = contact.children.order_by("id").first()
    person = person_for(child)
    correct_details(record=person, by=officer, details={"first_name": "Elis"}, reason=REASON)
    child.refresh_from_db()
    assert child.first_name == "Ellis"  # what the report said stays as it said it
    assert Person.objects.get(pk=person.pk).first_name == "Elis"


# Who may correct.


def test_a_partner_agency_user_cannot_correct(client, make_user, contact, ellis):
    police = make_user(Role.PARTNER_AGENCY)
    with pytest.raises(PermissionDeniedError):
        correct_details(record=ellis, by=police, details={"first_name": "X"}, reason=REASON)
    client.force_login(police)
    child = contact.children.first()
    for url in (
        reverse("people:correct", args=[ellis.pk]),
        _reported_url(contact, "child", child),
    ):
        assert client.get(url).status_code == 403
        assert _post(client, url, first_name="X").status_code == 403
    ellis.refresh_from_db()
    assert ellis.first_name == "Ellis"


@pytest.mark.parametrize("role", [Role.PERFORMANCE_ANALYST, Role.EARLY_HELP_WORKER])
def test_roles_the_matrix_does_not_allow_cannot_correct(make_user, ellis, role):
    with pytest.raises(PermissionDeniedError, match="cannot correct a child's or adult's details"):
        correct_details(
            record=ellis, by=make_user(role), details={"first_name": "X"}, reason=REASON
        )


@pytest.fixture
def restricted(contact, person_for, admin, worker):
    """Ellis is a member of staff's family: only `worker` may see his record."""
    person = person_for(contact.children.order_by("id").first())
    restrict(person=person, allowed_users=[worker], ask="Head of Service", reason="Staff", by=admin)
    return person


def test_a_restricted_record_is_corrected_only_by_those_named(
    client, restricted, contact, officer, worker
):
    child = contact.children.order_by("id").first()
    with pytest.raises(PermissionDeniedError, match="restricted"):
        correct_details(record=restricted, by=officer, details={"sex": "male"}, reason=REASON)
    with pytest.raises(PermissionDeniedError, match="restricted"):
        correct_details(record=child, by=officer, details={"sex": "male"}, reason=REASON)
    client.force_login(officer)
    response = client.get(reverse("people:correct", args=[restricted.pk]))
    assert response.status_code == 403 and "Head of Service" in response.content.decode()
    assert client.get(_reported_url(contact, "child", child)).status_code == 404
    assert not Correction.objects.exists()
    # The worker the restriction names may correct it.
    client.force_login(worker)
    response = _post(
        client,
        reverse("people:correct", args=[restricted.pk]),
        **{**_current(restricted), "sex": "male"},
    )
    assert response.status_code == 302
    restricted.refresh_from_db()
    assert restricted.sex == "male"


def test_a_subject_access_export_lists_the_corrections_of_the_persons_record(officer, ellis, admin):
    from frontdoor.privacy.subject_access import subject_access_export

    correct_details(
        record=ellis, by=officer, details={"sex": "male", "disabilities": "NONE"}, reason=REASON
    )
    ellis.refresh_from_db()
    export = subject_access_export(person=ellis, by=admin)
    assert export["person"]["sex"] == "Male"
    assert export["person"]["disability"] == "No disability"
    assert sorted(
        (c["detail"], c["before"], c["after"], c["reason"]) for c in export["corrections"]
    ) == [
        ("Disability", "Not known", "No disability", REASON),
        ("Sex", "Not known", "Male", REASON),
    ]


def test_a_correction_from_a_page_opened_before_anothers_is_refused_not_applied(
    client, officer, worker, ellis
):
    url = reverse("people:correct", args=[ellis.pk])
    client.force_login(officer)
    page = client.get(url).content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    # Meanwhile a colleague corrects the first name.
    correct_details(record=ellis, by=worker, details={"first_name": "Elis"}, reason=REASON)
    # The officer's page still says Ellis; saving it would put Ellis back without anyone knowing.
    response = _post(client, url, **{**_current(ellis), "first_name": "Ellis", "seen": seen})
    ellis.refresh_from_db()
    ellis_then = {**_current(ellis), "first_name": "Ellis"}
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else corrected the details" in page
    assert 'id="on-record"' in page and "Elis" in page
    assert ellis.first_name == "Elis" and Correction.objects.count() == 1
    # Saving again, having seen the details as they are now, is a deliberate correction.
    fresh = page.split('name="seen" value="')[1].split('"')[0]
    assert _post(client, url, **{**ellis_then, "seen": fresh}).status_code == 302
    ellis.refresh_from_db()
    assert ellis.first_name == "Ellis" and Correction.objects.count() == 2


def test_the_banner_names_each_detail_corrected_by_its_label(client, officer, ellis):
    client.force_login(officer)
    url = reverse("people:correct", args=[ellis.pk])
    response = _post(client, url, **{**_current(ellis), "nhs_number": "943 476 5919"})
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert f"Corrected for {ellis}: NHS number." in html.unescape(page)
    assert "nhs number" not in page


def test_an_empty_detail_is_shown_in_words_in_old_and_new_corrections(
    client, officer, ellis, contact, admin
):
    from frontdoor.privacy.subject_access import subject_access_export

    # A row kept before empty details were shown in words stored "(blank)": it stays as it was.
    Correction.objects.create(
        record_type="people.person",
        record_id=ellis.pk,
        field="first_language",
        label="First language",
        before="(blank)",
        after="Polish",
        reason="An old correction.",
        corrected_by=officer,
        corrected_at=dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC),
    )
    child = contact.children.order_by("id").first()
    Correction.objects.create(
        record_type="intake.reportedchild",
        record_id=child.pk,
        contact_reference=contact.reference,
        field="ethnicity",
        label="Ethnicity",
        before="White British",
        after="(blank)",
        reason="An old correction.",
        corrected_by=officer,
        corrected_at=dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC),
    )
    correct_details(record=ellis, by=officer, details={"ethnicity": "White British"}, reason=REASON)
    assert Correction.objects.get(field="ethnicity", record_type="people.person").before == (
        "Not recorded"
    )
    assert Correction.objects.filter(before="(blank)").count() == 1  # history is not rewritten
    client.force_login(officer)
    for url in (
        reverse("people:person", args=[ellis.pk]),
        reverse("people:correct", args=[ellis.pk]),
        reverse("intake:contact", args=[contact.reference]),
    ):
        page = client.get(url).content.decode()
        assert "(blank)" not in page, url
        assert "Not recorded" in page, url
    export = subject_access_export(person=ellis, by=admin)
    assert sorted((c["detail"], c["before"]) for c in export["corrections"]) == [
        ("Ethnicity", "Not recorded"),
        ("First language", "Not recorded"),
    ]


# A correction on the contact, made to the linked person record too.

ALSO = "Also correct Ellis Examplechild's person record"


@pytest.fixture
def linked(contact, worker):
    """Ellis as the contact reported him, linked to a person record made from the report."""
    from frontdoor.screening.linking import create_person_from

    child = contact.children.get(first_name="Ellis")
    person = create_person_from(reported=child, by=worker)
    child.refresh_from_db()
    return child, person


def _ticked(page: str) -> bool:
    box = page.split('name="also_person"')[1].split(">")[0]
    return " checked" in box


def test_a_correction_on_the_contact_is_made_to_the_linked_person_record_too(
    client, officer, contact, linked
):
    child, person = linked
    client.force_login(officer)
    url = _reported_url(contact, "child", child)
    page = html.unescape(client.get(url).content.decode())
    assert ALSO in page and _ticked(page)  # the two said the same: ticked
    assert RecordView.objects.filter(viewer=officer, target_id=str(person.pk)).exists()
    born = dt.date(2015, 2, 3)

    response = _post(
        client,
        url,
        **{**_current(child), "date_of_birth": born, "nhs_number": NHS_NUMBER},
        also_person="on",
    )

    assert response.status_code == 302, response.content.decode()
    child.refresh_from_db()
    person.refresh_from_db()
    assert (child.date_of_birth, child.nhs_number) == (born, NHS_NUMBER)
    assert (person.date_of_birth, person.nhs_number) == (born, NHS_NUMBER)
    rows = corrections_of(person)
    assert sorted((c.field, c.before, c.after, c.reason, c.corrected_by) for c in rows) == [
        ("date_of_birth", "2 March 2015", "3 February 2015", REASON, officer),
        ("nhs_number", "Not recorded", NHS_NUMBER, REASON, officer),
    ]
    assert {c.field for c in corrections_of(child)} == {"date_of_birth", "nhs_number"}
    events = AuditEvent.objects.filter(action="details.corrected")
    assert sorted((e.target_type, e.target_id, e.reason) for e in events) == [
        ("intake.reportedchild", str(child.pk), REASON),
        ("people.person", str(person.pk), REASON),
    ]
    assert events.get(target_type="people.person").changes["date_of_birth"] == {
        "before": "2015-03-02",
        "after": "2015-02-03",
    }
    latest = person.history.order_by("-history_date").first()
    assert latest.history_user == officer and REASON in latest.history_change_reason
    banner = html.unescape(client.get(response["Location"]).content.decode())
    assert (
        "Also corrected on Ellis Examplechild's person record: NHS number, date of birth" in banner
    )


def test_the_person_record_is_left_as_it_is_when_the_box_is_unticked(
    client, officer, contact, linked
):
    child, person = linked
    client.force_login(officer)
    response = _post(
        client, _reported_url(contact, "child", child), **{**_current(child), "first_name": "Elis"}
    )
    assert response.status_code == 302
    child.refresh_from_db()
    person.refresh_from_db()
    assert (child.first_name, person.first_name) == ("Elis", "Ellis")
    assert not corrections_of(person).exists()


def test_the_box_is_unticked_and_names_what_differs_when_the_person_record_says_otherwise(
    client, officer, contact, linked
):
    child, person = linked
    correct_details(record=person, by=officer, details={"gender": "female"}, reason=REASON)
    client.force_login(officer)
    page = html.unescape(client.get(_reported_url(contact, "child", child)).content.decode())
    assert ALSO in page and not _ticked(page)
    assert "The person record gives a different gender from the contact" in page


def test_a_child_not_linked_to_a_person_record_is_offered_no_box(client, officer, contact):
    child = contact.children.get(first_name="Ellis")
    sex = child.sex
    client.force_login(officer)
    page = client.get(_reported_url(contact, "child", child)).content.decode()
    assert "also_person" not in page
    with pytest.raises(DomainError, match="not linked to a person record"):
        correct_details(
            record=child, by=officer, details={"sex": "male"}, reason=REASON, also_person=True
        )
    child.refresh_from_db()
    assert child.sex == sex and not Correction.objects.exists()


def test_both_records_are_corrected_or_neither(officer, contact, linked):
    child, _ = linked
    PersonFactory(nhs_number=NHS_NUMBER)  # another child's record holds the number
    with pytest.raises(DomainError, match="already on the record of person"):
        correct_details(
            record=child,
            by=officer,
            details={"nhs_number": NHS_NUMBER},
            reason=REASON,
            also_person=True,
        )
    child.refresh_from_db()
    assert child.nhs_number == "" and not Correction.objects.exists()
    assert not AuditEvent.objects.filter(action="details.corrected").exists()


def test_a_person_record_changed_since_the_page_opened_is_not_corrected_over(
    client, officer, worker, contact, linked
):
    child, person = linked
    client.force_login(officer)
    url = _reported_url(contact, "child", child)
    page = client.get(url).content.decode()
    seen = page.split('name="seen" value="')[1].split('"')[0]
    person_seen = page.split('name="person_seen" value="')[1].split('"')[0]
    correct_details(record=person, by=worker, details={"first_name": "Elliot"}, reason=REASON)

    response = _post(
        client,
        url,
        **{**_current(child), "first_name": "Elis"},
        also_person="on",
        seen=seen,
        person_seen=person_seen,
    )

    assert response.status_code == 400
    assert "Someone else corrected the details" in html.unescape(response.content.decode())
    child.refresh_from_db()
    person.refresh_from_db()
    assert (child.first_name, person.first_name) == ("Ellis", "Elliot")


def test_a_restricted_person_record_is_corrected_from_the_contact_only_by_those_named(
    client, contact, officer, worker, admin, linked
):
    child, person = linked
    restrict(person=person, allowed_users=[worker], ask="Head of Service", reason="Staff", by=admin)
    with pytest.raises(PermissionDeniedError, match="restricted"):
        correct_details(
            record=child, by=officer, details={"sex": "male"}, reason=REASON, also_person=True
        )
    client.force_login(officer)
    assert client.get(_reported_url(contact, "child", child)).status_code == 404
    assert not Correction.objects.exists()

    client.force_login(worker)
    response = _post(
        client,
        _reported_url(contact, "child", child),
        **{**_current(child), "sex": "male"},
        also_person="on",
    )

    assert response.status_code == 302
    child.refresh_from_db()
    person.refresh_from_db()
    assert (child.sex, person.sex) == ("male", "male")
    assert corrections_of(person).get().corrected_by == worker


def test_a_correction_on_a_closed_contact_is_made_to_the_person_record_too(
    contact, officer, manager, linked
):
    from frontdoor.screening.decisions import complete_follow_up
    from frontdoor.screening.models import Decision, FollowUp
    from frontdoor.screening.transitions import close_contact
    from tests.screening.test_decisions import decide

    child, person = linked
    for reported in contact.children.all():
        decide(contact, reported, manager, level=1, outcome="information_and_advice")
    for follow_up in FollowUp.objects.filter(done_at__isnull=True):
        complete_follow_up(follow_up=follow_up, by=manager, note="Mum phoned")
    close_contact(contact=contact, by=manager)
    contact.refresh_from_db()
    decisions_before = list(Decision.objects.order_by("id").values())
    version = contact.version

    correct_details(
        record=child,
        by=officer,
        details={"ethnicity": "White British", "address": "2 Example Road"},
        reason=REASON,
        also_person=True,
    )

    contact.refresh_from_db()
    assert contact.state == Contact.State.CLOSED and contact.version == version
    assert list(Decision.objects.order_by("id").values()) == decisions_before
    person.refresh_from_db()
    assert (person.ethnicity, person.address) == ("White British", "2 Example Road")
    assert person.address_reported_at is not None  # an older report will not move him back


def test_the_correction_page_offering_the_person_record_passes_the_html_checks(
    client, officer, contact, linked
):
    from frontdoor.policy.registry import current_policy
    from tests.attacks.html_checks import page_problems, policy_keys

    child, _ = linked
    keys = policy_keys(current_policy())
    client.force_login(officer)
    url = _reported_url(contact, "child", child)
    assert page_problems(client.get(url).content.decode(), policy_keys=keys) == []
    response = _post(client, url, **{**_current(child), "reason": ""}, also_person="on")
    assert response.status_code == 400
    page = response.content.decode()
    assert page_problems(page, policy_keys=keys) == []
    assert _ticked(page)  # what was chosen stays chosen
