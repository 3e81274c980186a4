"""The manager's decision and what follows from it (R16, R17, R19, R23, R25, R28-R31)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from frontdoor.audit.models import AuditEvent
from frontdoor.errors import DomainError
from frontdoor.intake.models import Contact
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import send_pending
from frontdoor.policy.clocks import LONDON
from frontdoor.policy.registry import current_policy
from frontdoor.screening import decisions
from frontdoor.screening.consent import authorise_sharing_without_consent
from frontdoor.screening.decisions import DecisionConflict, TransferDetails, record_decision
from frontdoor.screening.findings import save_findings
from frontdoor.screening.models import Decision, FollowUp, Referral, Transfer
from tests.screening.conftest import RECEIVED

pytestmark = pytest.mark.django_db
DECIDED = RECEIVED + dt.timedelta(hours=3)


def decide(contact, child, by, **overrides):
    values = {
        "level": 3,
        "outcome": "child_and_family_assessment",
        "rationale": "Bruising with an account of being hit: an assessment is needed.",
        "rag": "",
        "based_on": 0,
        "now": DECIDED,
    }
    values.update(overrides)
    # The CIN census needs a primary need for each referral, and only for referrals.
    referral = current_policy().outcome(values["outcome"]).becomes_referral
    values.setdefault("primary_need", "N1" if referral else "")
    return record_decision(contact=contact, child=child, by=by, **values)


def test_r25_a_decision_is_recorded_with_who_when_why_and_the_policy_version(contact, manager):
    child = contact.children.first()
    decision = decide(contact, child, manager)
    assert decision.decided_by == manager
    assert decision.decided_at == DECIDED
    assert decision.policy_version.policy_id == "sefton"
    assert decision.outcome_label.startswith("Child in need")
    event = AuditEvent.objects.get(action="decision.recorded")
    assert event.reason == decision.rationale
    assert event.policy_version == decision.policy_version


def test_r25_a_decision_without_a_rationale_is_refused(contact, manager):
    with pytest.raises(DomainError, match="rationale"):
        decide(contact, contact.children.first(), manager, rationale="   ")
    assert not Decision.objects.exists()


def test_r25_an_outcome_the_policy_does_not_allow_for_the_level_is_refused(contact, manager):
    with pytest.raises(DomainError, match=r"is for level 4 .* not level 2"):
        decide(contact, contact.children.first(), manager, level=2, outcome="strategy_discussion")


def test_r25_every_rule_a_decision_breaks_is_given_at_once_with_its_field(contact, manager):
    with pytest.raises(decisions.DecisionProblems) as refused:
        decide(
            contact,
            contact.children.first(),
            manager,
            level=2,
            outcome="strategy_discussion",
            rationale=" ",
            primary_need="",
        )
    assert [field for field, _message in refused.value.problems] == [
        "rationale",
        "outcome",
        "primary_need",
    ]
    assert "not level 2" in refused.value.message
    assert not Decision.objects.exists()


def test_r35_a_rag_rating_not_red_amber_or_green_is_refused_once(contact, manager):
    with pytest.raises(decisions.DecisionProblems) as refused:
        decide(contact, contact.children.first(), manager, rag="purple")
    assert refused.value.problems == [
        ("rag", "Choose Red, Amber or Green, or say the child is not going to MASH.")
    ]
    assert not Decision.objects.exists()


def test_r25_only_a_mash_manager_decides(contact, worker):
    with pytest.raises(DomainError, match="MASH manager"):
        decide(contact, contact.children.first(), worker)


def test_decisions_are_append_only(contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    decision.rationale = "changed"
    with pytest.raises(PermissionError):
        decision.save()
    with pytest.raises(PermissionError):
        decision.delete()


def test_two_managers_deciding_at_once_the_second_is_told_and_shown_the_first(
    contact, manager, make_user
):
    from frontdoor.accounts.roles import Role

    other = make_user(Role.MASH_MANAGER)
    child = contact.children.first()
    first = decide(contact, child, manager)
    with pytest.raises(DecisionConflict) as refused:
        decide(contact, child, other, outcome="information_and_advice", level=1)
    assert refused.value.decision == first
    assert "Yours was not saved" in refused.value.message
    assert Decision.objects.count() == 1
    # Having seen it, the second manager may record a new decision that supersedes it.
    second = decide(contact, child, other, level=3, based_on=1)
    assert second.sequence == 2
    assert Decision.objects.count() == 2


def test_a_decision_claiming_to_follow_one_never_recorded_is_refused_as_out_of_date(
    contact, manager
):
    # The page's hidden `based_on` names decision 1, but the child has none (a page changed on
    # its way): refused with a message to act on, and nothing recorded.
    with pytest.raises(DomainError, match="This page is out of date"):
        decide(contact, contact.children.first(), manager, based_on=1)
    assert not Decision.objects.exists()


def test_decision_departing_from_the_suggestion_is_marked(contact, manager, worker):
    child = contact.children.first()
    save_findings(
        contact=contact,
        child=child,
        by=worker,
        indicators=["L3.health.1"],
        concerns=[],
        analysis="Needs an assessment.",
    )
    same = decide(contact, child, manager, level=3, rag="green")
    # Domestic abuse in the referral meets a MASH criterion; level 3 suggests Amber.
    assert same.suggested_level == 3
    assert same.suggested_rag == "amber"
    assert same.departs_from_suggestion
    assert same.departures == ["RAG Green; the suggestion was Amber"]
    assert same.mash_criteria_met[0]["key"] == "domestic_abuse"
    assert same.indicators[0]["key"] == "L3.health.1"


def test_r28_early_help_is_refused_for_child_protection_concerns(contact, manager, worker):
    child = contact.children.first()
    save_findings(
        contact=contact,
        child=child,
        by=worker,
        indicators=[],
        concerns=["physical_abuse"],
        analysis="Bruise with an account of being hit.",
    )
    with pytest.raises(DomainError, match="never the right first response"):
        decide(contact, child, manager, level=2, outcome="early_help")


# Sefton's level 4 indicators that name abuse, ticked without the separate concern boxes.
ABUSE_OR_NEGLECT = "L4.family_history_functioning.17"  # physical, emotional, sexual abuse, neglect
SEXUAL_BEHAVIOUR = "L4.social_emotional_behavioural_identity.17"  # may be indicative of abuse


def test_r28_an_indicator_naming_abuse_counts_as_the_concern(make_contact, manager, worker):
    from frontdoor.policy.catalogue import indicators
    from frontdoor.screening.selectors import child_summary

    catalogue = {indicator.key: indicator for indicator in indicators(current_policy())}
    assert "physical, emotional or sexual abuse" in catalogue[ABUSE_OR_NEGLECT].text
    assert "indicative of abuse" in catalogue[SEXUAL_BEHAVIOUR].text
    # No domestic abuse in the referral: the indicators alone are the evidence.
    contact = make_contact(concern={"worry": "Disclosed at school.", "domestic_abuse": "no"})
    child = contact.children.first()
    save_findings(
        contact=contact,
        child=child,
        by=worker,
        indicators=[ABUSE_OR_NEGLECT, SEXUAL_BEHAVIOUR],
        concerns=[],
        analysis="Disclosure of abuse.",
    )
    summary = child_summary(policy=current_policy(), contact=contact, child=child)
    assert {concern.value for concern in summary.concerns} == {
        "physical_abuse",
        "emotional_abuse",
        "sexual_abuse",
        "neglect",
    }
    # R34: the harm criterion is met; R35: the RAG follows from the concerns and level 4.
    assert "harm_or_neglect" in {criterion.key for criterion in summary.criteria_met}
    assert summary.rag.rag == "red"
    # R28: Early Help cannot be the first response.
    with pytest.raises(DomainError, match="never the right first response"):
        decide(contact, child, manager, level=2, outcome="early_help", rag="")


def test_r16_early_help_at_level_2_needs_consent(make_contact, manager):
    contact = make_contact(consent={"consent": "refused"})
    with pytest.raises(DomainError, match="consent is required"):
        decide(contact, contact.children.first(), manager, level=2, outcome="early_help")


def test_r16_at_level_4_sharing_without_consent_needs_an_authorisation(make_contact, manager):
    contact = make_contact(consent={"consent": "refused"})
    child = contact.children.first()
    with pytest.raises(DomainError, match="authorisation"):
        decide(contact, child, manager, level=4, outcome="strategy_discussion", rag="red")
    authorise_sharing_without_consent(
        contact=contact,
        child=child,
        by=manager,
        reason="increased_risk",
        explanation="Telling Mum's partner would put Ellis at risk.",
    )
    decision = decide(contact, child, manager, level=4, outcome="strategy_discussion", rag="red")
    assert decision.rag == "red"


def test_r29_an_assessment_makes_the_contact_a_referral(contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    referral = Referral.objects.get()
    assert referral.decision == decision
    assert referral.referred_at == DECIDED
    assert not referral.is_re_referral


def test_r29_a_referral_within_twelve_months_of_another_is_a_re_referral(
    make_contact, manager, person_for
):
    earlier = make_contact(received_at=RECEIVED - dt.timedelta(days=200))
    ellis = earlier.children.first()
    person = person_for(ellis)
    decide(earlier, ellis, manager, now=RECEIVED - dt.timedelta(days=199))
    later = make_contact()
    child = later.children.first()
    child.person = person
    child.save(update_fields=["person"])
    decide(later, child, manager)
    referral = Referral.objects.get(child=child)
    assert referral.is_re_referral
    assert referral.previous_referral_on == (RECEIVED - dt.timedelta(days=199)).date()


def test_r29_one_person_decided_twice_on_one_contact_is_one_referral(contact, manager, person_for):
    # Two reported children of the contact found, after their records were merged, to be one
    # person: a decision on each makes one referral, not a second that a return would count.
    ellis, robin = contact.children.all()
    person = person_for(ellis)
    robin.person = person
    robin.save(update_fields=["person"])
    decide(contact, ellis, manager)
    decide(contact, robin, manager)
    assert Referral.objects.get().child == ellis


def test_r23_a_strategy_discussion_alerts_the_duty_manager_at_once_and_starts_the_24_hour_clock(
    contact, manager
):
    decision = decide(
        contact, contact.children.first(), manager, level=4, outcome="strategy_discussion"
    )
    alert = Message.objects.get(kind="strategy_discussion_alert")
    assert alert.to == "duty-assessment-manager@sefton.example"
    assert contact.reference in alert.subject
    meeting = FollowUp.objects.get(decision=decision, kind=FollowUp.Kind.STRATEGY_DISCUSSION)
    assert meeting.due_at == DECIDED + dt.timedelta(hours=24)


def test_r30_a_professional_referrer_is_told_the_outcome_through_the_outbox(contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    message = Message.objects.get(kind="referrer_feedback")
    assert message.to == "pat@school.example"
    assert decision.outcome_label in message.body
    feedback = FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at == DECIDED
    assert send_pending() >= 1
    assert [m.to for m in mail.outbox if "outcome" in m.subject] == [["pat@school.example"]]


def test_r30_the_feedback_names_no_other_referrer(contact, manager, officer):
    from frontdoor.intake.models import Channel
    from frontdoor.intake.services import attach_report
    from tests.intake.factories import make_submission

    attach_report(
        contact=contact,
        submission=make_submission(
            referrer={"type": "public", "name": "Private Neighbour", "phone": "07000 000000"}
        ),
        channel=Channel.TELEPHONE,
        received_at=RECEIVED + dt.timedelta(hours=1),
        by=officer,
    )
    decide(contact, contact.children.first(), manager)
    (message,) = Message.objects.filter(kind="referrer_feedback")
    assert "Neighbour" not in message.body
    assert "07000" not in message.body


def test_r30_r31_lewisham_clocks_for_feedback_and_the_child_being_seen(contact, manager, settings):
    settings.FRONTDOOR_COUNCIL = "lewisham"
    decision = record_decision(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        level=3,
        outcome="child_in_need_assessment",
        rationale="Assessment needed.",
        primary_need="N4",
        now=DECIDED,
    )
    assert decision.policy_version.policy_id == "lewisham"
    seen = FollowUp.objects.get(decision=decision, kind=FollowUp.Kind.CHILD_SEEN)
    feedback = FollowUp.objects.get(decision=decision, kind=FollowUp.Kind.REFERRER_FEEDBACK)
    # Tuesday 17 November: 5 working days is Tuesday 24th, 3 working days Friday 20th, at close.
    assert seen.due_at.astimezone(LONDON).date() == dt.date(2026, 11, 24)
    assert feedback.due_at.astimezone(LONDON).date() == dt.date(2026, 11, 20)


def test_r31_sefton_sets_no_child_seen_clock_but_the_child_being_seen_is_recorded(contact, manager):
    decision = decide(contact, contact.children.first(), manager)
    seen = FollowUp.objects.get(decision=decision, kind=FollowUp.Kind.CHILD_SEEN)
    assert seen.due_at is None  # no timescale, yet Annex A reads when the child was seen


def test_r17_a_transfer_records_what_was_sent_when_and_by_whom(contact, manager):
    decision = decide(
        contact,
        contact.children.first(),
        manager,
        level=2,
        outcome="another_council",
        transfer=TransferDetails(
            council_code="E08000012",
            sent_how="Secure e-mail to Liverpool's MASH",
            what_was_sent="The referral and the screening notes",
        ),
    )
    transfer = Transfer.objects.get()
    assert transfer.decision == decision
    assert transfer.to_council_name == "Liverpool"
    assert transfer.sent_by == manager
    assert transfer.sent_at == DECIDED


def test_r17_a_transfer_without_a_council_or_to_itself_is_refused(contact, manager):
    child = contact.children.first()
    with pytest.raises(DomainError, match="Name the council"):
        decide(contact, child, manager, level=2, outcome="another_council")
    with pytest.raises(DomainError, match="this council itself"):
        decide(
            contact,
            child,
            manager,
            level=2,
            outcome="another_council",
            transfer=TransferDetails("E08000014", "e-mail", "everything"),
        )


def test_r19_passing_to_the_allocated_worker_needs_an_open_case_and_e_mails_them(
    contact, manager, person_for, involvement
):
    child = contact.children.first()
    with pytest.raises(DomainError, match="no open social care"):
        decide(contact, child, manager, level=3, outcome="allocated_worker")
    person = person_for(child)
    involvement(
        person,
        "social_care",
        dt.date(2026, 3, 1),
        allocated_worker="Sam Worker",
        allocated_worker_email="sam.worker@sefton.example",
        team="Children in Need 2",
    )
    decide(contact, child, manager, level=3, outcome="allocated_worker")
    message = Message.objects.get(kind="allocated_worker")
    assert message.to == "sam.worker@sefton.example"
    # With no address for the line manager, passing it on stays to do.
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.PASS_TO_ALLOCATED_WORKER)
    assert follow_up.done_at is None
    assert "no address for the other" in follow_up.note


def test_r19_the_allocated_workers_line_manager_is_told_too(
    contact, manager, person_for, involvement
):
    child = contact.children.first()
    involvement(
        person_for(child),
        "social_care",
        dt.date(2026, 3, 1),
        allocated_worker="Sam Worker",
        allocated_worker_email="sam.worker@sefton.example",
        line_manager="Lee Lead",
        line_manager_email="lee.lead@sefton.example",
        team="Children in Need 2",
    )
    decide(contact, child, manager, level=3, outcome="allocated_worker")
    told = {m.to: m.body for m in Message.objects.filter(kind="allocated_worker")}
    assert set(told) == {"sam.worker@sefton.example", "lee.lead@sefton.example"}
    assert "whom you manage" in told["lee.lead@sefton.example"]
    follow_up = FollowUp.objects.get(kind=FollowUp.Kind.PASS_TO_ALLOCATED_WORKER)
    assert follow_up.done_at == DECIDED


def test_the_contact_is_decided_once_every_child_is(contact, manager):
    first, second = contact.children.all()
    decide(contact, first, manager)
    contact.refresh_from_db()
    assert contact.state == Contact.State.SCREENING
    decide(contact, second, manager)
    contact.refresh_from_db()
    assert contact.state == Contact.State.DECIDED


def test_a_closed_contact_takes_no_new_decision(contact, manager):
    from frontdoor.screening.transitions import close_contact

    for child in contact.children.all():
        decide(contact, child, manager, level=1, outcome="information_and_advice")
    with pytest.raises(DomainError, match="still has things to do"):
        close_contact(contact=contact, by=manager)
    for follow_up in FollowUp.objects.filter(done_at__isnull=True):
        decisions.complete_follow_up(follow_up=follow_up, by=manager, note="Mum phoned")
    close_contact(contact=contact, by=manager)
    with pytest.raises(DomainError, match="closed"):
        decide(contact, contact.children.first(), manager, based_on=1)


def test_r29_a_referral_records_the_primary_need_and_nothing_else_does(contact, manager):
    child = contact.children.first()
    with pytest.raises(DomainError, match="primary need"):
        decide(contact, child, manager, primary_need="")
    with pytest.raises(DomainError, match="only when the contact becomes a referral"):
        decide(
            contact, child, manager, level=1, outcome="information_and_advice", primary_need="N1"
        )
    assert decide(contact, child, manager, primary_need="N4").primary_need == "N4"


def test_a_revision_replaces_the_follow_ups_the_revised_decision_left_open(contact, manager):
    from frontdoor.screening.transitions import close_contact

    for child in contact.children.all():
        decide(contact, child, manager, level=1, outcome="information_and_advice")
    for child in contact.children.all():
        decide(contact, child, manager, based_on=1, now=DECIDED + dt.timedelta(hours=1))
    replaced = FollowUp.objects.filter(decision__sequence=1, kind=FollowUp.Kind.FAMILY_TOLD)
    assert replaced.count() == 2
    assert all(follow_up.replaced_by.sequence == 2 for follow_up in replaced)
    assert not FollowUp.objects.open().filter(decision__sequence=1).exists()
    with pytest.raises(DomainError, match="no longer needed"):
        decisions.complete_follow_up(follow_up=replaced.first(), by=manager, note="Told")
    # Only the revision's own follow-ups stand between the contact and its closing.
    for follow_up in FollowUp.objects.open():
        assert follow_up.decision.sequence == 2
        decisions.complete_follow_up(follow_up=follow_up, by=manager, note="Mum phoned")
    close_contact(contact=contact, by=manager)
    (event, *_) = [
        event
        for event in AuditEvent.objects.filter(action="decision.recorded")
        if event.changes["sequence"] == 2
    ]
    assert event.changes["follow_ups_replaced"] == ["Tell the child and family what will happen"]


def test_r30_a_revision_keeping_the_outcome_does_not_tell_the_referrer_twice(contact, manager):
    child = contact.children.first()
    decide(contact, child, manager)
    decide(contact, child, manager, based_on=1, rationale="Re-read: still an assessment.")
    assert Message.objects.filter(kind="referrer_feedback").count() == 1
    feedback = FollowUp.objects.get(decision__sequence=2, kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at is not None
    assert "did not change it" in feedback.note


def test_r30_a_revision_changing_the_outcome_tells_the_referrer_what_changed(contact, manager):
    child = contact.children.first()
    first = decide(contact, child, manager)
    # The first outcome has left (one not yet sent is taken back: test_referrer_feedback_once).
    Message.objects.update(claimed_at=DECIDED, sent_at=DECIDED)
    second = decide(contact, child, manager, level=1, outcome="information_and_advice", based_on=1)
    latest = Message.objects.filter(kind="referrer_feedback").order_by("id").last()
    assert Message.objects.filter(kind="referrer_feedback").count() == 2
    assert "the outcome has changed" in latest.subject
    assert first.outcome_label in latest.body and second.outcome_label in latest.body


def test_the_contact_page_says_a_replaced_follow_up_is_not_needed(client, contact, manager):
    child = contact.children.first()
    decide(contact, child, manager, level=1, outcome="information_and_advice")
    decide(contact, child, manager, based_on=1)
    client.force_login(manager)
    page = client.get(f"/contacts/{contact.reference}/screening/")
    assert "Not needed: replaced by the revised decision" in page.content.decode()


TEXTING_REFERRER = {
    "type": "professional",
    "name": "Pat Referrer",
    "agency": "Litherland High School",
    "role": "Designated safeguarding lead",
    "phone": "07700 900123",
    "email": "pat@school.example",
    "feedback_by": "text",
    "agrees_to_contact": True,
}


def test_r30_a_referrer_who_asked_for_a_text_and_agreed_is_sent_one(make_contact, manager):
    contact = make_contact(referrer=TEXTING_REFERRER)
    decision = decide(contact, contact.children.first(), manager)
    message = Message.objects.get(kind="referrer_feedback")
    assert (message.channel, message.to) == ("sms", "07700 900123")
    assert decision.outcome_label in message.body and contact.reference in message.body
    assert "Ellis" not in message.body  # a text may be read on a locked screen
    feedback = FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at == DECIDED
    assert "text message to 07700 900123" in feedback.note


def test_r30_no_text_without_the_referrers_recorded_agreement(make_contact, manager):
    from frontdoor.intake.models import Report

    contact = make_contact(referrer=TEXTING_REFERRER)
    Report.objects.filter(contact=contact).update(referrer_agrees_to_contact=False)
    decide(contact, contact.children.first(), manager)
    message = Message.objects.get(kind="referrer_feedback")
    assert (message.channel, message.to) == ("email", "pat@school.example")


def test_r30_feedback_notify_could_not_deliver_shows_on_the_contact(
    client, make_contact, manager, settings
):
    from frontdoor.outbox.services import check_deliveries
    from tests.outbox.notify_server import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, NotifyServer

    contact = make_contact(referrer=TEXTING_REFERRER)
    decide(contact, contact.children.first(), manager)
    client.force_login(manager)
    url = f"/contacts/{contact.reference}/"
    assert "could not be delivered" not in client.get(url).content.decode()
    with NotifyServer() as notify:
        settings.FRONTDOOR_OUTBOX_SENDER = "notify"
        settings.FRONTDOOR_NOTIFY_API_KEY = API_KEY
        settings.FRONTDOOR_NOTIFY_BASE_URL = notify.url
        settings.FRONTDOOR_NOTIFY_TEMPLATES = {"email": EMAIL_TEMPLATE, "sms": SMS_TEMPLATE}
        assert send_pending() >= 1
        [text] = notify.sent("sms")
        assert text["phone_number"] == "07700 900123"
        notify.set_status(text["id"], "permanent-failure")
        assert check_deliveries() == 1
    page = client.get(url).content.decode()
    assert (
        "The feedback text message to the referrer (07700 900123) could not be delivered: "
        "the address or number does not exist. Phone them instead."
    ) in " ".join(page.split())


def test_r30_r11_a_referrer_with_only_a_phone_number_is_telephoned(make_contact, manager, client):
    contact = make_contact(
        referrer={
            "type": "professional",
            "name": "Pat Referrer",
            "agency": "Litherland High School",
            "role": "Designated safeguarding lead",
            "phone": "0151 000 0000",
        }
    )
    decide(contact, contact.children.first(), manager)
    assert not Message.objects.filter(kind="referrer_feedback").exists()
    feedback = FollowUp.objects.get(kind=FollowUp.Kind.REFERRER_FEEDBACK)
    assert feedback.done_at is None
    assert "telephone Pat Referrer on 0151 000 0000" in feedback.note
    client.force_login(manager)
    page = client.get(f"/contacts/{contact.reference}/screening/").content.decode()
    assert "0151 000 0000" in page
    decisions.complete_follow_up(
        follow_up=feedback, by=manager, note="Telephoned Pat with the outcome."
    )
    feedback.refresh_from_db()
    assert feedback.done_at is not None
