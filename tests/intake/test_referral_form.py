"""The public online referral form, page by page, with the Django test client (R1-R6, R10-R16)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.intake.forms import ReportForm
from frontdoor.intake.models import Attachment, Channel, Contact, Report
from frontdoor.intake.referral import questions
from frontdoor.intake.referral.pages import flatten
from frontdoor.intake.services import record_contact, referrer_status
from frontdoor.policy.clocks import day_in_words
from frontdoor.policy.registry import current_policy
from tests.intake.factories import make_submission

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def date_fields(name: str, date: dt.date) -> dict[str, str]:
    return {
        f"{name}-day": str(date.day),
        f"{name}-month": str(date.month),
        f"{name}-year": str(date.year),
    }


def url(name: str, journey: str, *args: Any) -> str:
    return reverse(f"refer:{name}", args=[journey, *args])


def start(client: Client) -> str:
    response = client.post(reverse("refer:start"))
    assert response.status_code == 302
    return response["Location"].split("/")[2]


def post(client: Client, path: str, data: dict[str, Any], *, expect: int = 302):
    response = client.post(path, data)
    assert response.status_code == expect, response.content.decode()[:3000]
    return response


def errors(response) -> list[str]:
    """The messages in the GOV.UK error summary."""
    page = response.content.decode()
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    found = re.findall(r"<a [^>]*>(.*?)</a>", summary.group(1)) if summary else []
    return [html.unescape(message) for message in found]


def professional_with_siblings_and_unborn(client: Client, *, worry: str = "Bruises") -> str:
    journey = start(client)
    post(client, url("danger", journey), {"danger": "no"})
    post(client, url("who", journey), {"type": "professional"})
    post(
        client,
        url("referrer", journey),
        {
            "name": "Pat Referrer",
            "agency": "Litherland High School",
            "role": "Designated safeguarding lead",
            "phone": "0151 000 0000",
            "email": "pat@school.example",
            "relationship_to_child": "Head of year",
        },
    )
    post(
        client,
        url("child_add", journey),
        {
            "first_name": "Ellis",
            "last_name": "Examplechild",
            "unborn": "no",
            **date_fields("date_of_birth", dt.date(2015, 3, 2)),
            "gender": "male",
            "postcode": "l21 7pq",
            "school_or_nursery": "Litherland High School",
            "communication": "Speaks English and Polish",
        },
    )
    post(client, url("children", journey), {"add": "yes"})
    post(
        client,
        url("child_add", journey),
        {
            "first_name": "Robin",
            "last_name": "Examplechild",
            "unborn": "no",
            **date_fields("date_of_birth", dt.date(2018, 9, 14)),
            "gender": "female",
        },
    )
    post(client, url("children", journey), {"add": "yes"})
    post(
        client,
        url("child_add", journey),
        {"unborn": "yes", **date_fields("expected_date_of_birth", today() + dt.timedelta(90))},
    )
    post(client, url("children", journey), {"add": "no"})
    post(client, url("adults", journey), {"add": "yes"})
    post(
        client,
        url("adult_add", journey),
        {
            "first_name": "Jo",
            "last_name": "Examplechild",
            "relationship_to_child": "Mother, expecting a baby",
            "parental_responsibility": "yes",
            "lives_with_child": "yes",
            "first_language": "Polish",
        },
    )
    post(client, url("adults", journey), {"add": "no"})
    post(
        client,
        url("worry", journey),
        {"worry": worry, "working_well": "Attends every day", "child_voice": "Ellis is quiet"},
    )
    post(
        client,
        url("safety", journey),
        {"child_location": "At school", "parents_aware": "yes"},
    )
    post(client, url("household", journey), {"domestic_abuse": "yes", "mental_illness": "unknown"})
    post(client, url("consent", journey), {"consent": "given"})
    post(client, url("level", journey), {"referrer_level_of_need": "3"})
    post(client, url("documents", journey), {"action": "continue"})
    return journey


def anonymous_member_of_public(client: Client) -> str:
    journey = start(client)
    post(client, url("danger", journey), {"danger": "no"})
    post(client, url("who", journey), {"type": "anonymous"})
    post(client, url("referrer", journey), {"relationship_to_child": "Neighbour"})
    post(client, url("child_add", journey), {"first_name": "Sam", "unborn": "no"})
    post(client, url("children", journey), {"add": "no"})
    post(client, url("adults", journey), {"add": "no"})
    post(client, url("worry", journey), {"worry": "Shouting every night and a child crying"})
    post(client, url("safety", journey), {})
    post(client, url("household", journey), {})
    post(
        client,
        url("consent", journey),
        {"consent": "not_sought", "not_sought_reason": "increased_risk"},
    )
    post(client, url("level", journey), {"referrer_level_of_need": "not_known"})
    post(client, url("documents", journey), {"action": "continue"})
    return journey


def submit(client: Client, journey: str):
    return client.post(url("check", journey))


# The whole journey.


def test_a_professional_refers_a_sibling_group_and_an_unborn_baby(client):
    journey = professional_with_siblings_and_unborn(client)
    check = client.get(url("check", journey))
    assert check.status_code == 200
    assert "Check your answers" in check.content.decode()

    response = submit(client, journey)

    assert response["Location"] == url("confirmation", journey)
    contact = Contact.objects.get()
    report = contact.reports.get()
    assert report.channel == Channel.ONLINE_FORM
    assert report.submission_key == f"marf-{journey}"
    assert report.referrer_agency == "Litherland High School"
    assert report.referrer_level_of_need == 3
    assert report.domestic_abuse == "yes"
    children = list(contact.children.all())
    assert [(c.first_name, c.unborn) for c in children] == [
        ("Ellis", False),
        ("Robin", False),
        ("", True),
    ]
    assert children[0].postcode == "L21 7PQ"
    assert children[2].expected_date_of_birth == today() + dt.timedelta(90)
    assert contact.adults.get().first_language == "Polish"
    confirmation = client.get(url("confirmation", journey)).content.decode()
    assert contact.reference in confirmation
    assert "Keep these to check progress" in confirmation


def test_an_anonymous_member_of_the_public_refers_without_giving_a_name(client):
    journey = anonymous_member_of_public(client)

    submit(client, journey)

    report = Report.objects.get()
    assert report.referrer_type == "anonymous"
    assert report.referrer_name == report.referrer_phone == report.referrer_email == ""
    assert report.referrer_relationship == "Neighbour"
    assert report.consent_not_sought_reason == "increased_risk"
    assert report.referrer_level_of_need is None


def test_the_confirmation_stays_but_the_answers_go_after_submitting(client):
    journey = anonymous_member_of_public(client)
    submit(client, journey)

    # The back button to any question page lands on the confirmation, not the answers.
    response = client.get(url("worry", journey))

    assert response["Location"] == url("confirmation", journey)
    assert "Shouting" not in str(client.session[f"refer:{journey}"])


def test_a_referral_submitted_twice_makes_one_contact_with_the_same_reference(client):
    journey = professional_with_siblings_and_unborn(client)

    first = submit(client, journey)
    again = submit(client, journey)

    assert first["Location"] == again["Location"] == url("confirmation", journey)
    assert Contact.objects.count() == 1
    assert Report.objects.count() == 1
    reference = Contact.objects.get().reference
    assert reference in client.get(url("confirmation", journey)).content.decode()


def test_a_retry_from_another_copy_of_the_session_returns_the_same_contact(client):
    # The first request recorded the contact but its session was never saved (the response was
    # lost): the retry carries the same journey, so the submission key finds the same contact,
    # and the referrer, who never saw the first confirmation, gets its status code.
    journey = professional_with_siblings_and_unborn(client)
    saved = dict(client.session.items())
    submit(client, journey)
    first = client.get(url("confirmation", journey)).content.decode()
    reference = Contact.objects.get().reference
    session = client.session
    for key, value in saved.items():
        session[key] = value
    session.save()

    submit(client, journey)

    assert Contact.objects.count() == 1
    page = client.get(url("confirmation", journey)).content.decode()
    assert reference in page
    code = re.search(r'id="status-code">([^<]+)<', first).group(1)
    assert f'id="status-code">{code}<' in page
    assert referrer_status(reference=reference, secret=code) == "Received"


def test_a_retry_of_a_referral_whose_code_cannot_be_made_again_says_whom_to_call(client):
    # A referral recorded before codes were derived from the submission had a random code: a
    # retry cannot show it again, so the page says so rather than show a wrong one.
    journey = professional_with_siblings_and_unborn(client)
    saved = dict(client.session.items())
    submit(client, journey)
    Report.objects.update(status_secret_hash="a digest of a code drawn at random")
    session = client.session
    for key, value in saved.items():
        session[key] = value
    session.save()

    submit(client, journey)

    page = client.get(url("confirmation", journey)).content.decode()
    assert Contact.objects.get().reference in page
    assert 'id="status-code"' not in page
    assert "already received" in page
    assert current_policy().contact_numbers.mash in page


def test_markup_in_the_worry_is_stored_as_typed_and_shown_as_text(client):
    markup = '<script>alert("x")</script><b>bold</b>'
    journey = professional_with_siblings_and_unborn(client, worry=markup)

    page = client.get(url("check", journey)).content.decode()

    assert markup not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    submit(client, journey)
    assert Report.objects.get().worry == markup


def test_an_unknown_journey_goes_back_to_the_start(client):
    response = client.get(url("who", "not-a-journey"))
    assert response["Location"] == reverse("refer:start")


def test_the_form_needs_no_sign_in_and_keeps_csrf_protection(client):
    assert client.get(reverse("refer:start")).status_code == 200
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("refer:start")).status_code == 403


def test_page_titles_follow_the_govuk_pattern(client):
    journey = start(client)
    page = client.get(url("who", journey)).content.decode()
    council = current_policy().council.name
    dash = "\N{EN DASH}"  # base.html's separator
    title = f"Who is making the referral? {dash} Make a referral {dash} Front Door {dash} {council}"
    assert f"<title>{title}" in page
    refused = post(client, url("who", journey), {}, expect=400).content.decode()
    assert "<title>Error: Who is making the referral?" in refused


# Immediate danger and the written follow-up (R3).


def test_r3_the_interruption_page_gives_the_policys_numbers(client):
    journey = start(client)

    response = post(client, url("danger", journey), {"danger": "yes"})
    page = client.get(response["Location"]).content.decode()

    numbers = current_policy().contact_numbers
    assert response["Location"] == url("call_now", journey)
    assert numbers.mash in page
    assert numbers.edt in page
    assert "999" in page
    assert "within 24 hours" in page


def _phone_contact() -> Contact:
    submission = make_submission(
        concern={"worry": "Phoned in: a child left alone", "immediate_protection_needed": "yes"}
    )
    from frontdoor.accounts.roles import Role
    from tests.accounts.factories import UserFactory

    officer = UserFactory(role=Role.CONTACT_OFFICER)
    return record_contact(submission=submission, channel=Channel.TELEPHONE, by=officer).contact


def _follow_up(client: Client, reference: str) -> str:
    journey = start(client)
    post(client, url("danger", journey), {"danger": "yes"})
    post(client, url("call_now", journey), {"phone_reference": reference})
    post(client, url("who", journey), {"type": "anonymous"})
    post(client, url("referrer", journey), {})
    post(client, url("child_add", journey), {"first_name": "Ellis", "unborn": "no"})
    post(client, url("children", journey), {"add": "no"})
    post(client, url("adults", journey), {"add": "no"})
    post(client, url("worry", journey), {"worry": "As I said on the phone"})
    post(client, url("safety", journey), {})
    post(client, url("household", journey), {})
    post(
        client,
        url("consent", journey),
        {"consent": "not_sought", "not_sought_reason": "unjustified_delay"},
    )
    post(client, url("level", journey), {"referrer_level_of_need": "4"})
    post(client, url("documents", journey), {"action": "continue"})
    submit(client, journey)
    return journey


def test_r3_a_written_follow_up_with_the_phone_reference_is_attached_to_the_phone_contact(client):
    phoned = _phone_contact()
    assert phoned.written_follow_up_due_at is not None

    _follow_up(client, phoned.reference.lower())

    assert Contact.objects.count() == 1
    phoned.refresh_from_db()
    assert phoned.reports.count() == 2
    assert phoned.written_follow_up_received_at is not None


def test_r3_an_unmatched_phone_reference_makes_a_new_contact_noting_the_reference(client):
    phoned = _phone_contact()

    journey = _follow_up(client, "FD-ZZZZ-ZZZZ")

    assert Contact.objects.count() == 2
    report = Report.objects.get(submission_key=f"marf-{journey}")
    assert report.contact != phoned
    assert "FD-ZZZZ-ZZZZ" in report.summary
    phoned.refresh_from_db()
    assert phoned.written_follow_up_received_at is None


def test_r3_a_contact_without_a_follow_up_due_is_not_linked_by_its_reference(client):
    other = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact

    _follow_up(client, other.reference)

    assert other.reports.count() == 1
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_r6_immediate_danger_is_asked_once_and_is_the_reports_immediate_protection(client, answer):
    journey = anonymous_member_of_public(client)
    # A journey begun when the safety page asked it too: that answer is not sent.
    session = client.session
    state = session[f"refer:{journey}"]
    state["concern"]["immediate_protection_needed"] = "unknown"
    session[f"refer:{journey}"] = state
    session.save()
    post(client, url("danger", journey) + "?change=1", {"danger": answer})
    if answer == "yes":
        post(client, url("call_now", journey), {})

    check = client.get(url("check", journey)).content.decode()
    assert check.count("immediate danger?") == 1
    assert "protecting now" not in check and "protection now" not in check
    assert submit(client, journey)["Location"] == url("confirmation", journey)
    assert Report.objects.get().immediate_protection_needed == answer


def test_r6_the_safety_page_does_not_ask_about_immediate_danger_again(client):
    journey = start(client)
    page = client.get(url("safety", journey)).content.decode()
    assert 'name="immediate_protection_needed"' not in page
    assert "protecting now" not in page


def test_r6_the_staff_form_asks_about_immediate_danger_in_the_public_forms_words():
    staff = ReportForm().fields["immediate_protection_needed"]
    assert staff.label == questions.DANGER[0].label == "Is a child in immediate danger?"


def test_r3_danger_needs_an_answer(client):
    journey = start(client)
    response = post(client, url("danger", journey), {}, expect=400)
    assert errors(response) == ["Select yes if a child is in immediate danger"]


# Who is referring, and their details (R11).


def test_who_is_referring_needs_an_answer(client):
    journey = start(client)
    response = post(client, url("who", journey), {"type": "alien"}, expect=400)
    assert errors(response) == ["Select who is making the referral"]


def test_a_professional_without_an_organisation_is_refused(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "professional"})

    response = post(
        client,
        url("referrer", journey),
        {"name": "Pat", "role": "Teacher", "email": "pat@school.example"},
        expect=400,
    )

    assert errors(response) == ["Enter the organisation you work for"]
    assert 'href="#agency"' in response.content.decode()


def test_a_professional_bad_email_is_refused(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "professional"})
    response = post(
        client,
        url("referrer", journey),
        {"name": "Pat", "agency": "School", "role": "Teacher", "email": "not an email"},
        expect=400,
    )
    assert 'href="#email"' in response.content.decode()


def test_r11_an_anonymous_referrer_is_asked_for_no_name_or_contact_details(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "anonymous"})

    page = client.get(url("referrer", journey)).content.decode()

    for field in ("name", "phone", "email", "address", "agency"):
        assert f'name="{field}"' not in page
    # Details sent anyway are not read.
    post(client, url("referrer", journey), {"name": "Someone", "phone": "0151 000 0000"})
    assert client.session[f"refer:{journey}"]["referrer"]["name"] == ""


def test_r11_a_member_of_the_public_is_told_their_identity_is_protected(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "public"})

    page = client.get(url("referrer", journey)).content.decode()

    assert "Your identity is protected" in page
    response = post(client, url("referrer", journey), {}, expect=400)
    assert errors(response) == ["Enter your full name"]


def test_r11_the_public_is_told_their_identity_is_protected_before_choosing_anonymity(client):
    journey = start(client)
    page = client.get(url("who", journey)).content.decode().replace("&#x27;", "'")
    assert "your identity is protected" in page
    assert "I want to stay anonymous" in page


def test_changing_who_is_referring_clears_the_details_given_for_the_other(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "public"})
    post(client, url("referrer", journey), {"name": "Alex", "phone": "0151 000 0000"})

    post(client, url("who", journey) + "?change=1", {"type": "anonymous"})

    assert client.session[f"refer:{journey}"]["referrer"] == {"type": "anonymous"}


# Children (R4, R5).


def _child(client: Client, data: dict[str, Any], *, expect: int = 400):
    journey = start(client)
    return post(client, url("child_add", journey), data, expect=expect)


def test_r4_a_child_needs_a_name(client):
    response = _child(client, {"unborn": "no"})
    assert errors(response) == ["Enter the child's first name or last name"]


def test_r4_a_date_of_birth_in_the_future_is_refused(client):
    tomorrow = today() + dt.timedelta(days=1)
    response = _child(
        client, {"first_name": "Ellis", "unborn": "no", **date_fields("date_of_birth", tomorrow)}
    )
    assert errors(response) == ["The date of birth must be today or in the past"]
    assert 'href="#date_of_birth-day"' in response.content.decode()


def test_r4_a_date_that_is_not_real_is_refused(client):
    response = _child(
        client,
        {
            "first_name": "Ellis",
            "unborn": "no",
            "date_of_birth-day": "31",
            "date_of_birth-month": "2",
            "date_of_birth-year": "2015",
        },
    )
    assert errors(response) == ["Enter a real date"]
    # What was typed is shown again, to be corrected.
    assert 'value="31"' in response.content.decode()


def test_r5_an_unborn_child_without_an_expected_date_is_refused(client):
    response = _child(client, {"unborn": "yes"})
    assert errors(response) == ["Enter the expected date of birth"]


def test_r5_an_expected_date_of_birth_far_away_is_refused(client):
    far = today() + dt.timedelta(days=400)
    response = _child(client, {"unborn": "yes", **date_fields("expected_date_of_birth", far)})
    earliest, latest = today() - dt.timedelta(days=31), today() + dt.timedelta(days=300)
    assert errors(response) == [
        "The expected date of birth must be between "
        f"{day_in_words(earliest)} and {day_in_words(latest)}"
    ]


def test_r5_an_expected_date_in_the_future_is_accepted_for_an_unborn_child(client):
    soon = today() + dt.timedelta(days=30)
    _child(client, {"unborn": "yes", **date_fields("expected_date_of_birth", soon)}, expect=302)


def test_r5_only_the_date_under_the_chosen_answer_is_read(client):
    # Without JavaScript both date boxes show; the one under the unchosen answer is ignored.
    soon = today() + dt.timedelta(days=30)
    _child(
        client,
        {
            "unborn": "yes",
            **date_fields("expected_date_of_birth", soon),
            **date_fields("date_of_birth", dt.date(2015, 1, 1)),
        },
        expect=302,
    )


def test_r4_a_bad_nhs_number_and_postcode_are_refused(client):
    response = _child(
        client,
        {"first_name": "Ellis", "unborn": "no", "nhs_number": "1234567890", "postcode": "nowhere"},
    )
    assert errors(response) == [
        "Enter a real postcode, like L20 3NJ",
        "Enter a real NHS number: 10 digits, like 943 476 5919",
    ]


def test_at_least_one_child_is_needed(client):
    journey = start(client)
    assert client.get(url("children", journey))["Location"] == url("child_add", journey)
    response = post(client, url("children", journey), {"add": "no"}, expect=400)
    assert errors(response) == ["Add at least one child"]


def test_a_child_can_be_changed_and_removed(client):
    journey = start(client)
    post(client, url("child_add", journey), {"first_name": "Ellis", "unborn": "no"})
    post(client, url("child_add", journey), {"first_name": "Robin", "unborn": "no"})
    post(client, url("child_edit", journey, 0), {"first_name": "Elliot", "unborn": "no"})
    post(client, url("child_remove", journey, 1), {})
    children = client.session[f"refer:{journey}"]["children"]
    assert [child["first_name"] for child in children] == ["Elliot"]


def test_the_public_and_staff_forms_ask_the_same_questions_in_the_same_words():
    staff = ReportForm()
    public = {question.name: question for question in flatten(questions.CHILD)}
    shared = ("first_name", "last_name", "gender", "ethnicity", "first_language", "religion")
    shared += ("postcode", "school_or_nursery", "special_needs")
    for name in shared:
        field, question = staff.child_forms[0].fields[name], public[name]
        assert (question.label, question.hint) == (field.label, field.help_text)
        assert list(question.choices) == [tuple(c) for c in getattr(field, "choices", ())]


def test_a_childs_disabilities_are_asked_as_the_staff_form_asks_them(client):
    journey = start(client)
    page = client.get(url("child_add", journey)).content.decode()
    field = ReportForm().child_forms[0].fields["disabilities"]
    assert re.search(rf">\s*{re.escape(str(field.label))}\s*</legend>", page)
    for value, label in field.choices:
        assert f'value="{value}"' in page
        assert html.escape(label) in page
    # "No disability" last, after "or", standing alone.
    assert re.search(r'divider">or</div>\s*<div[^>]*>\s*<input[^>]*value="NONE"', page)
    assert 'value="NONE" data-behaviour="exclusive"' in page


def test_r4_each_question_about_a_child_is_asked_once_on_the_public_form(client):
    """Gender once (not sex as well), disabilities once (the DfE's list), special educational
    needs apart from them."""
    questions_asked = flatten(questions.CHILD)
    names = [question.name for question in questions_asked]
    assert len(names) == len(set(names))
    assert "gender" in names and "sex" not in names
    labels = [question.label.lower() for question in questions_asked]
    assert len([label for label in labels if "disabilit" in label]) == 1
    assert [label for label in labels if label in {"sex", "gender"}] == ["gender"]
    page = client.get(url("child_add", start(client))).content.decode()
    assert 'name="sex"' not in page
    assert "Special educational needs" in page and "needs or disabilities" not in page


def test_a_childs_disabilities_are_recorded_and_shown_to_check(client):
    journey = anonymous_member_of_public(client)
    post(
        client,
        url("child_edit", journey, 0),
        {"first_name": "Sam", "unborn": "no", "disabilities": ["VIS", "HEAR"]},
    )
    page = client.get(url("child_edit", journey, 0)).content.decode()
    assert re.search(r'value="HEAR" checked', page) and re.search(r'value="VIS" checked', page)
    check = client.get(url("check", journey)).content.decode()
    assert "Hearing, Vision" in check

    submit(client, journey)

    child = Contact.objects.get().children.get()
    assert sorted(child.disabilities.split()) == ["HEAR", "VIS"]


def test_no_disability_stands_alone_on_the_public_form(client):
    response = _child(
        client, {"first_name": "Sam", "unborn": "no", "disabilities": ["NONE", "HEAR"]}
    )
    assert errors(response) == [
        "Select \u201cNo disability\u201d on its own, or only the disabilities that apply"
    ]
    page = response.content.decode()
    assert 'href="#disabilities"' in page
    assert 'id="disabilities" name="disabilities"' in page
    # What was ticked is shown again, to be put right.
    assert re.search(r'value="NONE" checked', page)


def test_a_child_saved_before_disabilities_were_asked_keeps_its_answers(client):
    journey = anonymous_member_of_public(client)
    session = client.session
    state = session[f"refer:{journey}"]
    for child in state["children"]:
        del child["disabilities"]
    session[f"refer:{journey}"] = state
    session.save()

    assert client.get(url("child_edit", journey, 0)).status_code == 200
    assert submit(client, journey)["Location"] == url("confirmation", journey)
    child = Contact.objects.get().children.get()
    assert (child.first_name, child.disabilities) == ("Sam", "")


def test_a_childs_sex_given_before_the_page_stopped_asking_it_is_kept(client):
    journey = anonymous_member_of_public(client)
    session = client.session
    state = session[f"refer:{journey}"]
    state["children"][0]["sex"] = "female"
    session[f"refer:{journey}"] = state
    session.save()
    # Changing the child's other answers keeps it.
    post(client, url("child_edit", journey, 0), {"first_name": "Samira", "unborn": "no"})

    assert submit(client, journey)["Location"] == url("confirmation", journey)
    child = Contact.objects.get().children.get()
    assert (child.first_name, child.sex) == ("Samira", "female")


def test_r4_an_adult_needs_a_name_or_relationship_and_a_past_date_of_birth(client):
    journey = start(client)
    response = post(client, url("adult_add", journey), {}, expect=400)
    assert errors(response) == ["Enter the adult's name, or how they know the child"]
    tomorrow = today() + dt.timedelta(days=1)
    response = post(
        client,
        url("adult_add", journey),
        {"first_name": "Jo", **date_fields("date_of_birth", tomorrow)},
        expect=400,
    )
    assert errors(response) == ["The date of birth must be in the past"]


# The concern (R6), consent (R12-R16) and the level of need.


def test_r6_the_worry_is_needed(client):
    journey = start(client)
    response = post(client, url("worry", journey), {"worry": "   "}, expect=400)
    assert errors(response) == ["Enter what you are worried about"]


def test_r6_household_answers_must_be_one_of_the_options(client):
    journey = start(client)
    response = post(client, url("household", journey), {"domestic_abuse": "maybe"}, expect=400)
    assert errors(response) == ["Select one of the options"]


def test_r14_consent_not_sought_needs_a_reason(client):
    journey = start(client)
    response = post(client, url("consent", journey), {"consent": "not_sought"}, expect=400)
    assert errors(response) == ["Select why consent was not sought"]


def test_r12_consent_needs_an_answer(client):
    journey = start(client)
    response = post(client, url("consent", journey), {}, expect=400)
    assert errors(response) == ["Select whether consent was given"]


def test_r14_the_councils_reasons_are_offered(client):
    journey = start(client)
    page = client.get(url("consent", journey)).content.decode()
    for reason in current_policy().consent.not_sought_reasons:
        assert reason.label in page


def test_the_level_of_need_page_shows_the_councils_levels_and_needs_an_answer(client):
    journey = start(client)
    page = html.unescape(client.get(url("level", journey)).content.decode())
    for level in current_policy().level_of_need.levels:
        assert level.name in page
    response = post(client, url("level", journey), {}, expect=400)
    assert errors(response) == ["Select the level of need, or that you do not know"]
    response = post(client, url("level", journey), {"referrer_level_of_need": "5"}, expect=400)
    assert errors(response) == ["Enter a number no higher than 4"]


def test_check_your_answers_sends_back_to_unanswered_pages(client):
    journey = start(client)
    post(client, url("danger", journey), {"danger": "no"})

    response = client.post(url("check", journey))

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Enter your full name" not in page  # who is referring is not answered yet
    assert "Select who is making the referral" in page
    assert "Enter what you are worried about" in page
    assert f'href="{url("worry", journey)}?change=1"' in page
    assert Contact.objects.count() == 0


# Documents (R10).


def _upload(client: Client, journey: str, name: str, content: bytes, *, expect: int = 302):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(url("documents", journey), {"document": upload, "action": "upload"})
    assert response.status_code == expect
    return response


def test_r10_a_pdf_is_kept_and_attached_with_its_sniffed_type_on_submit(client, uploads):
    journey = professional_with_siblings_and_unborn(client)
    _upload(client, journey, "early-help.pdf", PDF)
    assert [p.name for p in (uploads / "pending" / journey).iterdir()]

    submit(client, journey)

    attachment = Attachment.objects.get()
    assert attachment.original_name == "early-help.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.report.contact == Contact.objects.get()
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF
    assert not list((uploads / "pending" / journey).iterdir())


def test_r10_a_file_named_pdf_that_is_not_is_refused_and_never_stored(client, uploads):
    journey = start(client)

    response = _upload(client, journey, "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04", expect=400)

    assert errors(response) == [
        "The selected file must be a PDF, Word document, spreadsheet, photo or text file"
    ]
    assert not (uploads / "pending").exists()


def test_r10_an_oversized_file_is_refused(client, settings, uploads):
    settings.FRONTDOOR_MAX_UPLOAD_BYTES = 1024
    journey = start(client)

    response = _upload(client, journey, "big.pdf", PDF + b"0" * 2000, expect=400)

    assert errors(response) == ["The selected file must be smaller than 1KB"]
    assert not (uploads / "pending").exists()


def test_r10_a_pending_file_can_be_removed(client, uploads):
    journey = start(client)
    _upload(client, journey, "notes.txt", b"Some notes\n")
    client.post(url("document_remove", journey, 0))
    assert client.session[f"refer:{journey}"]["documents"] == []
    assert not list((uploads / "pending" / journey).iterdir())


def test_r10_upload_without_a_file_asks_for_one(client):
    journey = start(client)
    response = client.post(url("documents", journey), {"action": "upload"})
    assert response.status_code == 400
    assert errors(response) == ["Select a file"]


# Checking progress with the reference and status code.

STATUS = reverse("refer:status")
NOT_FOUND = (
    "We could not find a referral with that reference and status code. Check both and try again."
)


def _referred() -> tuple[Contact, str]:
    recorded = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    return recorded.contact, recorded.status_secret


def _main(response) -> str:
    """The page's main content, without the CSRF token (masked afresh for each response)."""
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def test_the_confirmation_links_to_the_progress_check(client):
    journey = anonymous_member_of_public(client)
    submit(client, journey)
    page = client.get(url("confirmation", journey)).content.decode()
    assert f'href="{STATUS}">Check the progress of your referral</a>' in page
    # A retry of the same submission shows the same code again: the page does not say it cannot.
    assert "cannot show you the code again" not in page
    assert "if you lose it, call the MASH on" in page


def test_a_referrer_sees_the_stage_of_their_referral_and_nothing_else(client):
    contact, secret = _referred()
    report = contact.reports.get()
    child = contact.children.first()

    response = client.post(
        STATUS, {"reference": contact.reference.lower(), "status_code": f" {secret} "}
    )

    assert response.status_code == 200
    main = _main(response)
    assert re.search(r'id="stage">\s*Received\s*<', main)
    for private in (
        child.first_name,
        child.last_name,
        report.referrer_name,
        report.referrer_agency,
        report.worry,
        secret,
    ):
        assert private and private not in main


def test_a_wrong_code_and_a_wrong_reference_get_the_same_message(client):
    contact, secret = _referred()
    _other, other_secret = _referred()

    wrong_code = client.post(STATUS, {"reference": contact.reference, "status_code": other_secret})
    wrong_reference = client.post(STATUS, {"reference": "FD-BBBB-CCCC", "status_code": secret})

    for response in (wrong_code, wrong_reference):
        assert response.status_code == 400
        assert errors(response) == [NOT_FOUND]
        assert "Received" not in _main(response)
        assert secret not in response.content.decode()  # the code is typed again, not echoed
    # Apart from the reference typed (shown back), the two pages are the same.
    assert _main(wrong_code).replace(contact.reference, "FD-BBBB-CCCC") == _main(wrong_reference)


def test_a_contact_recorded_by_staff_has_no_status_code_to_check(client, make_user):
    recorded = record_contact(
        submission=make_submission(),
        channel=Channel.TELEPHONE,
        by=make_user(Role.CONTACT_OFFICER),
    )
    response = client.post(STATUS, {"reference": recorded.contact.reference, "status_code": ""})
    assert errors(response) == ["Enter your status code"]
    response = client.post(STATUS, {"reference": recorded.contact.reference, "status_code": "x"})
    assert errors(response) == [NOT_FOUND]


def test_the_progress_check_needs_both_answers(client):
    response = client.post(STATUS, {})
    assert response.status_code == 400
    assert errors(response) == ["Enter your reference number", "Enter your status code"]
    assert "<title>Error: Check the progress of your referral" in response.content.decode()


def test_the_progress_check_needs_no_sign_in_and_keeps_csrf_protection(client):
    assert client.get(STATUS).status_code == 200
    assert Client(enforce_csrf_checks=True).post(STATUS, {}).status_code == 403


def test_r5_the_public_form_asks_for_the_expectant_parent_and_one_under_18_is_a_child(client):
    journey = start(client)
    post(client, url("danger", journey), {"danger": "no"})
    post(client, url("who", journey), {"type": "public"})
    post(client, url("referrer", journey), {"name": "A neighbour", "phone": "07700 900000"})
    post(
        client,
        url("child_add", journey),
        {"unborn": "yes", **date_fields("expected_date_of_birth", today() + dt.timedelta(60))},
    )
    post(client, url("children", journey), {"add": "no"})
    post(client, url("adults", journey), {"add": "yes"})
    page = client.get(url("adult_add", journey)).content.decode()
    assert "mother or father-to-be" in page
    post(
        client,
        url("adult_add", journey),
        {
            "first_name": "Kay",
            "relationship_to_child": "Mother",
            **date_fields("date_of_birth", today().replace(year=today().year - 12)),
            "expectant_parent": "yes",
        },
    )
    post(client, url("adults", journey), {"add": "no"})
    post(client, url("worry", journey), {"worry": "Kay is 12 and pregnant."})
    post(client, url("safety", journey), {})
    post(client, url("household", journey), {})
    post(client, url("consent", journey), {"consent": "given"})
    post(client, url("level", journey), {"referrer_level_of_need": "not_known"})
    post(client, url("documents", journey), {"action": "continue"})
    assert submit(client, journey).status_code == 302
    contact = Contact.objects.get()
    assert contact.children.get(expectant_parent=True).first_name == "Kay"
    assert contact.adults.get().expectant_parent


def test_r30_a_professional_asks_to_be_told_by_text_and_agrees_to_it(client):
    journey = start(client)
    post(client, url("who", journey), {"type": "professional"})
    details = {
        "name": "Pat",
        "agency": "School",
        "role": "Teacher",
        "phone": "0151 934 4013",
        "feedback_by": "text",
    }
    refused = post(client, url("referrer", journey), details, expect=400)
    assert errors(refused) == [
        "Enter a UK mobile number to be told by text, like 07700 900123",
        "Confirm that the front door may send you a text message",
    ]
    post(
        client,
        url("referrer", journey),
        {**details, "phone": "07700 900123", "agrees_to_contact": "yes"},
    )
    check = client.get(url("check", journey)).content.decode()
    assert "By text message" in check


def test_r12_the_form_asks_once_whether_the_parents_agree_on_the_consent_page(client):
    journey = start(client)
    asked = [
        question.name
        for page_questions in (questions.WORRY, questions.SAFETY, questions.HOUSEHOLD)
        for question in flatten(page_questions)
    ]
    assert "parents_agree" not in asked
    safety = html.unescape(client.get(url("safety", journey)).content.decode())
    assert "agree" not in safety
    consent = html.unescape(client.get(url("consent", journey)).content.decode())
    assert "Have the parents or carers agreed to this referral being made?" in consent


def test_r12_the_consent_answer_is_the_one_stored_and_shown_to_check(client):
    journey = professional_with_siblings_and_unborn(client)
    post(client, url("consent", journey), {"consent": "refused"})
    check = html.unescape(client.get(url("check", journey)).content.decode())
    assert "No, they have refused" in check
    assert "agree to this referral?" not in check

    submit(client, journey)

    report = Report.objects.get()
    assert (report.consent, report.parents_agree) == ("refused", "no")


def test_r12_a_referral_begun_when_safety_asked_it_too_sends_the_consent_answer(client):
    journey = professional_with_siblings_and_unborn(client)
    session = client.session
    session[f"refer:{journey}"]["concern"]["parents_agree"] = "yes"
    session.save()
    post(client, url("consent", journey), {"consent": "refused"})

    assert submit(client, journey)["Location"] == url("confirmation", journey)

    report = Report.objects.get()
    assert (report.consent, report.parents_agree) == ("refused", "no")


def test_r12_the_staff_form_asks_the_consent_question_in_the_same_words():
    staff = ReportForm()
    assert "parents_agree" not in staff.fields
    consent = flatten(questions.consent_questions(current_policy()))[0]
    assert staff.fields["consent"].label == consent.label


# Every page of the form, with and without errors, passes the crawl's HTML checks.

_PAGES_WITH_ERRORS = {
    "danger": {},
    "who": {},
    "referrer": {"name": ""},
    "child_add": {"unborn": "no", "date_of_birth-day": "31", "date_of_birth-month": "2"},
    "adult_add": {"date_of_birth-year": "3000"},
    "worry": {},
    "safety": {"parents_aware": "maybe"},
    "household": {"domestic_abuse": "maybe"},
    "consent": {"consent": "not_sought"},
    "level": {},
}


def test_every_page_of_the_form_passes_the_html_checks_with_and_without_errors(client):
    from tests.attacks.html_checks import page_problems, policy_keys

    keys = policy_keys(current_policy())
    journey = professional_with_siblings_and_unborn(client)
    problems = {}
    for name in (*_PAGES_WITH_ERRORS, "children", "adults", "documents", "check"):
        problems[name] = page_problems(
            client.get(url(name, journey)).content.decode(), policy_keys=keys
        )
    for name, data in _PAGES_WITH_ERRORS.items():
        response = post(client, url(name, journey), data, expect=400)
        problems[f"{name} with errors"] = page_problems(response.content.decode(), policy_keys=keys)
    fresh = start(client)
    post(client, url("danger", fresh), {"danger": "no"})
    response = client.post(url("check", fresh))
    assert response.status_code == 400
    problems["check with errors"] = page_problems(response.content.decode(), policy_keys=keys)
    assert {name: found for name, found in problems.items() if found} == {}
