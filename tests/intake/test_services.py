"""Recording contacts: every report kept, once; clocks started; refusals with reasons (R1-R11)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import (
    Channel,
    Contact,
    Report,
    ReportedAdult,
    ReportedChild,
    YesNoUnknown,
)
from frontdoor.intake.services import (
    attach_report,
    consultation_to_contact,
    record_consultation,
    record_contact,
    record_missing_episode,
    record_written_referral,
    referrer_status,
)
from frontdoor.intake.submissions import Child
from frontdoor.people.models import Person
from tests.intake.factories import make_submission, submission_data, unborn_child

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def london(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LONDON)


def test_r1_an_online_referral_makes_a_contact_with_its_children_and_adults():
    recorded = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    contact = recorded.contact
    assert recorded.created
    assert contact.reference.startswith("FD-")
    assert [c.first_name for c in contact.children.all()] == ["Ellis", "Robin"]
    assert contact.adults.get().relationship_to_child == "Mother"
    assert contact.policy_version.policy_id == "sefton"
    assert recorded.status_secret
    assert AuditEvent.objects.filter(action="contact.recorded", target_id=str(contact.pk)).exists()


def test_r25_the_contact_is_due_one_working_day_after_it_arrives():
    # A contact received on a Thursday morning is progressed by Friday's close (16:00).
    recorded = record_contact(
        submission=make_submission(),
        channel=Channel.ONLINE_FORM,
        received_at=london("2026-11-19T10:00"),
    )
    assert recorded.contact.progress_due_at == london("2026-11-20T16:00")


def test_an_edt_contact_received_on_a_saturday_night_is_due_monday(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    recorded = record_contact(
        submission=make_submission(),
        channel=Channel.EDT,
        received_at=london("2026-11-21T02:00"),
        by=officer,
    )
    assert recorded.contact.progress_due_at == london("2026-11-23T17:30")
    assert recorded.report.recorded_by == officer
    assert recorded.status_secret == ""  # staff-recorded: nothing for a referrer to check


def test_a_form_sent_twice_makes_one_contact():
    first = record_contact(
        submission=make_submission(), channel=Channel.ONLINE_FORM, submission_key="abc"
    )
    again = record_contact(
        submission=make_submission(), channel=Channel.ONLINE_FORM, submission_key="abc"
    )
    assert not again.created
    assert again.contact == first.contact
    assert Contact.objects.count() == 1
    assert Report.objects.count() == 1


def test_a_submission_key_sent_again_with_other_content_is_refused():
    record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM, submission_key="k")
    changed = make_submission(referrer_level_of_need=2)
    with pytest.raises(DomainError, match="already used for a different report"):
        record_contact(submission=changed, channel=Channel.ONLINE_FORM, submission_key="k")
    assert Report.objects.count() == 1


def test_staff_channels_need_a_role_that_records_contacts(make_user):
    with pytest.raises(DomainError, match=r'Send your agency.s reports with the channel "api"'):
        record_contact(
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            by=make_user(Role.PARTNER_AGENCY),
        )
    with pytest.raises(DomainError, match="You cannot record contacts"):
        record_contact(
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            by=make_user(Role.EARLY_HELP_WORKER),
        )
    with pytest.raises(DomainError):
        record_contact(submission=make_submission(), channel=Channel.LETTER, by=None)
    assert Contact.objects.count() == 0


def test_a_report_cannot_arrive_in_the_future(make_user):
    with pytest.raises(DomainError, match="cannot be in the future"):
        record_contact(
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            received_at=timezone.now() + dt.timedelta(hours=1),
            by=make_user(Role.CONTACT_OFFICER),
        )


def _urgent():
    """A report saying a child needs protection now (R3)."""
    submission = make_submission()
    return submission.model_copy(
        update={
            "concern": submission.concern.model_copy(
                update={"immediate_protection_needed": YesNoUnknown.YES}
            )
        }
    )


def test_r3_a_telephoned_immediate_concern_awaits_its_written_follow_up(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    urgent = _urgent()
    received = timezone.now() - dt.timedelta(hours=1)
    phoned = record_contact(
        submission=urgent, channel=Channel.TELEPHONE, received_at=received, by=officer
    ).contact
    assert phoned.written_follow_up_due_at == received + dt.timedelta(hours=24)
    assert phoned.written_follow_up_received_at is None
    written = attach_report(
        contact=phoned, submission=make_submission(), channel=Channel.ONLINE_FORM
    )
    phoned.refresh_from_db()
    assert phoned.written_follow_up_received_at == written.report.received_at
    assert phoned.reports.count() == 2


def _phoned(make_user, hours_ago: float = 1) -> Contact:
    received = timezone.now() - dt.timedelta(hours=hours_ago)
    return record_contact(
        submission=_urgent(),
        channel=Channel.TELEPHONE,
        received_at=received,
        by=make_user(Role.CONTACT_OFFICER),
    ).contact


def test_r3_a_written_referral_giving_the_phone_reference_follows_up_the_phoned_contact(
    make_user,
):
    phoned = _phoned(make_user)
    written = record_written_referral(
        submission=make_submission(),
        channel=Channel.ONLINE_FORM,
        phone_reference=phoned.reference,
        submission_key="marf-1",
    )
    assert written.contact == phoned
    phoned.refresh_from_db()
    assert phoned.written_follow_up_received_at == written.report.received_at
    assert not Contact.objects.awaiting_written_follow_up().exists()
    again = record_written_referral(
        submission=make_submission(),
        channel=Channel.ONLINE_FORM,
        phone_reference=phoned.reference,
        submission_key="marf-1",
    )
    assert again.report == written.report  # sent twice, recorded once (R1)


@pytest.mark.parametrize(
    ("case", "channel"),
    [
        ("unknown", Channel.ONLINE_FORM),
        ("followed up", Channel.ONLINE_FORM),
        ("closed", Channel.ONLINE_FORM),
        ("not written", Channel.TELEPHONE),
    ],
)
def test_r3_a_written_referral_makes_a_new_contact_unless_its_phoned_contact_awaits_it(
    make_user, case, channel
):
    phoned = _phoned(make_user)
    reference = "FD-ZZZZ-ZZZZ" if case == "unknown" else phoned.reference
    if case == "followed up":
        attach_report(contact=phoned, submission=make_submission(), channel=Channel.ONLINE_FORM)
    if case == "closed":
        Contact.objects.filter(pk=phoned.pk).update(state=Contact.State.CLOSED)
    before = phoned.reports.count()
    recorded = record_written_referral(
        submission=make_submission(),
        channel=channel,
        phone_reference=reference,
        by=make_user(Role.CONTACT_OFFICER),
    )
    assert recorded.contact != phoned
    assert phoned.reports.count() == before


def test_r3_awaiting_and_overdue_mean_the_same_to_a_query_and_to_one_contact(make_user):
    now = timezone.now()
    awaited = _phoned(make_user, hours_ago=2)
    overdue = _phoned(make_user, hours_ago=30)
    received = _phoned(make_user, hours_ago=30)
    attach_report(contact=received, submission=make_submission(), channel=Channel.ONLINE_FORM)
    not_phoned = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    contacts = [awaited, overdue, received, not_phoned]
    for contact in contacts:
        contact.refresh_from_db()

    assert set(Contact.objects.awaiting_written_follow_up()) == {awaited, overdue}
    assert set(Contact.objects.written_follow_up_overdue(now)) == {overdue}
    assert {c for c in contacts if c.awaits_written_follow_up} == {awaited, overdue}
    assert {c for c in contacts if c.is_written_follow_up_overdue(now)} == {overdue}


@pytest.mark.parametrize(
    ("channel", "awaited"),
    [
        (Channel.IN_PERSON, True),
        (Channel.EDT, True),
        (Channel.LETTER, False),
        (Channel.POLICE_NOTIFICATION, False),
    ],
)
def test_r3_an_immediate_concern_told_in_person_or_to_the_edt_awaits_its_written_referral(
    make_user, channel, awaited
):
    urgent = _urgent()
    received = timezone.now() - dt.timedelta(hours=1)
    contact = record_contact(
        submission=urgent, channel=channel, received_at=received, by=make_user(Role.CONTACT_OFFICER)
    ).contact
    assert (contact.written_follow_up_due_at is not None) == awaited


def test_r7_a_second_report_of_the_same_incident_keeps_its_own_referrer(make_user):
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    due = contact.progress_due_at
    police = make_submission(
        referrer={
            "type": "professional",
            "name": "PC Example",
            "agency": "Merseyside Police",
            "role": "Constable",
            "phone": "101",
        }
    )
    attach_report(
        contact=contact,
        submission=police,
        channel=Channel.POLICE_NOTIFICATION,
        by=make_user(Role.CONTACT_OFFICER),
    )
    contact.refresh_from_db()
    referrers = [r.referrer_name for r in contact.reports.all()]
    assert referrers == ["Pat Referrer", "PC Example"]
    assert contact.progress_due_at == due  # R7: not held up by the second report


def _further_report():
    """The written referral after a call: the same two children, Ellis's postcode given anew,
    and a third child the call did not mention."""
    data = submission_data()
    ellis, robin = data["children"]
    children = [
        {**ellis, "first_name": "ELLIS", "postcode": "L20 1AA"},
        robin,
        {"first_name": "Sam", "last_name": "Examplechild", "date_of_birth": "2020-01-05"},
    ]
    return make_submission(children=children)


def test_r3_the_written_referral_names_the_called_about_children_as_the_same_children(make_user):
    phoned = _phoned(make_user)
    written = record_written_referral(
        submission=_further_report(),
        channel=Channel.ONLINE_FORM,
        phone_reference=phoned.reference,
    )
    assert written.contact == phoned
    # One child each: Ellis and Robin once, and Sam, whom only the written referral names.
    children = list(phoned.children.all())
    assert [c.first_name for c in children] == ["Ellis", "Robin", "Sam"]
    ellis = children[0]
    # The written referral's own words stay: its account of Ellis, as it gave them.
    accounts = ReportedChild.accounts.filter(account_of__isnull=False)
    assert [(a.account_of, a.report, a.first_name) for a in accounts] == [
        (ellis, written.report, "ELLIS"),
        (children[1], written.report, "Robin"),
    ]
    event = AuditEvent.objects.get(action="contact.report_attached")
    assert event.changes["further_accounts"][0] == {
        "child": ellis.pk,
        "name": "Ellis Examplechild",
        "differences": {"postcode": {"on_contact": "L21 7PQ", "given": "L20 1AA"}},
    }


def test_r7_an_adult_named_again_by_a_further_report_is_the_same_adult(make_user, client):
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    jo = contact.adults.get()
    adults = [
        {**submission_data()["adults"][0], "phone": "07700 900123"},
        {"first_name": "Alex", "last_name": "Partner", "relationship_to_child": "Mum's partner"},
    ]
    further = attach_report(
        contact=contact,
        submission=make_submission(adults=adults),
        channel=Channel.POLICE_NOTIFICATION,
        by=make_user(Role.CONTACT_OFFICER),
    )
    # Jo once, and Alex, whom only the police name; the police's words about Jo are kept.
    assert [a.first_name for a in contact.adults.all()] == ["Jo", "Alex"]
    (account,) = jo.further_accounts
    assert (account.report, account.phone) == (further.report, "07700 900123")
    assert ReportedAdult.accounts.filter(contact=contact).count() == 3
    event = AuditEvent.objects.get(action="contact.report_attached")
    assert {"adult": jo.pk, "name": "Jo Examplechild", "differences": {}} in (
        event.changes["further_accounts"]
    )
    client.force_login(make_user(Role.MASH_SOCIAL_WORKER))
    page = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    assert page.count('<th scope="row" class="govuk-table__header">Jo Examplechild') == 1
    assert ", as Jo Examplechild (Mother), 07700 900123.</span>" in page


def test_r7_a_child_with_the_same_name_and_another_date_of_birth_is_another_child(make_user):
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    data = submission_data()
    ellis = {**data["children"][0], "date_of_birth": "2016-03-02"}
    attach_report(
        contact=contact,
        submission=make_submission(children=[ellis]),
        channel=Channel.POLICE_NOTIFICATION,
        by=make_user(Role.CONTACT_OFFICER),
    )
    assert [c.first_name for c in contact.children.all()] == ["Ellis", "Robin", "Ellis"]


def test_r7_a_child_the_contact_has_matched_is_the_same_child_when_reported_again(make_user):
    contact = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM).contact
    person = Person.objects.create(first_name="Ellis", last_name="Examplechild")
    ellis = contact.children.first()
    ReportedChild.objects.filter(pk=ellis.pk).update(person=person)
    attach_report(
        contact=contact,
        submission=make_submission(),
        channel=Channel.POLICE_NOTIFICATION,
        by=make_user(Role.CONTACT_OFFICER),
    )
    assert contact.children.count() == 2
    account = ReportedChild.accounts.get(account_of=ellis)
    assert account.person == person  # the further account is of the same person


def test_r5_an_unborn_child_can_be_the_subject():
    recorded = record_contact(
        submission=make_submission(children=[unborn_child()]), channel=Channel.ONLINE_FORM
    )
    child = recorded.contact.children.get()
    assert child.unborn and child.expected_date_of_birth and child.date_of_birth is None


def test_r9_a_missing_episode_is_a_contact(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    went = timezone.now() - dt.timedelta(hours=80)
    contact = record_missing_episode(
        child=Child(first_name="Sam", last_name="Missing", date_of_birth=dt.date(2011, 1, 1)),
        went_missing_at=went,
        returned_at=None,
        missing_from="Home",
        submission=make_submission(),
        channel=Channel.EDT,
        by=officer,
    )
    assert contact.kind == Contact.Kind.MISSING_EPISODE
    assert contact.missing.returned_at is None
    assert contact.missing.child.first_name == "Sam"


def test_r9_a_return_before_going_missing_is_refused(make_user):
    now = timezone.now()
    with pytest.raises(DomainError, match="returned before"):
        record_missing_episode(
            child=Child(first_name="Sam"),
            went_missing_at=now - dt.timedelta(hours=1),
            returned_at=now - dt.timedelta(hours=2),
            missing_from="",
            submission=make_submission(),
            channel=Channel.TELEPHONE,
            by=make_user(Role.CONTACT_OFFICER),
        )
    assert Contact.objects.count() == 0


def test_r8_a_consultation_is_logged_without_child_details_and_can_become_a_contact(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    consultation = record_consultation(
        caller_agency="GP practice",
        caller_role="GP",
        question="Is this level 2?",
        advice="Consider an Early Help assessment.",
        by=officer,
    )
    assert consultation.became_contact is None
    contact = consultation_to_contact(
        consultation=consultation, submission=make_submission(), by=officer
    )
    consultation.refresh_from_db()
    assert consultation.became_contact == contact
    with pytest.raises(DomainError, match="already became contact"):
        consultation_to_contact(consultation=consultation, submission=make_submission(), by=officer)


def test_a_referrer_checks_status_with_reference_and_secret_only():
    recorded = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    reference = recorded.contact.reference
    assert referrer_status(reference=reference, secret=recorded.status_secret) == "Received"
    assert referrer_status(reference=reference.lower(), secret=recorded.status_secret) == "Received"
    assert referrer_status(reference=reference, secret="guess") is None
    other = record_contact(submission=make_submission(), channel=Channel.ONLINE_FORM)
    assert referrer_status(reference=reference, secret=other.status_secret) is None


def test_markup_in_free_text_is_stored_as_typed():
    text = "<script>alert('x')</script> & <b>bold</b>"
    data = make_submission().concern.model_copy(update={"worry": text})
    recorded = record_contact(
        submission=make_submission().model_copy(update={"concern": data}),
        channel=Channel.ONLINE_FORM,
    )
    assert Report.objects.get(pk=recorded.report.pk).worry == text


def test_r9_a_missing_episode_sent_twice_is_recorded_once(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    arguments = {
        "child": Child(first_name="Sam"),
        "went_missing_at": timezone.now() - dt.timedelta(hours=3),
        "returned_at": None,
        "missing_from": "Home",
        "submission": make_submission(),
        "channel": Channel.TELEPHONE,
        "by": officer,
        "submission_key": "missing-1",
    }
    first = record_missing_episode(**arguments)
    again = record_missing_episode(**arguments)
    assert again == first
    assert Contact.objects.count() == 1


def test_every_reported_child_and_adult_has_its_history(make_user):
    officer = make_user(Role.CONTACT_OFFICER)
    contact = record_contact(
        submission=make_submission(), channel=Channel.TELEPHONE, by=officer
    ).contact
    before = timezone.now() - dt.timedelta(minutes=1)
    for person in [*contact.children.all(), *contact.adults.all()]:
        created = person.history.get()
        assert created.history_type == "+"
        assert created.history_user == officer
        # The history row is the row as written: same values, stamped when it was recorded.
        assert (created.id, created.contact_id, created.report_id) == (
            person.pk,
            contact.pk,
            person.report_id,
        )
        assert (created.first_name, created.last_name, created.date_of_birth) == (
            person.first_name,
            person.last_name,
            person.date_of_birth,
        )
        assert before < created.history_date <= timezone.now()
