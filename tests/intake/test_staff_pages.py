"""Staff pages for recording contacts, missing episodes and consultations, and the contact record.

Each page's happy path beside its refusals: wrong role, bad input with GOV.UK messages and nothing
saved, a double submit making one contact (R1-R11, R25).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent, RecordView
from frontdoor.errors import DomainError
from frontdoor.intake.models import Attachment, Channel, Consultation, Contact, Report
from frontdoor.intake.services import attach_report, record_consultation, record_contact
from frontdoor.intake.submissions import Submission, error_messages
from tests.intake.factories import make_submission, submission_data

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db

NEW = reverse("intake:new")
MISSING = reverse("intake:missing_new")
CONSULTATIONS = reverse("intake:consultations")


def date_parts(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def contact_form_data(*, received: dt.datetime | None = None, **overrides: str) -> dict[str, str]:
    """What a contact officer types for a school's telephone call about two siblings."""
    received = (received or timezone.now() - dt.timedelta(hours=2)).astimezone(LONDON)
    data = {
        "submission_key": secrets.token_urlsafe(24),
        "children_count": "2",
        "adults_count": "1",
        "channel": "telephone",
        **date_parts("received_on", received.date()),
        "received_time": f"{received:%H:%M}",
        "referrer_type": "professional",
        "referrer_name": "Pat Referrer",
        "referrer_agency": "Litherland High School",
        "referrer_role": "Designated safeguarding lead",
        "referrer_phone": "0151 000 0000",
        "child_0_first_name": "Ellis",
        "child_0_last_name": "Examplechild",
        **date_parts("child_0_date_of_birth", dt.date(2015, 3, 2)),
        "child_0_gender": "male",
        "child_0_postcode": "l21 7pq",
        "child_1_first_name": "Robin",
        "child_1_last_name": "Examplechild",
        **date_parts("child_1_date_of_birth", dt.date(2018, 9, 14)),
        "child_1_gender": "female",
        "adult_0_first_name": "Jo",
        "adult_0_last_name": "Examplechild",
        "adult_0_relationship_to_child": "Mother",
        "adult_0_parental_responsibility": "yes",
        "adult_0_lives_with_child": "yes",
        "adult_0_gender": "not_known",
        "worry": "Ellis arrived with a bruise and said Mum's partner hit him.",
        "immediate_protection_needed": "no",
        "domestic_abuse": "yes",
        "consent": "given",
        "summary": "Telephone call from the school's safeguarding lead.",
    }
    data.update(overrides)
    return data


def error_summary(response) -> list[tuple[str, str]]:
    """The (link, message) pairs of the page's GOV.UK error summary."""
    body = response.content.decode()
    summary = re.search(r'class="govuk-error-summary".*?</ul>', body, re.S)
    if not summary:
        return []
    return [
        (href, unescape(text))
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', summary.group(0))
    ]


@pytest.fixture
def officer(make_user):
    return make_user(Role.CONTACT_OFFICER)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


def _contact_url(contact: Contact) -> str:
    return reverse("intake:contact", args=[contact.reference])


def _recorded(**kwargs) -> Contact:
    return record_contact(
        submission=make_submission(), channel=Channel.ONLINE_FORM, **kwargs
    ).contact


# Recording a contact --------------------------------------------------------------------------


def test_r2_a_contact_officer_records_a_telephone_contact_about_a_sibling_group(signed_in, officer):
    received = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    response = signed_in.post(NEW, contact_form_data(received=received))

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _contact_url(contact)
    report = contact.reports.get()
    assert report.channel == Channel.TELEPHONE
    assert report.recorded_by == officer
    assert report.received_at == received
    assert contact.received_at == received
    assert [c.first_name for c in contact.children.order_by("id")] == ["Ellis", "Robin"]
    assert contact.children.first().postcode == "L21 7PQ"  # normalised by the Submission
    assert contact.adults.get().relationship_to_child == "Mother"
    page = signed_in.get(response["Location"]).content.decode()
    assert f"Contact recorded: {contact.reference}" in page


def test_r2_r32_an_edt_contact_taken_overnight_is_recorded_later_and_due_in_core_hours(signed_in):
    # Saturday 02:00: the EDT takes the call; the MASH follows up by Monday's close (R25, R32).
    saturday_night = dt.datetime(2026, 11, 21, 2, 0, tzinfo=LONDON)
    response = signed_in.post(NEW, contact_form_data(received=saturday_night, channel="edt"))

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.reports.get().channel == Channel.EDT
    assert contact.progress_due_at == dt.datetime(2026, 11, 23, 17, 30, tzinfo=LONDON)


@pytest.mark.parametrize("channel", ["in_person", "letter", "email", "police_notification"])
def test_r2_every_staff_channel_can_be_recorded(signed_in, channel):
    assert signed_in.post(NEW, contact_form_data(channel=channel)).status_code == 302
    assert Report.objects.get().channel == channel


def test_the_form_is_shown_with_a_submission_key_and_the_time_now(signed_in):
    page = signed_in.get(NEW).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page
    assert re.search(r'name="submission_key" value="[\w-]{24,}"', page)
    assert f'value="{timezone.localtime():%Y}"' in page
    assert "Add another child" in page


def test_every_field_is_drawn_once_so_no_answer_is_lost(signed_in):
    page = signed_in.get(NEW).content.decode()
    fields = [
        dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    ]
    # Radios and checkboxes share a name by design; each form on the page has its own token.
    names = [
        field["name"]
        for field in fields
        if field.get("type") not in ("radio", "checkbox", "hidden") and "name" in field
    ]
    assert sorted({name for name in names if names.count(name) > 1}) == []
    ids = [field["id"] for field in fields if "id" in field]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_referrers_view_of_the_level_of_need_is_kept(signed_in):
    assert signed_in.post(NEW, contact_form_data(referrer_level_of_need="3")).status_code == 302
    assert Report.objects.get().referrer_level_of_need == 3


def test_a_received_time_in_the_future_is_refused_and_nothing_is_saved(signed_in):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    response = signed_in.post(NEW, contact_form_data(received=tomorrow))

    assert response.status_code == 400
    assert error_summary(response) == [
        ("#id_received_on-day", "The time received must be now or in the past")
    ]
    assert Contact.objects.count() == 0


def test_missing_required_answers_get_govuk_messages_and_nothing_is_saved(signed_in):
    response = signed_in.post(NEW, {"submission_key": secrets.token_urlsafe(24)})

    body = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Record a contact" in body
    assert error_summary(response) == [
        ("#id_channel", "Select how the contact arrived"),
        ("#id_received_on-day", "Enter the date the contact was received"),
        ("#id_received_time", "Enter the time the contact was received"),
        ("#id_referrer_type", "Select who made the contact"),
        ("#id_child_0_first_name", "Add at least one child"),
        ("#id_worry", "Enter what you are worried about"),
        ("#id_consent", "Select whether consent was given"),
    ]
    # Each message also sits beside its field.
    assert 'id="id_worry-error"' in body
    assert Contact.objects.count() == 0
    assert Report.objects.count() == 0


def _submission_message(path: str, child: dict) -> str:
    """The Submission's own message, so the page is checked against the one shape's wording."""
    try:
        make_submission(children=[child])
    except ValidationError as error:
        return error_messages(error)[path]
    raise AssertionError("the child should have been refused")


def test_the_submission_rules_are_shown_on_the_fields_they_concern(signed_in):
    nhs = {"first_name": "Robin", "nhs_number": "1234567890"}
    data = contact_form_data(
        referrer_phone="not a phone",
        child_1_nhs_number=nhs["nhs_number"],
        **date_parts("child_0_date_of_birth", dt.date(2015, 2, 1))
        | {"child_0_date_of_birth-day": "31"},
        adult_0_postcode="nowhere",
        consent="not_sought",
    )
    response = signed_in.post(NEW, data)

    assert error_summary(response) == [
        ("#id_referrer_phone", "Enter a telephone number, like 0151 934 4013"),
        ("#id_child_0_date_of_birth-day", "Date of birth must be a real date"),
        ("#id_child_1_nhs_number", _submission_message("children.0.nhs_number", nhs)),
        ("#id_adult_0_postcode", "Enter a real postcode, like L20 3NJ"),
        ("#id_consent_not_sought_reason", "Select why consent was not sought"),
    ]
    # What was typed is kept, to be corrected.
    assert 'value="not a phone"' in response.content.decode()
    assert Contact.objects.count() == 0


def test_r5_an_unborn_child_needs_an_expected_date_of_birth(signed_in):
    data = contact_form_data(children_count="1", child_0_unborn="on", child_0_first_name="")
    for part in ("day", "month", "year"):
        data.pop(f"child_0_date_of_birth-{part}")
    response = signed_in.post(NEW, data)
    assert error_summary(response) == [
        ("#id_child_0_expected_date_of_birth-day", "Enter the expected date of birth")
    ]
    due = timezone.localdate() + dt.timedelta(days=90)
    data |= date_parts("child_0_expected_date_of_birth", due)
    assert signed_in.post(NEW, data).status_code == 302
    assert Contact.objects.get().children.get().expected_date_of_birth == due


def test_a_double_submitted_form_makes_one_contact(signed_in):
    data = contact_form_data()
    first = signed_in.post(NEW, data)
    again = signed_in.post(NEW, data)

    assert Contact.objects.count() == 1
    assert Report.objects.count() == 1
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert "already recorded" in signed_in.get(again["Location"]).content.decode()


def test_add_another_child_redraws_the_form_with_what_was_typed_and_no_errors(signed_in):
    data = contact_form_data(children_count="2", add_child="1")
    response = signed_in.post(NEW, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert error_summary(response) == []
    assert 'id="child-3"' in body and 'name="child_2_first_name"' in body
    assert 'value="Robin"' in body
    assert f'value="{data["submission_key"]}"' in body  # the same submission
    assert Contact.objects.count() == 0


def test_blank_extra_child_fieldsets_are_ignored(signed_in):
    assert signed_in.post(NEW, contact_form_data(children_count="3")).status_code == 302
    assert Contact.objects.get().children.count() == 2


def test_add_another_adult_adds_a_fieldset(signed_in):
    response = signed_in.post(NEW, contact_form_data(add_adult="1"))
    assert 'name="adult_1_first_name"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        reverse("intake:inbox"),
        NEW,
        MISSING,
        CONSULTATIONS,
        reverse("intake:contact", args=["FD-TEST-0000"]),
        reverse("intake:attach", args=["FD-TEST-0000"]),
    ],
)
@pytest.mark.parametrize("role", [Role.PARTNER_AGENCY, Role.EARLY_HELP_WORKER])
def test_partners_and_early_help_workers_are_refused_the_staff_pages(client, make_user, url, role):
    client.force_login(make_user(role))
    response = client.get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot use this page" in body
    assert "this is for" in body  # names the roles that may


def test_a_partner_cannot_post_a_contact(client, make_user):
    client.force_login(make_user(Role.PARTNER_AGENCY))
    assert client.post(NEW, contact_form_data()).status_code == 403
    assert Contact.objects.count() == 0


def test_a_service_manager_sees_the_inbox_but_cannot_record_contacts(client, make_user):
    client.force_login(make_user(Role.SERVICE_MANAGER))
    inbox = client.get(reverse("intake:inbox"))
    assert inbox.status_code == 200
    assert "Record a contact" not in inbox.content.decode()
    assert client.get(NEW).status_code == 403


@pytest.mark.parametrize("url", [reverse("intake:inbox"), NEW, MISSING, CONSULTATIONS])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_home_page_links_to_the_contact_pages(signed_in):
    page = signed_in.get(reverse("home")).content.decode()
    for name in ("intake:new", "intake:inbox", "intake:missing_new"):
        assert f'href="{reverse(name)}"' in page


# The contact record -----------------------------------------------------------------------------


def test_the_contact_page_shows_every_report_child_adult_and_the_audit_trail(signed_in, officer):
    contact = _recorded()
    police = make_submission(
        referrer={
            "type": "professional",
            "name": "PC Example",
            "agency": "Merseyside Police",
            "role": "Constable",
            "phone": "101",
        },
        children=[{"first_name": "Ellis", "last_name": "Examplechild"}],
        adults=[{"first_name": "Sam", "relationship_to_child": "Mother's partner"}],
    )
    attach_report(
        contact=contact, submission=police, channel=Channel.POLICE_NOTIFICATION, by=officer
    )

    body = signed_in.get(_contact_url(contact)).content.decode()

    assert f"Contact {contact.reference}" in body
    assert "Reports (2)" in body
    assert "Online referral form" in body and "Police notification" in body
    assert "Pat Referrer" in body and "PC Example" in body
    assert "Ellis Examplechild" in body and "Robin Examplechild" in body
    assert "Jo Examplechild" in body and "Mother&#x27;s partner" in body
    assert "Contact recorded" in body and "Further report added" in body
    assert "contact.recorded" not in body
    assert "To be progressed by" in body


def test_every_view_of_a_contact_is_logged_with_who_and_when(signed_in, officer):
    contact = _recorded()
    signed_in.get(_contact_url(contact))
    response = signed_in.get(_contact_url(contact))

    views = RecordView.objects.filter(target_type="intake.contact", target_id=str(contact.pk))
    assert views.count() == 2
    assert {v.viewer for v in views} == {officer}
    assert {v.through for v in views} == {"contact page"}
    assert "Who has seen this contact (2 views)" in response.content.decode()


def test_a_contact_page_query_count_does_not_grow_with_reports(
    signed_in, officer, django_assert_max_num_queries
):
    contact = _recorded()
    for _ in range(5):
        attach_report(
            contact=contact, submission=make_submission(), channel=Channel.LETTER, by=officer
        )
    # 19 with one report or six: each part of the page is one query, however many reports.
    with django_assert_max_num_queries(19):
        signed_in.get(_contact_url(contact))


def test_an_unknown_reference_is_not_found(signed_in):
    assert signed_in.get(reverse("intake:contact", args=["FD-NONE-0000"])).status_code == 404


def test_markup_typed_into_free_text_is_stored_as_typed_and_shown_as_text(signed_in):
    markup = "<script>alert('x')</script> & <b>bold</b>"
    signed_in.post(NEW, contact_form_data(worry=markup, summary=markup, child_0_first_name=markup))

    report = Report.objects.get()
    assert report.worry == markup
    assert report.summary == markup
    body = signed_in.get(_contact_url(report.contact)).content.decode()
    assert "<script>alert" not in body
    assert "<b>bold</b>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in body
    inbox = signed_in.get(reverse("intake:inbox")).content.decode()
    assert "<script>alert" not in inbox and "&lt;script&gt;" in inbox


# R7: another report of the same incident, and R3: the written follow-up -------------------------


def test_r7_a_second_report_is_attached_to_the_contact_with_its_own_referrer(signed_in, officer):
    contact = _recorded()
    due = contact.progress_due_at
    data = contact_form_data(
        channel="police_notification",
        referrer_name="PC Example",
        referrer_agency="Merseyside Police",
        referrer_role="Constable",
        children_count="1",
        adults_count="0",
    )
    response = signed_in.post(reverse("intake:attach", args=[contact.reference]), data)

    assert response.status_code == 302
    assert response["Location"] == _contact_url(contact)
    assert Contact.objects.count() == 1
    contact.refresh_from_db()
    reports = contact.reports.order_by("id")
    assert [r.referrer_name for r in reports] == ["Pat Referrer", "PC Example"]
    assert [r.channel for r in reports] == [Channel.ONLINE_FORM, Channel.POLICE_NOTIFICATION]
    assert reports.last().recorded_by == officer
    assert contact.progress_due_at == due  # R7: the contact is not held up
    # Sent twice, it is added once.
    signed_in.post(reverse("intake:attach", args=[contact.reference]), data)
    assert contact.reports.count() == 2


def test_r3_a_telephoned_immediate_concern_shows_the_written_referral_awaited(signed_in):
    signed_in.post(NEW, contact_form_data(immediate_protection_needed="yes"))
    contact = Contact.objects.get()
    assert contact.written_follow_up_due_at is not None
    assert "Written referral awaited" in signed_in.get(_contact_url(contact)).content.decode()

    letter = contact_form_data(channel="letter", children_count="1", adults_count="0")
    signed_in.post(reverse("intake:attach", args=[contact.reference]), letter)
    body = signed_in.get(_contact_url(contact)).content.decode()
    assert "Written referral awaited" not in body
    assert "Received" in body


def test_a_report_cannot_be_attached_to_a_closed_contact(signed_in):
    contact = _recorded()
    # No closing service exists yet (screening's): the state is set directly for this refusal.
    Contact.objects.filter(pk=contact.pk).update(state=Contact.State.CLOSED)
    data = contact_form_data(children_count="1", adults_count="0")
    response = signed_in.post(reverse("intake:attach", args=[contact.reference]), data)

    assert response.status_code == 400
    assert error_summary(response) == [
        # About the whole form: linked to its first field.
        ("#id_channel", f"Contact {contact.reference} is closed: record a new contact instead.")
    ]
    assert contact.reports.count() == 1


# R9: missing episodes -----------------------------------------------------------------------------


def missing_form_data(**overrides: str) -> dict[str, str]:
    went = (timezone.now() - dt.timedelta(hours=30)).astimezone(LONDON)
    data = contact_form_data(channel="edt", children_count="1", adults_count="0")
    data |= {
        **date_parts("went_missing_on", went.date()),
        "went_missing_time": f"{went:%H:%M}",
        "returned": "no",
        "missing_from": "Foster placement",
        "child_0_first_name": "Sam",
        "child_0_last_name": "Missing",
        "worry": "Did not come home after school.",
    }
    data.update(overrides)
    return data


def test_r9_a_missing_episode_is_recorded_as_a_contact_with_the_child_still_missing(signed_in):
    response = signed_in.post(MISSING, missing_form_data())

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.kind == Contact.Kind.MISSING_EPISODE
    assert contact.missing.returned_at is None
    assert contact.missing.missing_from == "Foster placement"
    assert contact.missing.child.first_name == "Sam"
    body = signed_in.get(response["Location"]).content.decode()
    assert "Still missing" in body and "Missing episode" in body


def test_r9_a_returned_child_needs_the_time_they_returned(signed_in):
    response = signed_in.post(MISSING, missing_form_data(returned="yes"))
    assert error_summary(response) == [
        ("#id_returned_on-day", "Enter the date the child returned"),
        ("#id_returned_time", "Enter the time the child returned"),
    ]
    assert Contact.objects.count() == 0


def test_r9_a_return_before_going_missing_is_refused(signed_in):
    went = (timezone.now() - dt.timedelta(hours=30)).astimezone(LONDON)
    before = went - dt.timedelta(days=2)
    data = missing_form_data(
        returned="yes", **date_parts("returned_on", before.date()), returned_time="10:00"
    )
    response = signed_in.post(MISSING, data)
    assert error_summary(response) == [
        ("#id_returned_on-day", "The child cannot have returned before going missing")
    ]
    assert Contact.objects.count() == 0


def test_r9_a_returned_child_is_recorded_with_the_return(signed_in):
    back = (timezone.now() - dt.timedelta(hours=1)).astimezone(LONDON).replace(second=0)
    data = missing_form_data(
        returned="yes", **date_parts("returned_on", back.date()), returned_time=f"{back:%H:%M}"
    )
    assert signed_in.post(MISSING, data).status_code == 302
    assert Contact.objects.get().missing.returned_at == back.replace(microsecond=0)


def test_r9_the_missing_page_needs_when_the_child_went_missing(signed_in):
    data = missing_form_data(returned="")
    for part in ("day", "month", "year"):
        data.pop(f"went_missing_on-{part}")
    response = signed_in.post(MISSING, data)
    assert ("#id_went_missing_on-day", "Enter the date the child went missing") in error_summary(
        response
    )
    assert ("#id_returned", "Select whether the child has returned") in error_summary(response)
    assert Contact.objects.count() == 0


# R8: consultations ------------------------------------------------------------------------------


def test_r8_a_consultation_is_logged_with_the_advice_and_no_child_details(signed_in, officer):
    page = signed_in.get(CONSULTATIONS).content.decode()
    assert "child_0_first_name" not in page and "date_of_birth" not in page

    response = signed_in.post(
        CONSULTATIONS,
        {
            "caller_agency": "Crosby GP practice",
            "caller_role": "GP",
            "question": "Is a missed immunisation level 2?",
            "advice": "Consider an Early Help assessment.",
        },
    )

    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.recorded_by == officer
    assert consultation.became_contact is None
    assert "Consider an Early Help assessment." in signed_in.get(CONSULTATIONS).content.decode()


def test_r8_a_consultation_needs_the_caller_question_and_advice(signed_in):
    response = signed_in.post(CONSULTATIONS, {})
    assert error_summary(response) == [
        ("#id_caller_agency", "Enter the caller's organisation"),
        ("#id_question", "Enter what the caller asked"),
        ("#id_advice", "Enter the advice given"),
    ]
    assert Consultation.objects.count() == 0


def test_r8_a_consultation_becomes_a_contact_when_concerns_come_out_of_it(signed_in, officer):
    consultation = record_consultation(
        caller_agency="Crosby GP practice",
        caller_role="GP",
        question="A parent smelled of alcohol at the appointment.",
        advice="Make a referral.",
        by=officer,
    )
    url = reverse("intake:consultation_contact", args=[consultation.pk])
    form = signed_in.get(url).content.decode()
    assert 'value="Crosby GP practice"' in form  # prefilled from the consultation
    assert 'name="channel"' not in form  # it was a telephone call, at the consultation's time

    data = contact_form_data()
    response = signed_in.post(url, data)

    consultation.refresh_from_db()
    contact = consultation.became_contact
    assert response.status_code == 302
    assert response["Location"] == _contact_url(contact)
    assert contact.reports.get().channel == Channel.TELEPHONE
    assert contact.received_at == consultation.at
    assert "From a consultation" in signed_in.get(_contact_url(contact)).content.decode()
    # Sent again, or opened again, it leads to the contact it already became.
    again = signed_in.post(url, data)
    assert again["Location"] == _contact_url(contact)
    assert Contact.objects.count() == 1


# Documents (R10) --------------------------------------------------------------------------------


@pytest.fixture
def document(settings, tmp_path, officer) -> Attachment:
    settings.MEDIA_ROOT = tmp_path
    contact = _recorded()
    content = b"%PDF-1.4 a school's chronology"
    # intake.attachments (the upload service) is another issue's: the row is made directly here.
    attachment = Attachment(
        report=contact.reports.get(),
        original_name="chronology <1>.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save("ignored.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


def test_r10_a_document_downloads_as_an_attachment_never_inline(signed_in, document, officer):
    contact = document.report.contact
    page = signed_in.get(_contact_url(contact)).content.decode()
    url = reverse("intake:document", args=[contact.reference, document.pk])
    assert f'href="{url}"' in page
    assert "chronology &lt;1&gt;.pdf" in page

    response = signed_in.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 a school's chronology"
    view = RecordView.objects.get(target_type="intake.attachment")
    assert (view.viewer, view.target_id, view.through) == (officer, str(document.pk), "document")


def test_r10_a_partner_cannot_download_a_document(client, make_user, document):
    client.force_login(make_user(Role.PARTNER_AGENCY))
    contact = document.report.contact
    response = client.get(reverse("intake:document", args=[contact.reference, document.pk]))
    assert response.status_code == 403
    assert not RecordView.objects.exists()


def test_r10_a_document_is_found_only_through_its_own_contact(signed_in, document):
    other = _recorded()
    url = reverse("intake:document", args=[other.reference, document.pk])
    assert signed_in.get(url).status_code == 404


def test_recording_is_audited_with_the_officer(signed_in, officer):
    signed_in.post(NEW, contact_form_data())
    event = AuditEvent.objects.get(action="contact.recorded")
    assert event.actor == officer
    assert event.changes["children"] == 2


# Documents sent with the staff forms (R10) ------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TEXT = b"Notes from the home visit.\n"
NOT_ALLOWED = "The selected file must be a PDF, Word document, spreadsheet, photo or text file"


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str = "chronology.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_every_staff_form_takes_several_files_and_says_to_select_them_again(signed_in, officer):
    consultation = record_consultation(
        caller_agency="Crosby GP practice",
        caller_role="GP",
        question="?",
        advice="Refer.",
        by=officer,
    )
    contact = _recorded()
    for url in (
        NEW,
        MISSING,
        reverse("intake:attach", args=[contact.reference]),
        reverse("intake:consultation_contact", args=[consultation.pk]),
    ):
        body = signed_in.get(url).content.decode()
        assert 'enctype="multipart/form-data"' in body, url
        assert re.search(r'<input class="govuk-file-upload" id="id_documents"[^>]* multiple', body)
        assert "select the files again: browsers do not keep them" in body


def test_r10_a_pdf_sent_with_a_telephone_contact_is_on_the_contact_and_downloads(
    signed_in, uploads
):
    response = signed_in.post(NEW, {**contact_form_data(), "documents": pdf()})

    contact = Contact.objects.get()
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.report == contact.reports.get()
    assert attachment.original_name == "chronology.pdf"
    assert attachment.content_type == "application/pdf"
    page = signed_in.get(_contact_url(contact)).content.decode()
    url = reverse("intake:document", args=[contact.reference, attachment.pk])
    assert f'href="{url}"' in page and "chronology.pdf" in page
    download = signed_in.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_r10_several_files_are_attached_to_one_report(signed_in, uploads):
    files = [pdf(), SimpleUploadedFile("visit notes.txt", TEXT, content_type="text/plain")]
    response = signed_in.post(NEW, {**contact_form_data(), "documents": files})

    assert response.status_code == 302
    report = Contact.objects.get().reports.get()
    assert [(a.original_name, a.content_type) for a in report.attachments.all()] == [
        ("chronology.pdf", "application/pdf"),
        ("visit notes.txt", "text/plain"),
    ]


def test_r10_a_web_page_named_pdf_is_refused_and_nothing_is_recorded(signed_in, uploads):
    page = pdf("report.pdf", b"<html><script>alert(1)</script></html>\x00")
    response = signed_in.post(NEW, {**contact_form_data(), "documents": page})

    assert response.status_code == 400
    assert error_summary(response) == [("#id_documents", NOT_ALLOWED)]
    assert 'class="govuk-file-upload govuk-file-upload--error"' in response.content.decode()
    assert Contact.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert list(uploads.iterdir()) == []


@override_settings(FRONTDOOR_MAX_UPLOAD_BYTES=1024)
def test_r10_an_oversized_file_is_refused_and_nothing_is_recorded(signed_in, uploads):
    response = signed_in.post(NEW, {**contact_form_data(), "documents": pdf(content=PDF * 100)})

    assert error_summary(response) == [
        ("#id_documents", "The selected file must be smaller than 1KB")
    ]
    assert Contact.objects.count() == 0


def test_r10_one_refused_file_among_several_refuses_all_and_names_it(signed_in, uploads):
    files = [pdf(), pdf("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff")]
    response = signed_in.post(NEW, {**contact_form_data(), "documents": files})

    assert error_summary(response) == [("#id_documents", f"program.pdf: {NOT_ALLOWED}")]
    assert Contact.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_r10_a_refused_document_leaves_no_contact_when_found_while_recording(
    signed_in, uploads, monkeypatch
):
    # The form checked the file; if storing it fails, the contact goes too (one transaction).
    def refuse(**kwargs):
        raise DomainError(NOT_ALLOWED, field="documents")

    monkeypatch.setattr("frontdoor.intake.attachments.add_attachment", refuse)
    response = signed_in.post(NEW, {**contact_form_data(), "documents": pdf()})

    assert error_summary(response) == [("#id_documents", NOT_ALLOWED)]
    assert Contact.objects.count() == 0


def test_r10_a_document_sent_twice_with_the_same_form_is_stored_once(signed_in, uploads):
    data = contact_form_data()
    signed_in.post(NEW, {**data, "documents": pdf()})
    signed_in.post(NEW, {**data, "documents": pdf()})

    assert Contact.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_r10_a_report_added_to_a_contact_carries_its_document(signed_in, uploads):
    contact = _recorded()
    data = contact_form_data(channel="letter", children_count="1", adults_count="0")
    response = signed_in.post(
        reverse("intake:attach", args=[contact.reference]), {**data, "documents": pdf()}
    )

    assert response.status_code == 302
    letter = contact.reports.order_by("id").last()
    assert letter.channel == Channel.LETTER
    assert [a.original_name for a in letter.attachments.all()] == ["chronology.pdf"]


def test_r10_a_missing_episode_carries_its_document(signed_in, uploads):
    data = missing_form_data()
    response = signed_in.post(MISSING, {**data, "documents": pdf("return.pdf")})

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.kind == Contact.Kind.MISSING_EPISODE
    assert [a.original_name for a in contact.reports.get().attachments.all()] == ["return.pdf"]
    # Sent twice, the episode and its document are recorded once.
    signed_in.post(MISSING, {**data, "documents": pdf("return.pdf")})
    assert Contact.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_r10_a_missing_episode_with_a_refused_file_records_nothing(signed_in, uploads):
    response = signed_in.post(MISSING, {**missing_form_data(), "documents": pdf(content=b"")})

    assert error_summary(response) == [("#id_documents", "The selected file is empty")]
    assert Contact.objects.count() == 0


def test_r10_a_consultation_recorded_as_a_contact_carries_its_document(signed_in, officer, uploads):
    consultation = record_consultation(
        caller_agency="Crosby GP practice",
        caller_role="GP",
        question="?",
        advice="Refer.",
        by=officer,
    )
    url = reverse("intake:consultation_contact", args=[consultation.pk])
    response = signed_in.post(url, {**contact_form_data(), "documents": pdf()})

    assert response.status_code == 302
    consultation.refresh_from_db()
    report = consultation.became_contact.reports.get()
    assert [a.original_name for a in report.attachments.all()] == ["chronology.pdf"]


# Enter in a text box records the form -----------------------------------------------------------


def test_the_main_button_comes_before_the_add_another_buttons(signed_in):
    # Enter in a text box presses the form's first submit button (HTML implicit submission).
    body = signed_in.get(NEW).content.decode()
    buttons = re.findall(r'<button type="submit" name="(\w+)"', body)
    assert buttons == ["record", "add_child", "add_adult"]


def test_a_post_without_an_add_another_button_records_the_contact(signed_in):
    data = contact_form_data()
    assert "add_child" not in data and "record" not in data
    response = signed_in.post(NEW, data)

    assert response.status_code == 302
    assert Contact.objects.count() == 1


def test_r17_the_contact_page_says_whether_each_child_lives_in_the_area(client, make_user):
    submission = make_submission(
        children=[
            {"first_name": "Ellis", "postcode": "PR8 1AA"},
            {"first_name": "Robin", "postcode": "L1 0AA"},
            {"first_name": "Sam"},
        ]
    )
    contact = record_contact(submission=submission, channel=Channel.ONLINE_FORM).contact
    client.force_login(make_user(Role.CONTACT_OFFICER))
    page = client.get(f"/contacts/{contact.reference}/").content.decode()
    ellis, _, sam = contact.children.order_by("id")
    assert "PR8 1AA is in Sefton." in page
    assert "L1 0AA is in Liverpool, not this council&#x27;s area" in page
    assert "No postcode was given" in page
    assert f'id="address-check-{ellis.pk}"' in page
    assert f'id="address-check-{sam.pk}"' in page


def test_r5_an_expectant_parent_under_18_is_flagged_and_added_as_a_child(signed_in):
    received = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    young = timezone.localdate().replace(year=timezone.localdate().year - 15)
    data = contact_form_data(
        received=received,
        children_count="1",
        child_0_unborn="on",
        child_0_first_name="",
        adult_0_first_name="Kay",
        adult_0_expectant_parent="on",
        **date_parts("child_0_expected_date_of_birth", timezone.localdate() + dt.timedelta(90)),
        **date_parts("adult_0_date_of_birth", young),
    )
    for part in ("day", "month", "year"):
        data.pop(f"child_0_date_of_birth-{part}")
    response = signed_in.post(NEW, data)
    assert response.status_code == 302, error_summary(response)
    contact = Contact.objects.get()
    young_parent = contact.children.get(expectant_parent=True)
    assert (young_parent.first_name, young_parent.date_of_birth) == ("Kay", young)
    assert contact.children.get(unborn=True)
    assert contact.adults.get().expectant_parent
    page = signed_in.get(response["Location"]).content.decode()
    assert "Expectant parent under 18" in page
    entry = AuditEvent.objects.get(action="contact.recorded")
    assert entry.changes["expectant_parents_added_as_children"] == ["Kay Examplechild"]


def test_r4_staff_record_a_childs_sex_and_disabilities(signed_in):
    data = contact_form_data(child_0_sex="male", child_1_sex="female")
    response = signed_in.post(NEW, {**data, "child_0_disabilities": ["HEAR", "VIS"]})
    assert response.status_code == 302
    contact = Contact.objects.get()
    ellis, robin = contact.children.order_by("id")
    assert (ellis.sex, ellis.disabilities) == ("male", "HEAR VIS")
    assert (robin.sex, robin.disabilities) == ("female", "")  # none ticked: not known


def test_r4_no_disability_with_a_disability_is_refused_on_the_field(signed_in):
    page = signed_in.get(NEW).content.decode()
    assert 'name="child_0_sex"' in page and 'name="child_0_disabilities"' in page
    response = signed_in.post(
        NEW, {**contact_form_data(), "child_0_disabilities": ["NONE", "HEAR"]}
    )
    assert response.status_code == 400
    assert (
        "#id_child_0_disabilities",
        "Select \u201cNo disability\u201d on its own, or only the disabilities that apply",
    ) in error_summary(response)
    assert not Contact.objects.exists()


def test_a_blank_second_child_with_sex_and_disabilities_not_known_is_left_out(signed_in):
    data = contact_form_data()
    for name in [key for key in data if key.startswith("child_1_")]:
        del data[name]
    data["child_1_sex"] = "not_known"
    assert signed_in.post(NEW, data).status_code == 302
    assert Contact.objects.get().children.count() == 1


def test_an_adults_date_of_birth_example_is_an_adults(signed_in):
    from frontdoor.intake.report_questions import adult_birth_date_example

    example = adult_birth_date_example()
    year = int(example.rsplit(" ", 1)[1])
    assert dt.date.today().year - year == 30
    page = signed_in.post(NEW, contact_form_data(add_adult="1")).content.decode()
    adult = page.split('name="adult_0_first_name"', 1)[1].split("adult_0_gender", 1)[0]
    assert example in adult and "27 3 2026" not in adult


def test_r12_the_staff_form_asks_whether_the_parents_agree_once_as_consent(signed_in):
    page = unescape(signed_in.get(NEW).content.decode())
    assert "Do the parents agree" not in page
    assert page.count("Have the parents or carers agreed to this referral being made?") == 1

    signed_in.post(NEW, contact_form_data(consent="refused", parents_agree="yes"))

    report = Report.objects.get()
    assert (report.consent, report.parents_agree) == ("refused", "no")


def test_r12_an_earlier_report_keeps_its_separate_answer_on_whether_the_parents_agree(signed_in):
    contact = _recorded()
    report = contact.reports.get()
    Report.objects.filter(pk=report.pk).update(parents_agree="no")  # asked on both pages then

    body = unescape(signed_in.get(_contact_url(contact)).content.decode())

    assert "Asked separately whether the parents agree, the referrer answered: No" in body
    assert Report.objects.get(pk=report.pk).parents_agree == "no"
    Report.objects.filter(pk=report.pk).update(parents_agree="yes")
    body = unescape(signed_in.get(_contact_url(contact)).content.decode())
    assert "Asked separately" not in body


def test_the_staff_contact_form_passes_the_html_checks_with_and_without_errors(signed_in):
    from frontdoor.policy.registry import current_policy
    from tests.attacks.html_checks import page_problems, policy_keys

    keys = policy_keys(current_policy())
    page = signed_in.get(NEW).content.decode()
    assert page_problems(page, policy_keys=keys) == []
    assert not re.search(r">\s*R\d{1,2}\s*<", page)  # a hint that is only a rule's number
    wrong = contact_form_data(
        consent="not_sought",
        worry="",
        child_0_postcode="nowhere",
        adult_0_date_of_birth_year="3000",
    )
    for data in (wrong, {"submission_key": secrets.token_urlsafe(24)}):
        response = signed_in.post(NEW, data)
        assert error_summary(response)
        assert page_problems(response.content.decode(), policy_keys=keys) == []
    assert not Contact.objects.exists()


def test_r4_a_report_keeps_showing_answers_the_public_form_no_longer_asks(signed_in):
    """The online form asks neither a child's sex nor whether they need protecting now on its
    own: a report made when it did still shows its answers."""
    data = submission_data()
    data["children"][0] |= {"sex": "female", "special_needs": "An EHC plan for dyslexia"}
    data["concern"]["immediate_protection_needed"] = "unknown"
    contact = record_contact(
        submission=Submission.model_validate(data), channel=Channel.ONLINE_FORM
    ).contact
    page = signed_in.get(_contact_url(contact)).content.decode()
    assert "Sex: Female" in page
    assert "An EHC plan for dyslexia" in page
    assert "Not known" in _summary_row(page, "Immediate protection needed")


def _summary_row(page: str, key: str) -> str:
    row = page[page.index(key) :]
    return row[: row.index("</div>")]
