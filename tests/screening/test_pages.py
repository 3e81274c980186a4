"""The screening pages as a worker and a manager use them, without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse

from frontdoor.accounts.roles import Role
from frontdoor.audit.models import RecordView
from frontdoor.intake.models import Channel, Contact
from frontdoor.intake.services import attach_report
from frontdoor.screening.models import (
    ChildScreening,
    ConsentRecord,
    Decision,
    FollowUp,
    SharingAuthorisation,
)
from tests.attacks.html_checks import form_problems
from tests.intake.factories import make_submission, submission_data

pytestmark = pytest.mark.django_db


def url(name, contact, *args):
    return reverse(f"screening:{name}", args=[contact.reference, *args])


def test_the_screening_page_shows_each_childs_checks_and_is_logged(client, contact, worker):
    client.force_login(worker)
    page = client.get(url("contact", contact))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Where the child lives" in text
    assert "Not yet checked: find the child" in text
    # The referral says there is domestic abuse: a Sefton MASH criterion is met.
    assert "The referral says there is domestic abuse in the household" in text
    assert RecordView.objects.filter(viewer=worker, through="screening page").exists()


def test_r3_the_screening_page_shows_each_child_once_with_the_written_referrals_account(
    client, contact, worker
):
    attach_report(
        contact=contact,
        submission=make_submission(
            referrer={**submission_data()["referrer"], "name": "Dr Example"}
        ),
        channel=Channel.ONLINE_FORM,
    )
    client.force_login(worker)
    text = client.get(url("contact", contact)).content.decode()
    assert text.count('<h2 class="govuk-heading-m" id="child-') == 2
    assert text.count("Also named in the report from Dr Example") == 2


@pytest.mark.parametrize(
    "role", [Role.PARTNER_AGENCY, Role.CONTACT_OFFICER, Role.EARLY_HELP_WORKER]
)
def test_only_screening_staff_open_the_screening_page(client, contact, make_user, role):
    client.force_login(make_user(role))
    assert client.get(url("contact", contact)).status_code in {403, 404}


def test_r24_a_worker_screens_a_child_and_asks_for_a_decision(client, contact, worker):
    client.force_login(worker)
    client.post(url("start", contact))
    contact.refresh_from_db()
    assert contact.state == Contact.State.SCREENING
    assert contact.assignment.worker == worker
    # Without the screening of every child, the manager is not asked.
    response = client.post(url("submit", contact), follow=True)
    assert "Record the screening of every child" in response.content.decode()
    for child in contact.children.all():
        response = client.post(
            url("findings", contact, child.pk),
            {
                "add": ["L3.health.1"],
                "concerns": ["physical_abuse"],
                "analysis": "Bruise with an account of being hit by Mum's partner.",
                "urgent_action_needed": "no",
            },
        )
        assert response.status_code == 302
    screening = ChildScreening.objects.get(child=contact.children.first())
    assert screening.indicators == ["L3.health.1"]
    assert screening.concerns == ["physical_abuse"]
    client.post(url("submit", contact))
    contact.refresh_from_db()
    assert contact.state == Contact.State.AWAITING_DECISION


def test_r27_searching_the_guidance_keeps_what_was_typed(client, contact, worker):
    client.force_login(worker)
    child = contact.children.first()
    response = client.post(
        url("findings", contact, child.pk),
        {
            "analysis": "Half-written notes",
            "urgent_action_needed": "unknown",
            "q": "bruis",
            "search": "1",
        },
    )
    assert response.status_code == 302
    assert "q=bruis" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Half-written notes" in page
    assert "indicator" in page and "found" in page


def test_a_stale_screening_page_cannot_overwrite_a_colleagues_work(
    client, contact, worker, make_user
):
    colleague = make_user(Role.MASH_SOCIAL_WORKER)
    child = contact.children.first()
    data = {"analysis": "Mine", "urgent_action_needed": "no", "version": ""}
    client.force_login(colleague)
    client.post(url("findings", contact, child.pk), data)
    client.force_login(worker)
    page = client.post(
        url("findings", contact, child.pk), {**data, "analysis": "Stale", "version": 0}
    )
    assert "changed this screening while you were working on it" in page.content.decode()
    assert ChildScreening.objects.get(child=child).analysis == "Mine"


def test_r25_the_manager_decides_and_a_second_manager_is_shown_the_first_decision(
    client, contact, manager, make_user
):
    child = contact.children.first()
    form = {
        "level": "3",
        "rag": "amber",
        "outcome": "child_and_family_assessment",
        "rationale": "Needs a Child and Family assessment.",
        "primary_need": "N1",
        "based_on": "0",
    }
    client.force_login(manager)
    page = client.get(url("decide", contact, child.pk))
    assert "What screening suggests" in page.content.decode()
    response = client.post(url("decide", contact, child.pk), form)
    assert response.status_code == 302
    client.force_login(make_user(Role.MASH_MANAGER))
    page = client.post(
        url("decide", contact, child.pk),
        {**form, "outcome": "information_and_advice", "level": "1", "primary_need": ""},
    )
    text = page.content.decode()
    assert "Another decision was recorded first" in text
    assert "Needs a Child and Family assessment." in text
    assert Decision.objects.count() == 1


def test_r25_a_decision_without_rationale_shows_the_error_summary(client, contact, manager):
    client.force_login(manager)
    child = contact.children.first()
    page = client.post(
        url("decide", contact, child.pk),
        {"level": "1", "outcome": "information_and_advice", "based_on": "0", "rationale": ""},
    )
    assert "There is a problem" in page.content.decode()
    assert "Give the rationale for the decision" in page.content.decode()


def test_a_worker_cannot_open_the_decision_page(client, contact, worker):
    client.force_login(worker)
    assert client.get(url("decide", contact, contact.children.first().pk)).status_code == 403


def test_r13_r14_consent_is_recorded_per_person_and_a_reason_is_needed_when_not_sought(
    client, contact, worker
):
    client.force_login(worker)
    adult = contact.adults.first()
    child = contact.children.first()
    page = client.post(
        url("consent", contact),
        {"person": f"adult-{adult.pk}", "about": [str(child.pk)], "status": "not_sought"},
    )
    assert "Say why consent was not sought" in page.content.decode()
    client.post(
        url("consent", contact),
        {
            "person": f"adult-{adult.pk}",
            "about": [str(child.pk)],
            "status": "not_sought",
            "not_sought_reason": "increased_risk",
        },
    )
    record = ConsentRecord.objects.get()
    assert record.adult == adult
    assert record.about_child == child
    assert record.not_sought_reason == "increased_risk"


def test_an_empty_consent_form_gets_govuk_messages_and_one_error_prefix(client, contact, worker):
    client.force_login(worker)
    page = client.post(reverse("screening:consent", args=[contact.reference]), {"notes": ""})
    text = page.content.decode()
    assert "This field is required." not in text
    assert "Select whose consent you are recording" in text
    title = text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Error: Record consent") and title.count("Error:") == 1


def test_r25_a_decision_page_with_errors_says_error_once_in_its_title(client, contact, manager):
    client.force_login(manager)
    child = contact.children.order_by("id")[0]
    page = client.post(reverse("screening:decide", args=[contact.reference, child.pk]), {})
    title = page.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.count("Error:") == 1


def test_r14_only_a_manager_authorises_sharing_without_consent(client, contact, worker, manager):
    client.force_login(worker)
    assert client.get(url("authorise", contact)).status_code == 403
    client.force_login(manager)
    child = contact.children.first()
    response = client.post(
        url("authorise", contact),
        {"child": child.pk, "reason": "unjustified_delay", "explanation": "Serious injury."},
    )
    assert response.status_code == 302
    assert SharingAuthorisation.objects.get().child == child


def test_a_follow_up_is_recorded_as_done(client, contact, manager):
    from tests.screening.test_decisions import decide

    decide(contact, contact.children.first(), manager, level=1, outcome="information_and_advice")
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.FAMILY_TOLD)
    client.force_login(manager)
    client.post(reverse("screening:follow_up_done", args=[follow_up.pk]), {"note": "Phoned Mum"})
    follow_up.refresh_from_db()
    assert follow_up.done_by == manager
    assert follow_up.note == "Phoned Mum"


def test_r23_a_follow_up_past_its_due_time_is_overdue_until_done(client, contact, manager):
    from tests.screening.test_decisions import decide

    decide(contact, contact.children.first(), manager, level=4, outcome="strategy_discussion")
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.STRATEGY_DISCUSSION)
    assert follow_up.due_at is not None  # decided in the past: long due
    page = reverse("screening:contact", args=[contact.reference])
    client.force_login(manager)

    def row() -> str:
        text = client.get(page).content.decode()
        table = text[text.index('id="follow-up-table"') :]
        return table[table.index(follow_up.get_kind_display()) :].split("</tr>", 1)[0]

    assert "Overdue" in row()
    client.post(reverse("screening:follow_up_done", args=[follow_up.pk]), {"note": "Phoned Mum"})
    assert "Overdue" not in row()
    assert follow_up.is_overdue(follow_up.due_at) is False  # the due time itself is in time


def test_r25_the_screening_queue_lists_open_contacts_soonest_due_first_in_few_queries(
    client, make_contact, manager, django_assert_max_num_queries
):
    import datetime as dt

    from tests.screening.conftest import RECEIVED

    later = make_contact(received_at=RECEIVED + dt.timedelta(days=1))
    sooner = make_contact()
    for _ in range(5):
        make_contact()
    client.force_login(manager)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("screening:queue"))
    text = page.content.decode()
    assert text.index(sooner.reference) < text.index(later.reference)
    assert "Overdue" in text  # received in the past, due long ago


def test_my_work_lists_the_contacts_i_am_screening(client, make_contact, worker):
    mine = make_contact()
    other = make_contact()
    client.force_login(worker)
    client.post(url("start", mine))
    page = client.get(reverse("screening:mine")).content.decode()
    assert mine.reference in page
    assert other.reference not in page
    team = client.get(reverse("screening:team")).content.decode()
    assert mine.reference in team


def test_someone_in_no_team_is_shown_an_empty_team_queue_saying_why(client, make_user):
    # The matrix allows the page (contact.screen): not being in a team is not a refusal.
    client.force_login(make_user(Role.MASH_SOCIAL_WORKER, team=""))
    response = client.get(reverse("screening:team"))
    assert response.status_code == 200
    assert "You are not in a team: ask an administrator to set your team." in (
        response.content.decode()
    )


def test_r23_child_protection_concerns_are_flagged_in_the_managers_queue(
    client, make_contact, worker, manager
):
    from frontdoor.screening.findings import save_findings

    flagged = make_contact()
    make_contact()
    save_findings(
        contact=flagged,
        child=flagged.children.first(),
        by=worker,
        indicators=[],
        concerns=["sexual_abuse"],
        analysis="Disclosure at school.",
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    assert page.count("Child protection</strong>") == 1
    row = page[page.index(flagged.reference) :]
    assert row.index("Child protection") < row.index("</tr>")


def test_the_childs_page_shows_decisions_on_one_timeline(client, contact, manager, person_for):
    from tests.screening.test_decisions import decide

    child = contact.children.first()
    person = person_for(child)
    decide(contact, child, manager)
    client.force_login(manager)
    page = client.get(reverse("people:person", args=[person.pk])).content.decode()
    assert "Decision: Child in need (section 17): Child and Family assessment" in page
    assert f"Contact {contact.reference}" in page


def test_r23_r28_an_indicator_naming_abuse_flags_the_queue_as_child_protection(
    client, make_contact, worker, manager
):
    from frontdoor.screening.findings import save_findings
    from tests.screening.test_decisions import ABUSE_OR_NEGLECT

    flagged = make_contact()
    save_findings(
        contact=flagged,
        child=flagged.children.first(),
        by=worker,
        indicators=[ABUSE_OR_NEGLECT],
        concerns=[],
        analysis="Bruising with an account of being hit.",
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    row = page[page.index(flagged.reference) :]
    assert row.index("Child protection") < row.index("</tr>")


def test_r21_social_care_closed_within_three_months_shows_on_the_managers_queue(
    client, make_contact, manager, person_for, involvement
):
    import datetime as dt

    from tests.screening.conftest import RECEIVED

    recent, older = make_contact(), make_contact()
    received = RECEIVED.date()
    involvement(
        person_for(recent.children.first()),
        "social_care",
        received - dt.timedelta(days=300),
        received - dt.timedelta(days=20),
    )
    involvement(
        person_for(older.children.first()),
        "social_care",
        received - dt.timedelta(days=400),
        received - dt.timedelta(days=200),
    )
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    assert page.count("Social care closed under 3 months") == 1
    row = page[page.index(recent.reference) :]
    assert row.index("Social care closed under 3 months") < row.index("</tr>")


def test_r23_child_protection_concerns_found_at_screening_alert_the_managers_at_once(
    make_contact, worker
):
    from frontdoor.outbox.models import Message
    from frontdoor.screening.findings import save_findings
    from tests.screening.test_decisions import ABUSE_OR_NEGLECT

    contact = make_contact()
    child = contact.children.first()

    def screen(indicators, version=None):
        return save_findings(
            contact=contact,
            child=child,
            by=worker,
            indicators=indicators,
            concerns=[],
            analysis="Bruising.",
            expected_version=version,
        )

    screening = screen([])
    assert not Message.objects.filter(kind="protection_alert").exists()
    screening = screen([ABUSE_OR_NEGLECT], screening.version)
    screen([ABUSE_OR_NEGLECT], screening.version)  # a second save tells no one again
    (alert,) = Message.objects.filter(kind="protection_alert")
    assert alert.to == "mash-managers@sefton.example"
    assert contact.reference in alert.subject
    assert child.first_name not in alert.body and child.last_name not in alert.body


def test_r21_a_recent_social_care_closure_alerts_the_managers_at_the_first_screening(
    make_contact, worker, person_for, involvement
):
    import datetime as dt

    from frontdoor.outbox.models import Message
    from frontdoor.screening.findings import save_findings
    from tests.screening.conftest import RECEIVED

    contact = make_contact()
    child = contact.children.first()
    received = RECEIVED.date()
    involvement(person_for(child), "social_care", dt.date(2025, 1, 1), received - dt.timedelta(20))
    for version in (None, 1):
        save_findings(
            contact=contact,
            child=child,
            by=worker,
            indicators=[],
            concerns=[],
            analysis="Known family.",
            expected_version=version,
        )
    (alert,) = Message.objects.filter(kind="closed_recently_alert")
    assert "less than 3 months" in alert.body


def test_a_sibling_group_is_screened_and_decided_in_one_pass(client, contact, manager):
    ellis, robin = contact.children.order_by("id")
    client.force_login(manager)
    client.post(url("start", contact))
    page = client.get(url("findings", contact, ellis.pk)).content.decode()
    assert f"Save and screen {robin}" in page
    screening = {"analysis": "Bruise with an account of being hit.", "urgent_action_needed": "no"}
    response = client.post(url("findings", contact, ellis.pk), {**screening, "next": "1"})
    assert response.url == url("findings", contact, robin.pk)
    # The last child waiting: no "and go on", and saving returns to the contact.
    page = client.get(url("findings", contact, robin.pk)).content.decode()
    assert "Save and screen" not in page
    response = client.post(url("findings", contact, robin.pk), {**screening, "next": "1"})
    assert response.url == url("contact", contact)

    decision = {
        "level": "1",
        "rag": "",
        "outcome": "information_and_advice",
        "rationale": "Advice to the family.",
        "based_on": "0",
    }
    page = client.get(url("decide", contact, robin.pk)).content.decode()
    assert f"Record and decide for {ellis}" in page
    response = client.post(url("decide", contact, robin.pk), {**decision, "next": "1"})
    assert response.url == url("decide", contact, ellis.pk)
    response = client.post(url("decide", contact, ellis.pk), {**decision, "next": "1"})
    assert response.url == url("contact", contact)
    assert Decision.objects.count() == 2


@pytest.mark.parametrize("council", ["sefton", "lewisham"])
def test_r33_the_managers_discretion_box_lets_the_contact_into_mash(
    client, make_contact, manager, settings, council
):
    settings.FRONTDOOR_COUNCIL = council
    contact = make_contact(concern={"worry": "Tired in class.", "domestic_abuse": "no"})
    child = contact.children.first()
    client.force_login(manager)
    page = client.get(url("findings", contact, child.pk)).content.decode()
    assert 'name="manager_discretion"' in page
    page = client.get(url("contact", contact)).content.decode()
    assert "No route into MASH applies" in page
    assert reverse("mash:send", args=[contact.reference, child.pk]) not in page
    response = client.post(
        url("findings", contact, child.pk),
        {"analysis": "Worried.", "urgent_action_needed": "no", "manager_discretion": "on"},
    )
    assert response.status_code == 302
    page = client.get(url("contact", contact)).content.decode()
    assert "Routes into MASH" in page
    assert "The MASH manager chose MASH" in page
    assert reverse("mash:send", args=[contact.reference, child.pk]) in page


def test_r33_a_worker_is_not_offered_the_managers_discretion(client, contact, worker):
    client.force_login(worker)
    page = client.get(url("findings", contact, contact.children.first().pk)).content.decode()
    assert 'name="manager_discretion"' not in page


def test_r25_a_progressed_contact_says_when_on_the_screening_page_never_overdue(
    client, contact, manager
):
    import datetime as dt

    from tests.screening.conftest import RECEIVED
    from tests.screening.factories import decide_every_child

    decide_every_child(contact, by=manager, now=RECEIVED + dt.timedelta(hours=2))
    contact.refresh_from_db()
    assert contact.progressed_at is not None
    client.force_login(manager)
    text = client.get(url("contact", contact)).content.decode()
    assert "(progressed " in text
    assert "Overdue by" not in text


def _summary_links(html: str) -> list[str]:
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    return [link.split('"', 1)[0] for link in summary.split('<a href="#')[1:]]


def test_r25_a_decision_breaking_two_rules_lists_both_at_once(client, contact, manager):
    client.force_login(manager)
    child = contact.children.order_by("id")[0]
    page = client.post(
        url("decide", contact, child.pk),
        {
            "level": "2",
            "outcome": "strategy_discussion",  # level 4 only, and it becomes a referral
            "rationale": "Police report of an assault.",
            "primary_need": "",
            "based_on": "0",
        },
    )
    html = page.content.decode()
    assert "is for level 4 in the council&#x27;s policy, not level 2" in html
    assert "makes the contact a referral: choose the child&#x27;s primary need" in html
    assert _summary_links(html) == ["id_outcome", "id_primary_need"]
    assert html.count('class="govuk-error-message"') == 2
    assert not Decision.objects.exists()


def test_r25_a_missing_field_and_a_broken_rule_are_listed_together(client, contact, manager):
    client.force_login(manager)
    child = contact.children.order_by("id")[0]
    page = client.post(
        url("decide", contact, child.pk),
        {"level": "2", "outcome": "strategy_discussion", "rationale": "", "based_on": "0"},
    )
    html = page.content.decode()
    assert "Give the rationale for the decision" in html
    assert "is for level 4 in the council&#x27;s policy, not level 2" in html
    assert "makes the contact a referral" in html
    assert _summary_links(html) == ["id_outcome", "id_primary_need", "id_rationale"]
    assert not Decision.objects.exists()


def test_r17_a_transfer_missing_its_details_lists_each_on_its_field(client, contact, manager):
    client.force_login(manager)
    child = contact.children.order_by("id")[0]
    page = client.post(
        url("decide", contact, child.pk),
        {
            "level": "1",
            "outcome": "another_council",
            "rationale": "The family moved to Wirral.",
            "based_on": "0",
        },
    )
    html = page.content.decode()
    assert _summary_links(html) == ["id_transfer_to", "id_sent_how", "id_what_was_sent"]
    assert "Name the council the contact is transferred to." in html


def _queue_row(page: str, reference: str) -> str:
    row = page[page.index(reference) :]
    return row[: row.index("</tr>")]


def test_r35_the_queue_rag_is_never_a_blank_cell(client, make_contact, worker, manager):
    from frontdoor.screening.findings import save_findings
    from tests.mash.test_enquiries import send

    new = make_contact()
    in_mash = make_contact()
    for child in in_mash.children.all():
        save_findings(
            contact=in_mash,
            child=child,
            by=worker,
            indicators=[],
            concerns=["physical_abuse"],
            analysis="Bruise with an account of being hit.",
        )
    send(in_mash, manager, rag="amber")
    client.force_login(manager)
    page = client.get(reverse("screening:queue")).content.decode()
    assert "Not yet rated" in _queue_row(page, new.reference)
    row = _queue_row(page, in_mash.reference)
    assert "Amber</strong>" in row and "MASH enquiry, not yet decided" in row


def test_the_audit_trail_says_between_which_stages_a_contact_moved(client, contact, worker):
    from frontdoor.audit.models import AuditEvent
    from frontdoor.screening.transitions import start_screening

    start_screening(contact=contact, by=worker)
    # An entry of which only the new stage is known still says what it is known to be.
    AuditEvent.objects.create(
        at=contact.received_at,
        action="contact.state_changed",
        target_type="intake.contact",
        target_id=str(contact.pk),
        changes={"state": "in_mash"},
    )
    client.force_login(worker)
    text = client.get(reverse("intake:contact", args=[contact.reference])).content.decode()
    trail = text[text.index('id="audit-events"') :]
    assert "Stage changed from received to being screened" in trail
    assert "Stage changed to in MASH" in trail
    assert "in_mash" not in trail


def test_r13_consent_for_no_child_is_linked_to_the_childrens_boxes(client, contact, worker):
    client.force_login(worker)
    adult = contact.adults.first()
    page = client.post(
        url("consent", contact), {"person": f"adult-{adult.pk}", "status": "given"}
    ).content.decode()
    assert "Select the children this consent is for" in page
    assert form_problems(page) == []
    assert 'href="#id_about"' in page and 'id="id_about"' in page


def test_r24_the_urgent_action_question_has_a_govuk_error_message(client, contact, worker):
    client.force_login(worker)
    child = contact.children.first()
    page = client.post(
        url("findings", contact, child.pk), {"analysis": "Seen at school."}
    ).content.decode()
    assert "Select whether urgent action is needed for any child in the household" in page
    assert "Select is urgent" not in page


def test_r34_the_single_agency_page_with_errors_says_error_once_in_its_title(
    client, make_contact, worker
):
    contact = make_contact(concern={"worry": "Often late and tired.", "domestic_abuse": "no"})
    client.force_login(worker)
    page = client.post(url("single_agency", contact), {"risks": "Tiredness."})
    assert page.status_code == 400
    title = page.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Error: Single-agency enquiries") and title.count("Error:") == 1


def test_r24_the_police_page_with_errors_says_error_once_in_its_title(client, contact, worker):
    client.force_login(worker)
    page = client.post(url("police", contact), {"action": "told"})
    title = page.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Error: Telling the police") and title.count("Error:") == 1
