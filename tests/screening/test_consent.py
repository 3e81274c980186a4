"""Consent per person and per child, re-sought each episode, and referrals returned (R12-R15)."""

from __future__ import annotations

import datetime as dt

import pytest

from frontdoor.errors import DomainError
from frontdoor.policy.registry import current_policy
from frontdoor.screening.consent import (
    authorise_sharing_without_consent,
    record_consent,
    sharing_position,
)
from frontdoor.screening.decisions import complete_follow_up
from frontdoor.screening.models import FollowUp
from frontdoor.screening.transitions import close_contact
from tests.screening.conftest import RECEIVED
from tests.screening.factories import ADVICE, decide_every_child

pytestmark = pytest.mark.django_db

COUNCILS = ["sefton", "sefton-2022", "lewisham"]
ASKED = RECEIVED + dt.timedelta(hours=1)

# On 17 November 2026 Sam is 17 and gives their own consent (R13); Alex is 7.
HOME = {"last_name": "Examplechild", "gender": "female", "postcode": "L21 7PQ"}
SAM = {"first_name": "Sam", "date_of_birth": "2009-05-01", **HOME}
ALEX = {"first_name": "Alex", "date_of_birth": "2019-03-01", **HOME}
REFUSED = {"consent": "refused"}
NOT_SOUGHT = {"consent": "not_sought", "not_sought_reason": "increased_risk"}


@pytest.fixture(params=COUNCILS)
def council(request, settings):
    settings.FRONTDOOR_COUNCIL = request.param
    return request.param


def position(contact, policy=None):
    return sharing_position(
        contact=contact,
        adults=contact.adults.all(),
        children=contact.children.all(),
        policy=policy or current_policy(),
    )


def more_information_needed(contact, by):
    """Screening finds each child needs MASH enquiries: a route into MASH at every council."""
    from frontdoor.screening.findings import save_findings

    for child in contact.children.all():
        save_findings(
            contact=contact,
            child=child,
            by=by,
            indicators=[],
            concerns=[],
            analysis="Not clear yet.",
            more_information_needed=True,
        )


def named(contact, first_name):
    return contact.children.get(first_name=first_name)


def test_r12_r13_a_young_persons_consent_does_not_cover_a_younger_sibling(
    council, make_contact, worker
):
    contact = make_contact(children=[SAM, ALEX], consent=REFUSED)
    sam, alex = named(contact, "Sam"), named(contact, "Alex")
    record_consent(contact=contact, by=worker, child=sam, status="given", now=ASKED)
    policy = current_policy()
    sharing = position(contact)
    assert sharing.for_child(sam).may_share_at(policy, 3)[0]
    allowed, why = sharing.for_child(alex).may_share_at(policy, 3)
    assert not allowed
    assert "refused" in why and "Alex" in why


def test_r12_a_refusal_in_the_referral_stands_until_consent_is_sought_again(
    council, make_contact, worker
):
    contact = make_contact(consent=REFUSED)
    child, mother = contact.children.first(), contact.adults.first()
    assert position(contact).for_child(child).refused_by
    record_consent(
        contact=contact, by=worker, adult=mother, about=[child], status="given", now=ASKED
    )
    sharing = position(contact).for_child(child)
    assert sharing.consent_given and not sharing.refused_by


def test_r12_a_later_referral_refusing_outweighs_consent_recorded_before_it(
    make_contact, worker, officer
):
    from frontdoor.intake.models import Channel
    from frontdoor.intake.services import attach_report
    from tests.intake.factories import make_submission

    contact = make_contact(consent=NOT_SOUGHT)
    child, mother = contact.children.first(), contact.adults.first()
    record_consent(
        contact=contact, by=worker, adult=mother, about=[child], status="given", now=ASKED
    )
    assert position(contact).for_child(child).consent_given
    attach_report(
        contact=contact,
        submission=make_submission(consent=REFUSED),
        channel=Channel.TELEPHONE,
        received_at=ASKED + dt.timedelta(hours=1),
        by=officer,
    )
    assert position(contact).for_child(child).refused_by


def test_r12_a_parent_consents_for_each_child_in_a_sibling_group(council, make_contact, worker):
    contact = make_contact(consent=NOT_SOUGHT)
    ellis, robin = named(contact, "Ellis"), named(contact, "Robin")
    mother = contact.adults.first()
    record_consent(
        contact=contact, by=worker, adult=mother, about=[ellis], status="given", now=ASKED
    )
    sharing = position(contact)
    assert sharing.for_child(ellis).consent_given
    assert not sharing.for_child(robin).consent_given
    assert not sharing.for_child(robin).may_share_at(current_policy(), 2)[0]


def test_r13_a_parent_does_not_consent_for_a_young_person(council, make_contact, worker):
    contact = make_contact(children=[SAM, ALEX], consent=NOT_SOUGHT)
    mother = contact.adults.first()
    with pytest.raises(DomainError, match="gives their own consent"):
        record_consent(
            contact=contact,
            by=worker,
            adult=mother,
            about=[named(contact, "Sam")],
            status="given",
            now=ASKED,
        )
    with pytest.raises(DomainError, match="Select the children"):
        record_consent(contact=contact, by=worker, adult=mother, status="given", now=ASKED)


def test_r12_consent_counts_only_from_a_holder_of_parental_responsibility(make_contact, worker):
    adults = [
        {
            "first_name": "Jo",
            "last_name": "Examplechild",
            "relationship_to_child": "Mother",
            "parental_responsibility": "yes",
        },
        {
            "first_name": "Lee",
            "last_name": "Partner",
            "relationship_to_child": "Mother's partner",
            "parental_responsibility": "no",
        },
        {
            "first_name": "Max",
            "last_name": "Examplechild",
            "relationship_to_child": "Father",
            "parental_responsibility": "unknown",
        },
    ]
    contact = make_contact(adults=adults, consent=NOT_SOUGHT)
    child = contact.children.first()
    partner = contact.adults.get(first_name="Lee")
    father = contact.adults.get(first_name="Max")
    with pytest.raises(DomainError, match="does not hold parental responsibility"):
        record_consent(
            contact=contact, by=worker, adult=partner, about=[child], status="given", now=ASKED
        )
    record_consent(
        contact=contact, by=worker, adult=father, about=[child], status="given", now=ASKED
    )
    assert not position(contact).for_child(child).consent_given  # not known to hold it
    record_consent(
        contact=contact, by=worker, adult=father, about=[child], status="refused", now=ASKED
    )
    assert position(contact).for_child(child).refused_by == ["Max Examplechild"]


def test_r14_sharing_without_consent_is_authorised_for_one_child(council, make_contact, manager):
    contact = make_contact(consent=REFUSED)
    ellis, robin = named(contact, "Ellis"), named(contact, "Robin")
    authorise_sharing_without_consent(
        contact=contact,
        child=ellis,
        by=manager,
        reason="increased_risk",
        explanation="Telling Mum's partner would put Ellis at risk.",
        now=ASKED,
    )
    policy = current_policy()
    sharing = position(contact)
    assert sharing.for_child(ellis).may_share_at(policy, 4)[0]
    assert not sharing.for_child(robin).may_share_at(policy, 4)[0]


def test_r14_a_manager_cannot_authorise_for_a_child_of_another_contact(make_contact, manager):
    contact, other = make_contact(), make_contact()
    with pytest.raises(DomainError, match="not part of contact"):
        authorise_sharing_without_consent(
            contact=contact,
            child=other.children.first(),
            by=manager,
            reason="increased_risk",
            explanation="Risk.",
        )


# R12: consent is re-sought for each new episode (a case closed and reopened).


def _earlier_and_new(
    make_contact, worker, manager, person_for, *, close: bool, later_consent=NOT_SOUGHT
):
    earlier = make_contact(consent=NOT_SOUGHT)
    child = earlier.children.first()
    person = person_for(child)
    record_consent(
        contact=earlier,
        by=worker,
        adult=earlier.adults.first(),
        about=[child],
        status="given",
        now=ASKED,
    )
    if close:
        level_1 = next(o.key for o in current_policy().outcomes if o.levels == [1])
        decide_every_child(
            earlier,
            by=manager,
            now=ASKED + dt.timedelta(hours=1),
            decision={**ADVICE, "outcome": level_1},
        )
        for follow_up in FollowUp.objects.open().filter(decision__contact=earlier):
            complete_follow_up(follow_up=follow_up, by=manager, note="Done.")
        close_contact(contact=earlier, by=manager, now=ASKED + dt.timedelta(hours=2))
    later = make_contact(received_at=RECEIVED + dt.timedelta(days=7), consent=later_consent)
    again = later.children.get(first_name=child.first_name)
    again.person = person
    again.save(update_fields=["person"])
    return earlier, later, again


def test_r12_a_new_episode_does_not_inherit_an_earlier_episodes_consent(
    council, make_contact, worker, manager, person_for
):
    earlier, later, child = _earlier_and_new(make_contact, worker, manager, person_for, close=True)
    assert current_policy().consent.re_sought_each_episode
    sharing = position(later).for_child(child)
    assert not sharing.consent_given
    assert earlier.reference in sharing.earlier_episode
    assert "earlier episode" in sharing.earlier_episode


def test_r12_consent_carries_within_the_same_open_episode(
    council, make_contact, worker, manager, person_for
):
    earlier, later, child = _earlier_and_new(make_contact, worker, manager, person_for, close=False)
    sharing = position(later).for_child(child)
    assert sharing.consent_given
    assert earlier.reference in sharing.basis


def test_r12_where_the_policy_does_not_re_seek_consent_it_carries(
    make_contact, worker, manager, person_for
):
    _, later, child = _earlier_and_new(make_contact, worker, manager, person_for, close=True)
    policy = current_policy()
    keeps = policy.model_copy(
        update={"consent": policy.consent.model_copy(update={"re_sought_each_episode": False})}
    )
    assert position(later, keeps).for_child(child).consent_given
    assert not position(later).for_child(child).consent_given


def test_r12_a_refusal_in_the_new_referral_is_not_outweighed_by_an_earlier_episode(
    make_contact, worker, manager, person_for
):
    _, later, child = _earlier_and_new(
        make_contact, worker, manager, person_for, close=False, later_consent=REFUSED
    )
    assert position(later).for_child(child).refused_by


# R15: Lewisham returns a referral without clear consent to the referrer before processing.


def test_r15_lewisham_returns_a_referral_without_clear_consent_and_resumes_it(
    make_contact, worker, settings
):
    from frontdoor.audit.models import AuditEvent
    from frontdoor.intake.models import Contact
    from frontdoor.outbox.models import Message
    from frontdoor.screening.selectors import screening_queue
    from frontdoor.screening.transitions import (
        resume_with_consent,
        return_to_referrer,
        start_screening,
    )

    settings.FRONTDOOR_COUNCIL = "lewisham"
    contact = make_contact(consent=NOT_SOUGHT)
    assert position(contact).return_to_referrer
    returned = return_to_referrer(
        contact=contact, by=worker, message="Please ask the family for consent.", now=ASKED
    )
    contact.refresh_from_db()
    assert contact.state == Contact.State.RETURNED
    assert returned.sent_to == ["pat@school.example"]
    message = Message.objects.get(kind="referral_returned")
    assert message.to == "pat@school.example"
    assert "Please ask the family for consent." in message.body
    assert contact.reference in message.subject
    assert AuditEvent.objects.filter(action="referral.returned").exists()
    assert contact in screening_queue(user=worker)  # paused, not lost
    with pytest.raises(DomainError, match="returned to the referrer"):
        start_screening(contact=contact, by=worker, now=ASKED)

    with pytest.raises(DomainError, match="what the referrer told you"):
        resume_with_consent(contact=contact, by=worker, consent_note=" ", now=ASKED)
    resume_with_consent(
        contact=contact,
        by=worker,
        consent_note="Mum agreed on the telephone this morning.",
        now=ASKED + dt.timedelta(days=1),
    )
    contact.refresh_from_db()
    assert contact.state == Contact.State.RECEIVED
    assert AuditEvent.objects.filter(action="referral.resumed").exists()
    sharing = position(contact)
    assert not sharing.return_to_referrer
    assert sharing.for_child(contact.children.first()).consent_given
    start_screening(contact=contact, by=worker, now=ASKED + dt.timedelta(days=1))


@pytest.mark.parametrize("council", ["sefton", "sefton-2022"])
def test_r15_sefton_does_not_return_referrals(make_contact, worker, settings, council, client):
    from django.urls import reverse

    from frontdoor.screening.transitions import return_to_referrer

    settings.FRONTDOOR_COUNCIL = council
    contact = make_contact(consent=NOT_SOUGHT)
    with pytest.raises(DomainError, match="does not return referrals"):
        return_to_referrer(contact=contact, by=worker, message="Consent?", now=ASKED)
    client.force_login(worker)
    page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
    assert "Return the referral to the referrer" not in page
    offered = client.get(reverse("screening:return", args=[contact.reference])).content.decode()
    assert "does not return referrals" in offered and "Return the referral</button>" not in offered
    refused = client.post(reverse("screening:return", args=[contact.reference]), {"message": "?"})
    assert "does not return referrals" in refused.content.decode()


def test_r15_a_referral_with_consent_or_already_processed_is_not_returned(
    make_contact, worker, manager, settings
):
    from frontdoor.screening.transitions import return_to_referrer

    settings.FRONTDOOR_COUNCIL = "lewisham"
    with pytest.raises(DomainError, match="says consent was given"):
        return_to_referrer(contact=make_contact(), by=worker, message="Consent?", now=ASKED)
    contact = make_contact(consent=NOT_SOUGHT)
    more_information_needed(contact, manager)
    from frontdoor.mash.enquiries import send_enquiry

    authorise_sharing_without_consent(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        reason="increased_risk",
        explanation="Risk.",
        now=ASKED,
    )
    send_enquiry(
        contact=contact,
        child=contact.children.first(),
        by=manager,
        rag="red",
        agencies=["police"],
        reason="Unclear risk.",
        now=ASKED,
    )
    with pytest.raises(DomainError, match="in MASH"):
        return_to_referrer(contact=contact, by=worker, message="Consent?", now=ASKED)


def test_r15_the_pages_return_and_resume_a_referral(
    make_contact, worker, manager, officer, settings, client
):
    from django.urls import reverse

    from frontdoor.outbox.models import Message

    settings.FRONTDOOR_COUNCIL = "lewisham"
    contact = make_contact(consent=NOT_SOUGHT)
    screening = reverse("screening:contact", args=[contact.reference])
    return_url = reverse("screening:return", args=[contact.reference])
    client.force_login(officer)
    assert client.get(return_url).status_code == 403
    client.force_login(worker)
    assert "Return the referral to the referrer" in client.get(screening).content.decode()
    form = client.get(return_url).content.decode()
    assert "pat@school.example" in form and contact.reference in form
    empty = client.post(return_url, {"message": ""}).content.decode()
    assert "Enter the message to the referrer" in empty
    assert client.post(return_url, {"message": "Consent, please."}).status_code == 302
    assert Message.objects.filter(kind="referral_returned").count() == 1
    client.force_login(manager)
    queue = client.get(reverse("screening:queue")).content.decode()
    assert "Returned to the referrer" in queue
    page = client.get(screening).content.decode()
    assert "The referrer has come back with consent" in page
    resume_url = reverse("screening:resume", args=[contact.reference])
    assert client.post(resume_url, {"consent_note": "Mum agreed."}).status_code == 302
    assert "Mum agreed." in client.get(screening).content.decode()


def test_r15_r25_a_returned_referral_is_not_overdue_and_its_clock_restarts_on_resuming(
    make_contact, worker, settings
):
    from frontdoor.intake.models import Contact
    from frontdoor.policy.clocks import start_clock
    from frontdoor.policy.registry import calendar_for, current_loaded_policy
    from frontdoor.policy.schema import TimescaleKey
    from frontdoor.returns.dashboards import Period, dashboard
    from frontdoor.screening.transitions import resume_with_consent, return_to_referrer

    settings.FRONTDOOR_COUNCIL = "lewisham"
    contact = make_contact(consent=NOT_SOUGHT)
    return_to_referrer(contact=contact, by=worker, message="Consent, please.", now=ASKED)
    contact.refresh_from_db()
    long_after = contact.progress_due_at + dt.timedelta(days=3)
    # Waiting on the referrer: past its due time, but not overdue on any page; still open work.
    assert not contact.is_overdue(long_after)
    assert not Contact.objects.overdue(long_after).filter(pk=contact.pk).exists()
    figures = dashboard(period=Period.last_weeks(today=long_after.date()), now=long_after)
    stages = {bar.label: bar.count for bar in figures.open_by_stage}
    assert stages["Returned to the referrer"] == 1 and figures.due.overdue == 0
    # Counted once in each table, as back with the referrer: in no due time, not within time.
    due, timeliness = figures.due, figures.timeliness
    assert (due.due_soon, due.later, due.no_timescale, due.with_the_referrer) == (0, 0, 0, 1)
    assert (timeliness.late_open, timeliness.within_time, timeliness.with_the_referrer) == (0, 0, 1)
    assert timeliness.share.whole == 0
    assert timeliness.counted == figures.contacts

    resume_with_consent(
        contact=contact, by=worker, consent_note="Dad agreed by e-mail.", now=long_after
    )
    contact.refresh_from_db()
    loaded = current_loaded_policy()
    expected = start_clock(
        timescale=loaded.policy.timescale(TimescaleKey.CONTACT_PROGRESSED),
        start=long_after,
        calendar=calendar_for(loaded),
    ).due
    assert contact.progress_due_at == expected
    assert not contact.is_overdue(long_after)
    assert contact.is_overdue(expected + dt.timedelta(minutes=1))
    assert (
        Contact.objects.overdue(expected + dt.timedelta(minutes=1)).filter(pk=contact.pk).exists()
    )


def test_r15_a_returned_referral_past_its_due_time_reads_paused_not_overdue_on_every_page(
    make_contact, worker, manager, settings, client
):
    from django.urls import reverse
    from django.utils import timezone

    from frontdoor.screening.transitions import return_to_referrer

    settings.FRONTDOOR_COUNCIL = "lewisham"
    contact = make_contact(consent=NOT_SOUGHT)
    return_to_referrer(contact=contact, by=worker, message="Consent, please.", now=ASKED)
    contact.refresh_from_db()
    assert contact.progress_due_at < timezone.now()  # its due time has passed while away
    paused = "aused while the referral is back with the referrer"
    client.force_login(manager)
    pages = {
        "queue": reverse("screening:queue"),
        "contact": reverse("intake:contact", args=[contact.reference]),
        "screening": reverse("screening:contact", args=[contact.reference]),
    }
    for name, url in pages.items():
        page = client.get(url).content.decode()
        assert paused in page, name
        assert "Overdue by" not in page and 'tag--red">Overdue<' not in page, name


def test_r13_a_refusal_in_the_referral_does_not_stand_for_a_young_persons_own_consent(
    council, make_contact, worker, client
):
    contact = make_contact(children=[SAM, ALEX], consent=REFUSED)
    sam, alex = named(contact, "Sam"), named(contact, "Alex")
    sharing = position(contact)
    assert sharing.for_child(alex).refused_by
    own = sharing.for_child(sam)
    assert not own.refused_by and not own.consent_given
    assert "not been asked" in own.basis
    allowed, why = own.may_share_at(current_policy(), 3)
    assert not allowed and "their own consent" in why
    client.force_login(worker)
    page = client.get(f"/contacts/{contact.reference}/screening/").content.decode()
    assert "Refused refused" not in page


def test_r13_consent_given_in_the_referral_is_not_a_young_persons_own(
    council, make_contact, worker, client
):
    contact = make_contact(children=[SAM, ALEX], consent={"consent": "given"})
    sam, alex = named(contact, "Sam"), named(contact, "Alex")
    sharing = position(contact)
    assert sharing.for_child(alex).consent_given
    own = sharing.for_child(sam)
    assert not own.consent_given and not own.refused_by
    assert "not been asked" in own.basis and "consent was given" in own.basis
    allowed, why = own.may_share_at(current_policy(), 3)
    assert not allowed and "their own consent" in why


def test_r12_r13_each_childs_consent_reads_as_a_sentence(client, make_contact, worker):
    import re

    from django.urls import reverse

    contact = make_contact(children=[SAM, ALEX], consent=REFUSED)
    record_consent(
        contact=contact, by=worker, child=named(contact, "Sam"), status="given", now=ASKED
    )
    unasked = make_contact(children=[ALEX], consent=NOT_SOUGHT)
    client.force_login(worker)

    def text(contact):
        page = client.get(reverse("screening:contact", args=[contact.reference])).content.decode()
        return " ".join(re.sub(r"<[^>]+>", "", page).replace("&#x27;", "'").split())

    page = text(contact)
    assert "Consent for Sam Examplechild: Given: Sam Examplechild gave consent." in page
    assert (
        "Consent for Alex Examplechild: Refused by those with parental responsibility, as the "
        "referral says." in page
    )
    assert "Consent for Alex Examplechild: Not given: no one has been asked yet." in text(unasked)
